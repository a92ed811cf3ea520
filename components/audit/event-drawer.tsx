"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { ruleHref, toolLabel } from "@/lib/client/audit";
import { formatDateTime, formatMs } from "@/lib/client/format";
import { CopyButton } from "@/components/grants/copy-button";
import { DecisionBadge } from "./decision-badge";
import type { AuditEventRow, Names } from "./types";

interface Props {
  event: AuditEventRow | null;
  names: Names;
  onClose: () => void;
  onFilter: (patch: { tool?: string; operation?: string; grantId?: string; serverId?: string }) => void;
}

/**
 * One event in full, in a modal drawer: a native <dialog> opened with showModal(), so focus
 * stays inside, Escape closes it and the page behind is inert; focus returns to the row's
 * button on close (the parent keeps it).
 */
export function EventDrawer({ event, names, onClose, onFilter }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (event && !d.open) {
      d.showModal();
      closeButton.current?.focus();
    } else if (!event && d.open) d.close();
  }, [event]);

  return (
    <dialog
      ref={dialog}
      aria-labelledby="event-drawer-title"
      onClose={onClose}
      onCancel={(e) => (e.preventDefault(), onClose())}
      onClick={(e) => e.target === dialog.current && onClose()}
      className="fixed inset-y-0 right-0 left-auto m-0 h-dvh max-h-none w-full max-w-xl overflow-hidden bg-white p-0 shadow-2xl backdrop:bg-zinc-900/30 sm:w-[36rem]"
    >
      {event && (
        <div className="flex h-full flex-col">
          <div className="flex items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
            <div className="min-w-0">
              <p className="text-xs font-medium text-zinc-500">{formatDateTime(event.time)}</p>
              <h2 id="event-drawer-title" className="mt-0.5 flex flex-wrap items-center gap-2 text-base font-semibold text-zinc-900">
                <span className="truncate font-mono">{toolLabel(event)}</span>
                <DecisionBadge decision={event.decision} />
              </h2>
            </div>
            <button ref={closeButton} type="button" onClick={onClose} className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-800" aria-label="Close details">
              <svg viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden>
                <path d="M5 5l10 10M15 5 5 15" strokeLinecap="round" />
              </svg>
            </button>
          </div>

          <div className="flex-1 space-y-6 overflow-y-auto px-5 py-5">
            {event.message && (
              <div className={event.decision === "allow" ? "rounded-md bg-zinc-50 px-3.5 py-2.5 text-sm text-zinc-800" : "rounded-md bg-red-50 px-3.5 py-2.5 text-sm text-red-900"}>
                {event.message}
              </div>
            )}

            <Section title="Decision">
              <Row label="Rule">
                {event.rulePointer ? (
                  <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
                    <code className="font-mono text-xs break-all">{event.rulePointer}</code>
                    {names.ownPolicy(event.grantId) ? (
                      <span className="text-xs text-zinc-500">in the grant&apos;s own policy</span>
                    ) : (
                      <Link href={ruleHref(event.serverId, event.rulePointer)} className="text-xs font-medium text-brand-700 hover:underline">
                        Open in the policy
                      </Link>
                    )}
                  </span>
                ) : (
                  <span className="text-zinc-500">none (no rule decided this call)</span>
                )}
              </Row>
              <Row label="Policy version">{event.policyVersion === null ? <span className="text-zinc-500">none published</span> : `v${event.policyVersion}`}</Row>
              <Row label="Gateway latency">{formatMs(event.latencyMs)}</Row>
              <Row label="Upstream status">
                {event.upstreamStatus === null ? <span className="text-zinc-500">not forwarded</span> : <span className="tabular-nums">{event.upstreamStatus}</span>}
              </Row>
              {event.approvalId && (
                <Row label="Approval">
                  <Link href={`/approvals/${event.approvalId}`} className="font-mono text-xs text-brand-700 hover:underline">
                    {event.approvalId}
                  </Link>
                </Row>
              )}
            </Section>

            <Section title="Call">
              <Row label="Method">
                <code className="font-mono text-xs">{event.method}</code>
              </Row>
              <Row label="Tool">
                {event.tool ? (
                  <span className="flex flex-wrap items-center gap-x-3">
                    <code className="font-mono text-xs">{event.tool}</code>
                    <FilterLink onClick={() => onFilter({ tool: event.tool!, operation: "" })}>Calls of this tool</FilterLink>
                  </span>
                ) : (
                  "—"
                )}
              </Row>
              {event.tool !== null && event.operation !== null && (
                <Row label="Operation">
                  <span className="flex flex-wrap items-center gap-x-3">
                    <code className="font-mono text-xs break-all">{event.operation}</code>
                    <FilterLink onClick={() => onFilter({ tool: event.tool!, operation: event.operation! })}>Calls of this operation</FilterLink>
                  </span>
                </Row>
              )}
              <Row label="Arguments">
                {event.argKeys.length ? (
                  <span className="flex flex-wrap gap-1">
                    {event.argKeys.map((k) => (
                      <code key={k} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800">
                        {k}
                      </code>
                    ))}
                  </span>
                ) : (
                  <span className="text-zinc-500">none</span>
                )}
              </Row>
              {event.args !== null && event.args !== undefined ? (
                <div>
                  <dt className="mb-1.5 text-sm text-zinc-500">Argument values</dt>
                  <dd className="relative">
                    <pre className="max-h-64 overflow-auto rounded-md bg-zinc-900 p-3 pr-20 text-xs leading-relaxed text-zinc-100" tabIndex={0} aria-label="Argument values">
                      {JSON.stringify(event.args, null, 2)}
                    </pre>
                    <CopyButton value={JSON.stringify(event.args, null, 2)} ariaLabel="Copy the argument values" className="absolute top-2 right-2 px-2 py-1 text-xs" />
                  </dd>
                </div>
              ) : (
                event.argKeys.length > 0 && (
                  <div>
                    <dt className="sr-only">Argument values</dt>
                    <dd className="text-xs text-zinc-500">Argument values are not recorded for this grant; only their names are.</dd>
                  </div>
                )
              )}
            </Section>

            <Section title="Who">
              <Row label="Server">
                <span className="flex flex-wrap items-center gap-x-3">
                  <Link href={`/servers/${encodeURIComponent(event.serverId)}`} className="text-zinc-900 hover:text-brand-700 hover:underline">
                    {names.server(event.serverId)}
                  </Link>
                  <FilterLink onClick={() => onFilter({ serverId: event.serverId })}>Calls to this server</FilterLink>
                </span>
              </Row>
              <Row label="Grant">
                {event.grantId ? (
                  <span className="flex flex-wrap items-center gap-x-3">
                    <span>{names.grant(event.grantId)}</span>
                    <FilterLink onClick={() => onFilter({ grantId: event.grantId! })}>Calls of this grant</FilterLink>
                  </span>
                ) : (
                  <span className="text-zinc-500">none</span>
                )}
              </Row>
              <Row label="Session">{event.sessionId ? <code className="font-mono text-xs">{event.sessionId}</code> : <span className="text-zinc-500">—</span>}</Row>
              <Row label="Request id">{event.requestId ? <code className="font-mono text-xs">{event.requestId}</code> : <span className="text-zinc-500">—</span>}</Row>
            </Section>

            <Section title="Record">
              <Row label="Event id">
                <code className="font-mono text-xs break-all">{event.id}</code>
              </Row>
              <Row label="Time (UTC)">
                <span className="tabular-nums">{new Date(event.time).toISOString().replace("T", " ").replace("Z", "")}</span>
              </Row>
              <Row label="Server id">
                <code className="font-mono text-xs break-all">{event.serverId}</code>
              </Row>
              {event.grantId && (
                <Row label="Grant id">
                  <code className="font-mono text-xs break-all">{event.grantId}</code>
                </Row>
              )}
            </Section>
          </div>
        </div>
      )}
    </dialog>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{title}</h3>
      <dl className="space-y-2.5">{children}</dl>
    </section>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[8.5rem_1fr] gap-3 text-sm">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 text-zinc-900">{children}</dd>
    </div>
  );
}

function FilterLink({ onClick, children }: { onClick: () => void; children: React.ReactNode }) {
  return (
    <button type="button" onClick={onClick} className="text-xs font-medium text-brand-700 hover:underline">
      {children}
    </button>
  );
}
