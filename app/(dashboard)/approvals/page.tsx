import type { Metadata } from "next";
import { Suspense } from "react";
import { requireViewer, viewerCan } from "@/lib/auth/viewer";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { ApprovalsInbox } from "@/components/approvals/approvals-inbox";

export const metadata: Metadata = { title: "Approvals" };

export default async function Page() {
  const viewer = await requireViewer("/approvals");
  return (
    <>
      <PageHeader title="Approvals" description="Tool calls a rule holds for a person: check the arguments, then approve or deny. The agent's same call runs once when approved." />
      <Suspense>
        <ApprovalsInbox key={viewer.org.id} roleCanDecide={viewerCan(viewer, "approvals.decide")} roleLabel={ROLE_LABELS[viewer.role]} />
      </Suspense>
    </>
  );
}
