"use client";

import Link from "next/link";
import { useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { RiskBadge } from "@/components/servers/risk";
import { pretty, timeAgo } from "@/components/servers/format";
import { Countdown } from "./countdown";
import { useDecideApproval } from "./queries";
import { deciderName, STATUS_LABELS, whoMayDecide, type ApprovalRow, type ApprovalStatus } from "./types";

const STATUS_TONES: Record<ApprovalStatus, "amber" | "green" | "red" | "neutral" | "brand"> = {
  pending: "amber",
  approved: "green",
  denied: "red",
  expired: "neutral",
  used: "brand",
};

export function StatusBadge({ status }: { status: ApprovalStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}

/** One request: the call (tool, risk, arguments in full), who asked, when, the expiry, and the decision. */
export function ApprovalCard({ approval, roleLabel, detail = false }: { approval: ApprovalRow; roleLabel: string; detail?: boolean }) {
  const a = approval;
  return (
    <article
      className={cn("rounded-lg bg-white shadow-sm ring-1", a.status === "pending" ? "ring-amber-300" : "ring-zinc-200")}
      aria-labelledby={`${a.id}-title`}
      data-testid="approval"
      data-approval-id={a.id}
      data-status={a.status}
    >
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-5 py-3.5">
        <div className="min-w-0">
          <h2 id={`${a.id}-title`} className="flex flex-wrap items-center gap-2 text-base font-semibold text-zinc-900">
            {detail ? (
              <code className="font-mono break-all">{a.tool}</code>
            ) : (
              <Link href={`/approvals/${a.id}`} className="font-mono break-all hover:underline">
                {a.tool}
              </Link>
            )}
            {a.risk ? <RiskBadge category={a.risk.category} level={a.risk.level} /> : <Badge>not in the inventory</Badge>}
            <StatusBadge status={a.status} />
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            Asked by grant <strong className="font-medium text-zinc-900">{a.grant.label}</strong> on{" "}
            <Link href={`/servers/${a.server.id}`} className="font-medium text-zinc-900 hover:underline">
              {a.server.name}
            </Link>{" "}
            · <time dateTime={a.requestedAt} title={new Date(a.requestedAt).toLocaleString()}>{timeAgo(a.requestedAt)}</time>
          </p>
        </div>
        <div className="text-right text-sm">
          {a.status === "pending" && (
            <p className="font-medium text-amber-800">
              Expires in <Countdown until={a.expiresAt} />
            </p>
          )}
          {a.status === "approved" && (
            <p className="text-zinc-600">
              Usable once, for <Countdown until={a.expiresAt} />
            </p>
          )}
          <p className="font-mono text-xs text-zinc-500">{a.id}</p>
        </div>
      </header>

      <div className="grid gap-5 px-5 py-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section aria-label="Arguments" className="min-w-0">
          <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Arguments</h3>
          <pre
            className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap text-zinc-800 ring-1 ring-zinc-200 ring-inset"
            data-testid="approval-args"
          >
            {pretty(a.args)}
          </pre>
          <dl className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-xs text-zinc-600">
            <dt className="text-zinc-500">Rule</dt>
            <dd className="font-mono break-all">
              {a.rulePointer ?? "—"}
              {a.policyVersion !== null && <span className="font-sans text-zinc-500"> · policy v{a.policyVersion}</span>}
            </dd>
            <dt className="text-zinc-500">May decide</dt>
            <dd className="break-all" data-testid="approvers">
              {whoMayDecide(a.approvers)}
            </dd>
            <dt className="text-zinc-500">Arguments digest</dt>
            <dd className="font-mono break-all" title="SHA-256 of the canonical arguments: the approval holds for exactly these">
              {a.argsDigest.slice(0, 16)}…
            </dd>
            {a.auditEventIds.length > 0 && (
              <>
                <dt className="text-zinc-500">Audit events</dt>
                <dd className="font-mono break-all">
                  {a.auditEventIds.map((e) => (
                    <Link key={e} href="/audit" className="mr-2 hover:underline">
                      {e}
                    </Link>
                  ))}
                </dd>
              </>
            )}
          </dl>
        </section>
        <DecisionPanel approval={a} roleLabel={roleLabel} />
      </div>
    </article>
  );
}

function DecisionPanel({ approval: a, roleLabel }: { approval: ApprovalRow; roleLabel: string }) {
  const decide = useDecideApproval();
  const [comment, setComment] = useState("");
  const [missingReason, setMissingReason] = useState(false);
  const id = useId();

  if (a.status !== "pending") {
    return (
      <section aria-label="Decision" className="self-start rounded-md bg-zinc-50 p-3 text-sm ring-1 ring-zinc-200 ring-inset" data-testid="decision">
        {a.status === "expired" && !a.decidedAt ? (
          <p className="text-zinc-700">Nobody decided before it expired. If the agent calls again, a new request is made.</p>
        ) : (
          <>
            <p className="text-zinc-800">
              <strong className="font-medium">{a.status === "denied" ? "Denied" : "Approved"}</strong> by{" "}
              <span title={a.decidedBy?.email ?? undefined}>{a.decidedBy ? deciderName(a.decidedBy, { short: true }) : "you"}</span>
              {a.decidedAt && (
                <>
                  {" "}
                  · <time dateTime={a.decidedAt}>{timeAgo(a.decidedAt)}</time>
                </>
              )}
            </p>
            {a.comment && <blockquote className="mt-2 border-l-2 border-zinc-300 pl-2.5 text-zinc-700 break-words">{a.comment}</blockquote>}
            {a.status === "used" && a.usedAt && <p className="mt-2 text-zinc-600">The agent's call ran on it {timeAgo(a.usedAt)}.</p>}
            {a.status === "approved" && <p className="mt-2 text-zinc-600">Waiting for the agent to make the same call again.</p>}
          </>
        )}
        {decide.error && (
          <Alert tone="warning" className="mt-3">
            {decide.error.message}
          </Alert>
        )}
      </section>
    );
  }

  if (!a.canDecide) {
    return (
      <section aria-label="Decision" className="self-start rounded-md bg-zinc-50 p-3 text-sm text-zinc-700 ring-1 ring-zinc-200 ring-inset" data-testid="read-only-note">
        Waiting for a decision. Only {lowerFirst(whoMayDecide(a.approvers))} can approve or deny; you are a {roleLabel.toLowerCase()}.
      </section>
    );
  }

  const submit = (decision: "approve" | "deny") => {
    if (decision === "deny" && !comment.trim()) {
      setMissingReason(true);
      return;
    }
    setMissingReason(false);
    decide.mutate({ id: a.id, decision, comment });
  };

  return (
    <section aria-label="Decision" className="space-y-2.5 self-start">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        Comment
      </label>
      <textarea
        id={id}
        rows={3}
        value={comment}
        onChange={(e) => {
          setComment(e.target.value);
          if (e.target.value.trim()) setMissingReason(false);
        }}
        aria-invalid={missingReason || undefined}
        aria-describedby={missingReason ? `${id}-error` : undefined}
        placeholder="Optional to approve; a reason is required to deny (the agent is told it)"
        className={cn(
          "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-brand-600 focus:outline-none focus:ring-inset",
          missingReason && "ring-red-400",
        )}
      />
      {missingReason && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-700">
          Give a reason for the denial.
        </p>
      )}
      <div className="flex gap-2">
        <Button onClick={() => submit("approve")} busy={decide.isPending && decide.variables?.decision === "approve"} disabled={decide.isPending}>
          Approve
        </Button>
        <Button variant="danger" onClick={() => submit("deny")} busy={decide.isPending && decide.variables?.decision === "deny"} disabled={decide.isPending}>
          Deny
        </Button>
      </div>
      {decide.error && <Alert tone="error">{decide.error.message}</Alert>}
    </section>
  );
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
