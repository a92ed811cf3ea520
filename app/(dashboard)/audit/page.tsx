import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Audit" };

export default async function Page() {
  await requireViewer("/audit");
  return (
    <>
      <PageHeader title="Audit" description="Every decision the gateway made: who called which tool, the decision, the rule and the latency." />
      <EmptyState title="Nothing recorded yet" body="Calls through the gateway appear here as they happen, with filters, charts and export." />
    </>
  );
}
