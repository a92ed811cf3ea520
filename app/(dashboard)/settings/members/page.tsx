import type { Metadata } from "next";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { MembersSettings } from "@/components/settings/members-settings";
import { Forbidden } from "@/components/settings/forbidden";
import { ROLE_LABELS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const viewer = await requireViewer("/settings/members");
  if (!viewerCan(viewer, "members.manage")) return <Forbidden what="manage members and invitations" role={ROLE_LABELS[viewer.role]} />;
  return <MembersSettings currentUserId={viewer.user.id} />;
}
