import { cookies } from "next/headers";
import { withUserApi, readJson, readQuery } from "@/lib/api/handler";
import { pageArgs, toPage } from "@/lib/api/pagination";
import { listOldestFirstQuery, OLDEST_FIRST } from "@/lib/validation/lists";
import { ApiError } from "@/lib/api/errors";
import { createOrgSchema } from "@/lib/validation/org";
import { createOrganizationTx } from "@/lib/orgs/sign-up";
import { ORG_COOKIE } from "@/lib/auth/current-org";
import { getDb } from "@/lib/db/client";

// GET /api/v1/orgs?limit&cursor → {items, nextCursor}: the organizations the caller belongs to (in
// the order they joined), with their role in each; an API key's own organization
export const GET = withUserApi({}, async ({ req, principal }) => {
  const q = readQuery(req, listOldestFirstQuery);
  if (principal.kind === "api_key") {
    const org = await getDb().organization.findUniqueOrThrow({ where: { id: principal.orgId }, select: { id: true, name: true } });
    return Response.json({ items: q.cursor ? [] : [{ ...org, role: principal.role }], nextCursor: null });
  }
  const rows = await getDb().membership.findMany({
    ...pageArgs({ userId: principal.userId }, OLDEST_FIRST, q),
    select: { id: true, createdAt: true, role: true, org: { select: { id: true, name: true } } },
  });
  const page = toPage(rows, q.limit, (m) => [m.createdAt, m.id]);
  return Response.json({ items: page.items.map((m) => ({ ...m.org, role: m.role })), nextCursor: page.nextCursor });
});

// POST /api/v1/orgs {name} → a new organization with the caller as admin; it becomes current
export const POST = withUserApi({}, async ({ req, principal }) => {
  if (principal.kind !== "user") throw new ApiError("forbidden", "organizations are created by people, not API keys");
  const { name } = await readJson(req, createOrgSchema);
  const org = await getDb().$transaction((tx) => createOrganizationTx(tx, { id: principal.userId, email: principal.email }, name));
  (await cookies()).set(ORG_COOKIE, org.id, { path: "/", httpOnly: true, sameSite: "lax" });
  return Response.json({ organization: org }, { status: 201 });
});
