"use client";

import { memo } from "react";
import { formatDateTime, formatLogTime, formatMs } from "@/lib/client/format";
import { DecisionBadge } from "./decision-badge";
import { toolLabel } from "@/lib/client/audit";
import type { AuditEventRow, Names } from "./types";

/** The decision log: one row per event; the time opens the event's details. */
export const EventsTable = memo(function EventsTable({
  events,
  names,
  freshIds,
  onOpen,
}: {
  events: AuditEventRow[];
  names: Names;
  freshIds: Set<string>;
  onOpen: (e: AuditEventRow, trigger: HTMLElement) => void;
}) {
  const now = Date.now();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Audit events">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-500">
          <tr>
            <th scope="col" className="py-2.5 pr-3 pl-5 font-medium">
              Time
            </th>
            <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
              Decision
            </th>
            <th scope="col" className="px-3 py-2.5 font-medium">
              Tool
            </th>
            <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
              Server
            </th>
            <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
              Grant
            </th>
            <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
              Rule
            </th>
            <th scope="col" className="hidden px-5 py-2.5 text-right font-medium sm:table-cell">
              Latency
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {events.map((e) => (
            <tr
              key={e.id}
              data-testid="audit-row"
              className={`cursor-pointer hover:bg-zinc-50 ${freshIds.has(e.id) ? "animate-[tg-fresh_2.5s_ease-out]" : ""}`}
              onClick={(ev) => {
                if ((ev.target as HTMLElement).closest("a,button")) return;
                const button = ev.currentTarget.querySelector("button");
                if (button) onOpen(e, button);
              }}
            >
              <td className="py-2.5 pr-3 pl-5 align-top whitespace-nowrap">
                <button
                  type="button"
                  aria-haspopup="dialog"
                  onClick={(ev) => onOpen(e, ev.currentTarget)}
                  className="font-mono text-xs leading-5 text-zinc-700 tabular-nums hover:text-brand-700 hover:underline"
                  title={formatDateTime(e.time)}
                  aria-label={`Details: ${toolLabel(e)} at ${formatDateTime(e.time)}`}
                >
                  {formatLogTime(e.time, now)}
                </button>
                <div className="mt-1 sm:hidden">
                  <DecisionBadge decision={e.decision} />
                </div>
              </td>
              <td className="hidden px-3 py-2.5 align-top whitespace-nowrap sm:table-cell">
                <DecisionBadge decision={e.decision} />
              </td>
              <td className="w-full max-w-0 px-3 py-2.5 align-top sm:w-auto sm:max-w-none">
                <div className="truncate font-mono text-xs leading-5 font-medium text-zinc-900 sm:max-w-[16rem]" title={toolLabel(e)}>
                  {e.tool ?? e.method}
                  {e.tool !== null && e.operation !== null && <span className="font-normal text-zinc-500"> · {e.operation}</span>}
                </div>
                {/* What the hidden columns say, on narrow screens. */}
                <div className="mt-0.5 truncate text-xs text-zinc-500 md:hidden">
                  {names.server(e.serverId)}
                  {e.grantId ? ` · ${names.grant(e.grantId)}` : ""}
                </div>
                {e.rulePointer && <div className="mt-0.5 truncate font-mono text-xs text-zinc-500 lg:hidden">{e.rulePointer}</div>}
              </td>
              <td className="hidden px-3 py-2.5 align-top text-zinc-700 md:table-cell">
                <div className="max-w-[12rem] truncate">{names.server(e.serverId)}</div>
              </td>
              <td className="hidden px-3 py-2.5 align-top text-zinc-700 md:table-cell">
                <div className="max-w-[12rem] truncate">{names.grant(e.grantId) ?? <span className="text-zinc-400">—</span>}</div>
              </td>
              <td className="hidden px-3 py-2.5 align-top lg:table-cell">
                {e.rulePointer ? (
                  <code className="block max-w-[12rem] truncate font-mono text-xs leading-5 text-zinc-700 xl:max-w-[18rem]" title={e.rulePointer}>
                    {e.rulePointer}
                  </code>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </td>
              <td className="hidden px-5 py-2.5 text-right align-top whitespace-nowrap text-zinc-600 tabular-nums sm:table-cell">{formatMs(e.latencyMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});
