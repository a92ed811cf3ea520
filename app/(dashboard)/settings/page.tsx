import type { Metadata } from "next";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { GeneralSettings } from "@/components/settings/general-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const viewer = await requireViewer("/settings");
  return <GeneralSettings key={viewer.org.id} org={viewer.org} canRename={viewerCan(viewer, "org.manage")} orgs={viewer.orgs} />;
}
