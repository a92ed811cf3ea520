import { cookies } from "next/headers";
import { withUserApi, readJson } from "@/lib/api/handler";
import { ApiError } from "@/lib/api/errors";
import { createOrgSchema } from "@/lib/validation/org";
import { createOrganizationTx } from "@/lib/orgs/sign-up";
import { ORG_COOKIE } from "@/lib/auth/current-org";
import { getDb } from "@/lib/db/client";

// GET /api/v1/orgs → the organizations the caller belongs to, with their role in each
export const GET = withUserApi({}, async ({ principal }) => {
  if (principal.kind === "api_key") {
    const org = await getDb().organization.findUniqueOrThrow({ where: { id: principal.orgId }, select: { id: true, name: true } });
    return Response.json({ organizations: [{ ...org, role: principal.role }] });
  }
  const memberships = await getDb().membership.findMany({
    where: { userId: principal.userId },
    include: { org: { select: { id: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return Response.json({ organizations: memberships.map((m) => ({ ...m.org, role: m.role })) });
});

// POST /api/v1/orgs {name} → a new organization with the caller as admin; it becomes current
export const POST = withUserApi({}, async ({ req, principal }) => {
  if (principal.kind !== "user") throw new ApiError("forbidden", "organizations are created by people, not API keys");
  const { name } = await readJson(req, createOrgSchema);
  const org = await getDb().$transaction((tx) => createOrganizationTx(tx, { id: principal.userId, email: principal.email }, name));
  (await cookies()).set(ORG_COOKIE, org.id, { path: "/", httpOnly: true, sameSite: "lax" });
  return Response.json({ organization: org }, { status: 201 });
});
