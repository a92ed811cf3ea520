"use client";

import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { ApprovalCard } from "./approval-card";
import { useApproval } from "./queries";
import type { ApprovalRow } from "./types";

/** The page agents send their users to: one request, polled so a decision elsewhere shows. */
export function ApprovalDetail({ initial, roleLabel }: { initial: ApprovalRow; roleLabel: string }) {
  const q = useApproval(initial.id, initial);
  return (
    <div className="space-y-4">
      <Link href="/approvals" className="text-sm font-medium text-brand-700 hover:underline">
        ← All approval requests
      </Link>
      {q.error && <Alert tone="error">{q.error.message}</Alert>}
      <ApprovalCard approval={q.data ?? initial} roleLabel={roleLabel} detail />
    </div>
  );
}
