import { withOrgApi, readQuery } from "@/lib/api/handler";
import { listPolicyVersions } from "@/lib/policies/server-policy";
import { listVersionsQuery } from "@/lib/validation/lists";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/policy/versions?limit&cursor → {items, nextCursor}: published versions,
// newest first, each with its document, author and time
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ req, params, org }) => {
  return Response.json(await listPolicyVersions(getDb(), org.id, params.id, readQuery(req, listVersionsQuery)));
});
