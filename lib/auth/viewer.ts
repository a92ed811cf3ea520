import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import { getDb } from "../db/client";
import { ORG_COOKIE } from "./current-org";
import { can, type Permission, type Role } from "./permissions";

// The signed-in person as server components see them: who they are, the organization they
// are working in, their role there, and every organization they can switch to.
export interface Viewer {
  user: { id: string; email: string; name: string | null };
  org: { id: string; name: string };
  role: Role;
  orgs: { id: string; name: string; role: Role }[];
}

export async function getViewer(): Promise<Viewer | null> {
  const session = await getServerSession(authOptions);
  const userId = (session?.user as { id?: string } | undefined)?.id;
  if (!userId) return null;
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  if (!user) return null;
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { org: { select: { id: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  if (memberships.length === 0) return null;
  const wanted = (await cookies()).get(ORG_COOKIE)?.value;
  const current = memberships.find((m) => m.orgId === wanted) ?? memberships[0];
  return {
    user,
    org: current.org,
    role: current.role as Role,
    orgs: memberships.map((m) => ({ id: m.org.id, name: m.org.name, role: m.role as Role })),
  };
}

/** For pages behind sign-in: the viewer, or a redirect to the sign-in page. */
export async function requireViewer(returnTo: string): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return viewer;
}

export function viewerCan(viewer: Viewer, permission: Permission): boolean {
  return can(viewer.role, permission);
}
