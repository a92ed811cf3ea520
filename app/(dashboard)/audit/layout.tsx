import { requireViewer } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { AuditTabs } from "@/components/audit/audit-tabs";

export default async function AuditLayout({ children }: { children: React.ReactNode }) {
  await requireViewer("/audit");
  return (
    <>
      <PageHeader title="Audit" description="Every decision the gateway made: who called which tool, the decision, the rule and the latency. And who changed what." />
      <AuditTabs />
      <div className="mt-6">{children}</div>
    </>
  );
}
