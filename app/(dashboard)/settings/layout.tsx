import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { SectionTabs } from "@/components/ui/section-tabs";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requireViewer("/settings");
  const tabs = [{ href: "/settings", label: "General" }];
  if (viewerCan(viewer, "members.manage")) tabs.push({ href: "/settings/members", label: "Members" });
  if (viewerCan(viewer, "apikeys.manage")) tabs.push({ href: "/settings/api-keys", label: "API keys" });
  if (viewerCan(viewer, "org.manage")) tabs.push({ href: "/settings/approvals", label: "Approvals" });
  return (
    <>
      <PageHeader title="Settings" description={`Organization settings for ${viewer.org.name}.`} />
      <SectionTabs label="Settings" tabs={tabs} />
      <div className="mt-6">{children}</div>
    </>
  );
}
