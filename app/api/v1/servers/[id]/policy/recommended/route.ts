import { withOrgApi } from "@/lib/api/handler";
import { recommendedPolicy } from "@/lib/servers/queries";
import { getDb } from "@/lib/db/client";

// GET /api/v1/servers/{id}/policy/recommended → a policy built from the tools' risk ratings
export const GET = withOrgApi<{ id: string }>({ permission: "org.read" }, async ({ params, org }) => {
  return Response.json({ document: await recommendedPolicy(getDb(), org.id, params.id) });
});
