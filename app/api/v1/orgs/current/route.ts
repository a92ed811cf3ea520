import { cookies } from "next/headers";
import { withOrgApi, withUserApi, readJson } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { renameOrgSchema, switchOrgSchema } from "@/lib/validation/org";
import { ORG_COOKIE } from "@/lib/auth/current-org";
import { recordAdminChange } from "@/lib/admin-audit/record";
import { getDb } from "@/lib/db/client";

// GET → the organization requests act on, and the caller's role in it
export const GET = withOrgApi({ permission: "org.read" }, async ({ org, role }) => Response.json({ organization: org, role }));

// PUT {orgId} → switch the dashboard to another organization the person belongs to
export const PUT = withUserApi({}, async ({ req, principal }) => {
  if (principal.kind !== "user") throw new ApiError("forbidden", "API keys belong to one organization");
  const { orgId } = await readJson(req, switchOrgSchema);
  const m = await getDb().membership.findUnique({ where: { orgId_userId: { orgId, userId: principal.userId } }, include: { org: true } });
  if (!m) throw new ApiError("not_found", "you are not a member of this organization");
  (await cookies()).set(ORG_COOKIE, orgId, { path: "/", httpOnly: true, sameSite: "lax" });
  return Response.json({ organization: { id: m.org.id, name: m.org.name }, role: m.role });
});

// PATCH {name} → rename the current organization
export const PATCH = withOrgApi({ permission: "org.manage" }, async ({ req, org, actor }) => {
  const { name } = await readJson(req, renameOrgSchema);
  const updated = await getDb().$transaction(async (tx) => {
    const o = await tx.organization.update({ where: { id: org.id }, data: { name }, select: { id: true, name: true } });
    await recordAdminChange(tx, actor, { orgId: org.id, action: "organization.renamed", targetType: "organization", targetId: org.id, details: { from: org.name, to: name } });
    return o;
  });
  return Response.json({ organization: updated });
});
