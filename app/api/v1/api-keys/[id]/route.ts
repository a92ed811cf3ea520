import { withOrgApi } from "@/lib/api/handler";
import { revokeApiKey } from "@/lib/orgs/api-keys";
import { getDb } from "@/lib/db/client";

// DELETE /api/v1/api-keys/{id} → revokes the key at once
export const DELETE = withOrgApi<{ id: string }>({ permission: "apikeys.manage" }, async ({ params, org, actor }) => {
  await revokeApiKey(getDb(), actor, org.id, params.id);
  return new Response(null, { status: 204 });
});
