import { requireViewer } from "@/lib/auth/viewer";
import { Sidebar } from "@/components/shell/sidebar";
import { OrgSwitcher } from "@/components/shell/org-switcher";
import { UserMenu } from "@/components/shell/user-menu";
import { ROLE_LABELS } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const viewer = await requireViewer("/dashboard");
  return (
    <div className="min-h-screen md:flex">
      <Sidebar />
      <div className="min-w-0 flex-1">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 py-3 md:px-8">
          <OrgSwitcher current={viewer.org} orgs={viewer.orgs} />
          <div className="flex items-center gap-3">
            <span className="hidden text-xs text-zinc-500 sm:inline" data-testid="current-role">
              {ROLE_LABELS[viewer.role]}
            </span>
            <UserMenu email={viewer.user.email} name={viewer.user.name} />
          </div>
        </header>
        <main className="mx-auto max-w-6xl px-4 py-8 md:px-8 has-data-wide:max-w-[112rem]">{children}</main>
      </div>
    </div>
  );
}
