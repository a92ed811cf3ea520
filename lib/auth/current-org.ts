import type { Db } from "../db/client";
import type { Role } from "./permissions";

// The organization a signed-in person is working in: the one named by the `tg_org` cookie
// (set by the org switcher) when they are a member of it, else their oldest membership.
export const ORG_COOKIE = "tg_org";

export interface OrgMembership {
  org: { id: string; name: string };
  role: Role;
}

export async function resolveMembership(db: Db, userId: string, wantedOrgId?: string | null): Promise<OrgMembership | null> {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { org: { select: { id: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const chosen = memberships.find((m) => m.orgId === wantedOrgId) ?? memberships[0];
  return chosen ? { org: chosen.org, role: chosen.role as Role } : null;
}
