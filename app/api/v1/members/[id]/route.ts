import { withOrgApi, readJson } from "@/lib/api/handler";
import { changeRoleSchema } from "@/lib/validation/org";
import { changeRole, removeMember } from "@/lib/orgs/members";
import { getDb } from "@/lib/db/client";

export const PATCH = withOrgApi<{ id: string }>({ permission: "members.manage" }, async ({ req, params, org, actor }) => {
  const { role } = await readJson(req, changeRoleSchema);
  const m = await changeRole(getDb(), actor, org.id, params.id, role);
  return Response.json({ member: { id: m.id, role: m.role } });
});

export const DELETE = withOrgApi<{ id: string }>({ permission: "members.manage" }, async ({ params, org, actor }) => {
  await removeMember(getDb(), actor, org.id, params.id);
  return new Response(null, { status: 204 });
});
