import { withPublicApi } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/openapi/document";

// GET /api/v1/openapi.json → the OpenAPI 3.1 document of this API (public; rendered at /docs/api)
export const GET = withPublicApi(async () =>
  Response.json(openApiDocument(), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  }),
);
