"use client";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { JsonDiff } from "./json-diff";
import { describeRule, LaneBadge, RiskBadge } from "./risk";
import { SchemaView } from "./schema-view";
import { pretty, sortKeys, timeAgo } from "./format";
import type { InventoryTool } from "./types";

const HINTS: [key: string, yes: string, no: string][] = [
  ["readOnlyHint", "read-only", "not read-only"],
  ["destructiveHint", "destructive", "not destructive"],
  ["idempotentHint", "idempotent", "not idempotent"],
  ["openWorldHint", "open world", "closed world"],
];

/** One tool of the inventory: what it does, its rating and why, the recommended rule, its schema. */
export function ToolItem({ tool, canReview, onReview, reviewing }: { tool: InventoryTool; canReview: boolean; onReview: (name: string) => void; reviewing: boolean }) {
  const headingId = `tool-${tool.name}-name`;
  const current = { name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema, annotations: tool.annotations };
  const ruleText = JSON.stringify(tool.recommended.rule);
  return (
    <li id={`tool-${tool.name}`} aria-labelledby={headingId} className={cn("scroll-mt-6 px-5 py-4", tool.pendingReview && "bg-amber-50/40")} data-testid="tool">
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <h3 id={headingId} className="font-mono text-sm font-semibold break-all text-zinc-900">
            {tool.name}
          </h3>
          {tool.title && tool.title !== tool.name && <p className="text-xs text-zinc-500">{tool.title}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-1.5">
          {tool.pendingReview && (
            <span className="inline-flex items-center rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 ring-1 ring-amber-300 ring-inset">
              pending review
            </span>
          )}
          <RiskBadge category={tool.risk.category} level={tool.risk.level} />
        </div>
      </div>
      {tool.description ? (
        <p className="mt-1.5 max-w-3xl text-sm whitespace-pre-line text-zinc-700">{tool.description}</p>
      ) : (
        <p className="mt-1.5 text-sm text-zinc-400 italic">No description.</p>
      )}

      <div className="mt-3 grid gap-3 text-sm md:grid-cols-2">
        <section className="min-w-0" aria-label={`Why ${tool.name} is rated ${tool.risk.level}`}>
          <h4 className="text-xs font-medium text-zinc-500">Why this rating</h4>
          <ul className="mt-1 list-disc space-y-0.5 pl-4 text-xs break-words text-zinc-700 marker:text-zinc-400">
            {tool.risk.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </section>
        <section className="min-w-0" aria-label={`Recommended rule for ${tool.name}`}>
          <h4 className="text-xs font-medium text-zinc-500">Recommended</h4>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <LaneBadge lane={tool.recommended.lane} />
            <span className="text-xs text-zinc-800">{describeRule(tool.recommended.rule)}</span>
          </div>
          <p className="mt-1 text-xs text-zinc-500">Why: {tool.recommended.why}</p>
          <code className="mt-1 hidden rounded bg-zinc-50 px-2 py-1 font-mono text-[11px] break-all whitespace-pre-wrap text-zinc-600 ring-1 ring-zinc-200 ring-inset sm:block" aria-label="Rule as JSON">
            {ruleText}
          </code>
        </section>
      </div>

      {tool.operations && <OperationsBreakdown tool={tool} />}

      <Annotations annotations={tool.annotations} />

      <div className="mt-3">
        <SchemaView schema={tool.inputSchema} toolName={tool.name} />
      </div>

      {tool.pendingReview && (
        <section className="mt-3 rounded-md bg-amber-50 p-3 ring-1 ring-amber-200 ring-inset" aria-label={`Review of ${tool.name}`}>
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="text-sm text-amber-950">
              <p className="font-medium">{tool.previousDefinition ? "Its definition changed" : "New since the first sync"}</p>
              <p className="text-xs text-amber-900">
                {tool.previousDefinition ? `Changed ${tool.changedAt ? timeAgo(tool.changedAt) : ""}. ` : `First seen ${timeAgo(tool.firstSeenAt)}. `}
                The gateway denies it until it is reviewed.
              </p>
            </div>
            {canReview ? (
              <Button variant="secondary" className="py-1.5" busy={reviewing} onClick={() => onReview(tool.name)}>
                Mark reviewed
              </Button>
            ) : (
              <span className="text-xs text-amber-900">A policy manager or admin reviews it.</span>
            )}
          </div>
          {tool.previousDefinition && (
            <details className="mt-2" open>
              <summary className="cursor-pointer text-xs font-medium text-amber-950">What changed</summary>
              <div className="mt-2">
                <JsonDiff before={pretty(sortKeys(tool.previousDefinition))} after={pretty(sortKeys(current))} label={`Changes to ${tool.name}`} />
              </div>
            </details>
          )}
        </section>
      )}
    </li>
  );
}

function Annotations({ annotations }: { annotations: Record<string, unknown> | null }) {
  const chips = HINTS.filter(([k]) => typeof annotations?.[k] === "boolean").map(([k, yes, no]) => ({ key: k, on: annotations?.[k] === true, text: annotations?.[k] ? yes : no }));
  if (chips.length === 0) return null;
  return (
    <div className="mt-3 flex flex-wrap items-center gap-1.5">
      <span className="text-xs font-medium text-zinc-500">
        Annotations
      </span>
      <ul className="flex flex-wrap gap-1.5" aria-label="Annotations (hints from the server, not trusted)">
        {chips.map((c) => (
          <li
            key={c.key}
            title={`${c.key}: ${c.on}`}
            className={cn(
              "rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset",
              c.on ? (c.key === "destructiveHint" ? "bg-red-50 text-red-700 ring-red-200" : "bg-zinc-100 text-zinc-800 ring-zinc-300") : "bg-white text-zinc-500 ring-zinc-200",
            )}
          >
            {c.text}
          </li>
        ))}
      </ul>
      <span className="text-[11px] text-zinc-400">hints from the server, not trusted</span>
    </div>
  );
}

/** A multiplexed tool's operations, each with its own rating and recommended rule. */
function OperationsBreakdown({ tool }: { tool: InventoryTool }) {
  const ops = tool.operations!;
  const rules = ((tool.recommended.rule as { operations?: Record<string, unknown> }).operations ?? {}) as Record<string, unknown>;
  return (
    <details className="mt-3 rounded-md ring-1 ring-zinc-200 ring-inset" open={ops.items.length <= 12}>
      <summary className="cursor-pointer px-3 py-2 text-xs font-medium text-zinc-700">
        {ops.items.length} operations, chosen by <code className="font-mono">{ops.argument}</code>
        <span className="font-normal text-zinc-500"> ({ops.source === "enum" ? "from its enum" : "listed in its description"}); each rated on its own</span>
      </summary>
      <table className="w-full text-xs" aria-label={`Operations of ${tool.name}`}>
        <thead className="text-left text-zinc-500">
          <tr>
            <th className="px-3 py-1 font-medium">Operation</th>
            <th className="px-3 py-1 font-medium">Risk</th>
            <th className="hidden px-3 py-1 font-medium sm:table-cell">Recommended</th>
          </tr>
        </thead>
        <tbody>
          {ops.items.map((op) => (
            <tr key={op.name} className="border-t border-zinc-100 align-top">
              <td className="px-3 py-1.5 font-mono break-all text-zinc-900">{op.name}</td>
              <td className="px-3 py-1.5">
                <span title={op.reasons.join("; ")}>
                  <RiskBadge category={op.category} level={op.level} />
                </span>
              </td>
              <td className="hidden px-3 py-1.5 text-zinc-700 sm:table-cell">{rules[op.name] !== undefined ? describeRule(rules[op.name]) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
