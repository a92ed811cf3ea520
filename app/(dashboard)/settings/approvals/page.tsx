import type { Metadata } from "next";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { Forbidden } from "@/components/settings/forbidden";
import { ApprovalWebhookSettings } from "@/components/settings/approval-webhook-settings";

export const metadata: Metadata = { title: "Approval notifications" };

export default async function ApprovalSettingsPage() {
  const viewer = await requireViewer("/settings/approvals");
  if (!viewerCan(viewer, "org.manage")) return <Forbidden what="set up approval notifications" role={ROLE_LABELS[viewer.role]} />;
  return <ApprovalWebhookSettings />;
}
