import { withOrgApi } from "@/lib/api/handler";
import { revokeInvitation } from "@/lib/orgs/invitations";
import { getDb } from "@/lib/db/client";

export const DELETE = withOrgApi<{ id: string }>({ permission: "members.manage" }, async ({ params, org, actor }) => {
  await revokeInvitation(getDb(), actor, org.id, params.id);
  return new Response(null, { status: 204 });
});
