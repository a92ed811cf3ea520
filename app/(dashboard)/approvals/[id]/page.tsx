import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireViewer } from "@/lib/auth/viewer";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { getApproval } from "@/lib/approvals/queries";
import { PageHeader } from "@/components/ui/page-header";
import { ApprovalDetail } from "@/components/approvals/approval-detail";
import type { ApprovalRow } from "@/components/approvals/types";

export const metadata: Metadata = { title: "Approval request" };

// The URL agents give their users: /approvals/apr_… (another organization's id is not found).
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireViewer(`/approvals/${id}`);
  let approval: ApprovalRow;
  try {
    approval = JSON.parse(JSON.stringify(await getApproval(getDb(), viewer.org.id, id, { role: viewer.role, email: viewer.user.email }))) as ApprovalRow;
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") notFound();
    throw err;
  }
  return (
    <>
      <PageHeader title="Approval request" description={`A call to ${approval.tool} through grant ${approval.grant.label}, waiting for or decided by a person.`} />
      <ApprovalDetail key={viewer.org.id} initial={approval} roleLabel={ROLE_LABELS[viewer.role]} />
    </>
  );
}
