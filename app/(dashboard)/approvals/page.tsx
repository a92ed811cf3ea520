import type { Metadata } from "next";
import { requireViewer } from "@/lib/auth/viewer";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Approvals" };

export default async function Page() {
  await requireViewer("/approvals");
  return (
    <>
      <PageHeader title="Approvals" description="Tool calls waiting for a person to approve or deny them." />
      <EmptyState title="No approvals waiting" body="When a rule requires approval, the call waits here until an admin or policy manager decides." />
    </>
  );
}
