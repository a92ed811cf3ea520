"use client";

import { useEffect, useId, useState } from "react";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/field";
import { cn } from "@/components/ui/cn";
import {
  DECISIONS,
  DECISION_COLORS,
  DECISION_LABELS,
  RANGE_PRESETS,
  fromLocalInput,
  hasNarrowingFilters,
  resolveRange,
  toLocalInput,
  withoutNarrowing,
  type AuditFilters,
  type RangeId,
} from "@/lib/client/audit";
import { formatLogTime } from "@/lib/client/format";
import type { GrantRow, ServerOption } from "@/components/grants/types";

interface Props {
  filters: AuditFilters;
  onChange: (f: AuditFilters) => void;
  servers: ServerOption[];
  grants: GrantRow[];
  toolSuggestions: string[];
  live: boolean;
  onLiveChange: (live: boolean) => void;
  canLive: boolean;
  updatedAt: number;
  exportHref: (format: "csv" | "json") => string;
}

const RANGES: { id: RangeId; label: string }[] = [...RANGE_PRESETS.map((r) => ({ id: r.id, label: r.label })), { id: "custom", label: "Custom" }];
const PILL_FOCUS = "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-brand-600";

export function AuditFiltersBar({ filters, onChange, servers, grants, toolSuggestions, live, onLiveChange, canLive, updatedAt, exportHref }: Props) {
  const id = useId();
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });

  const grantChoices = grants.filter((g) => !filters.serverId || g.serverId === filters.serverId || g.id === filters.grantId);
  const serverOptions = [{ value: "", label: "All servers" }, ...servers.map((s) => ({ value: s.id, label: s.name }))];
  if (filters.serverId && !servers.some((s) => s.id === filters.serverId)) serverOptions.push({ value: filters.serverId, label: filters.serverId });
  const grantOptions = [
    { value: "", label: "All grants" },
    ...grantChoices.map((g) => ({ value: g.id, label: `${g.label}${filters.serverId ? "" : ` · ${g.serverName}`}${g.revokedAt ? " (revoked)" : ""}` })),
  ];
  if (filters.grantId && !grantChoices.some((g) => g.id === filters.grantId)) grantOptions.push({ value: filters.grantId, label: filters.grantId });

  function pickRange(range: RangeId) {
    if (range === "custom") {
      const { from } = resolveRange(filters);
      set({ range, from: filters.from || from, to: filters.to });
    } else set({ range, from: "", to: "" });
  }

  return (
    <Card>
      <div className="p-4 sm:p-5">
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <SelectField label="Server" value={filters.serverId} options={serverOptions} onChange={(e) => set({ serverId: e.target.value, grantId: "" })} />
          <SelectField label="Grant" value={filters.grantId} options={grantOptions} onChange={(e) => set({ grantId: e.target.value })} />
          <SearchFilter label="Tool" placeholder="Any tool (exact name)" value={filters.tool} suggestions={toolSuggestions} onCommit={(tool) => set({ tool })} />
          <SearchFilter label="Operation" placeholder="Any operation (exact name)" value={filters.operation} onCommit={(operation) => set({ operation })} />
        </div>

        <div className="mt-4 flex flex-wrap items-end gap-x-6 gap-y-4">
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-zinc-800">Decision</legend>
            <div className="flex flex-wrap gap-1.5">
              {DECISIONS.map((d) => {
                const on = filters.decisions.includes(d);
                return (
                  <label
                    key={d}
                    className={cn(
                      "inline-flex cursor-pointer items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset select-none",
                      PILL_FOCUS,
                      on ? "bg-zinc-900 text-white ring-zinc-900" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50",
                    )}
                  >
                    <input
                      type="checkbox"
                      className="sr-only"
                      checked={on}
                      onChange={() => set({ decisions: on ? filters.decisions.filter((x) => x !== d) : [...filters.decisions, d] })}
                    />
                    <span className="size-2 rounded-full" style={{ background: DECISION_COLORS[d] }} aria-hidden />
                    {DECISION_LABELS[d]}
                  </label>
                );
              })}
            </div>
          </fieldset>

          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-zinc-800">Time range</legend>
            <div className="inline-flex flex-wrap rounded-md bg-white p-0.5 ring-1 ring-inset ring-zinc-300">
              {RANGES.map((r) => (
                <label
                  key={r.id}
                  className={cn(
                    "cursor-pointer rounded px-2.5 py-1 text-sm font-medium select-none",
                    PILL_FOCUS,
                    filters.range === r.id ? "bg-brand-600 text-white" : "text-zinc-700 hover:bg-zinc-100",
                  )}
                >
                  <input type="radio" name={`${id}-range`} className="sr-only" checked={filters.range === r.id} onChange={() => pickRange(r.id)} />
                  {r.label}
                </label>
              ))}
            </div>
          </fieldset>
        </div>

        {filters.range === "custom" && (
          <div className="mt-4 grid gap-3 sm:grid-cols-2 lg:max-w-xl">
            <TextField
              label="From"
              type="datetime-local"
              value={toLocalInput(filters.from)}
              max={filters.to ? toLocalInput(filters.to) : undefined}
              onChange={(e) => {
                const from = fromLocalInput(e.target.value);
                if (from) set({ from });
              }}
            />
            <TextField
              label="To"
              type="datetime-local"
              value={toLocalInput(filters.to)}
              min={toLocalInput(filters.from)}
              hint="Empty: until now"
              onChange={(e) => set({ to: fromLocalInput(e.target.value) })}
            />
          </div>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-2 rounded-b-lg border-t border-zinc-200 bg-zinc-50/70 px-4 py-2.5 sm:px-5">
        <button
          type="button"
          aria-pressed={live && canLive}
          disabled={!canLive}
          onClick={() => onLiveChange(!live)}
          title={canLive ? (live ? "Pause live updates" : "Resume live updates (every 5 s)") : "A fixed time range does not change"}
          className={cn(
            "inline-flex items-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset disabled:cursor-not-allowed disabled:opacity-60",
            live && canLive ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50",
          )}
        >
          <span className={cn("size-2 rounded-full", live && canLive ? "animate-pulse bg-emerald-500" : "bg-zinc-400")} aria-hidden />
          Live
        </button>
        <span className="text-xs text-zinc-500">
          {!canLive ? "Fixed range: nothing new will arrive" : live ? `Checks every 5 s · updated ${updatedAt ? formatLogTime(new Date(updatedAt)) : "…"}` : "Paused"}
        </span>
        {hasNarrowingFilters(filters) && (
          <button
            type="button"
            className="ml-1 text-sm font-medium text-brand-700 hover:underline"
            onClick={() => onChange(withoutNarrowing(filters))}
          >
            Clear filters
          </button>
        )}
        <div className="flex w-full gap-2 sm:ml-auto sm:w-auto">
          <ExportLink format="csv" href={exportHref} />
          <ExportLink format="json" href={exportHref} />
        </div>
      </div>
    </Card>
  );
}

/** A text filter that applies as you type, once you pause (or at once on Enter). */
function SearchFilter({ label, placeholder, value, suggestions, onCommit }: { label: string; placeholder: string; value: string; suggestions?: string[]; onCommit: (value: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = setTimeout(() => onCommit(text.trim()), 400);
    return () => clearTimeout(t);
  }, [text, value, onCommit]);
  return (
    <div>
      <TextField
        label={label}
        type="search"
        value={text}
        placeholder={placeholder}
        list={suggestions ? `${id}-list` : undefined}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && (e.preventDefault(), onCommit(text.trim()))}
      />
      {suggestions && (
        <datalist id={`${id}-list`}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </div>
  );
}

function ExportLink({ format, href }: { format: "csv" | "json"; href: (format: "csv" | "json") => string }) {
  return (
    <a
      href={href(format)}
      download
      // The time window slides: take it as it is at the moment of the click.
      onClick={(e) => (e.currentTarget.href = href(format))}
      title={`Download every event of the current filter (up to 50,000) as ${format.toUpperCase()}`}
      className="inline-flex items-center gap-1.5 rounded-md bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50"
    >
      <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4 text-zinc-500" aria-hidden>
        <path d="M10 3v10m0 0-4-4m4 4 4-4M4 15v1.5A1.5 1.5 0 0 0 5.5 18h9a1.5 1.5 0 0 0 1.5-1.5V15" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      Export {format.toUpperCase()}
    </a>
  );
}
