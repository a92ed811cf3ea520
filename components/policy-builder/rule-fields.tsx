"use client";

import { useEffect, useId, useState } from "react";
import { CONDITION_OPS, LIMIT_SCOPES, LIMIT_WINDOWS, type Condition, type ConditionOp, type Limit } from "@/gateway/policy/schema";
import { cn } from "@/components/ui/cn";

// The rule editor's field groups: limits and condition rows, shared by the tool drawer and the
// all-tools section. Each keeps its own text while typing and reports only values that parse.

export const INPUT = "block w-full rounded-md border-0 bg-white px-2 py-1 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-brand-600 focus:outline-none";

export function NumberInput({ value, onCommit, label, min = 0, className, id }: { value: number | undefined; onCommit: (n: number | undefined) => void; label: string; min?: number; className?: string; id?: string }) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => setText((t) => (Number(t) === value && t !== "" ? t : value === undefined ? "" : String(value))), [value]);
  return (
    <input
      id={id}
      aria-label={label}
      inputMode="numeric"
      className={cn(INPUT, className)}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === "") return onCommit(undefined);
        const n = Number(e.target.value);
        if (Number.isInteger(n) && n >= min) onCommit(n);
      }}
    />
  );
}

const WINDOW_WORDS: Record<string, string> = { second: "per second", minute: "per minute", hour: "per hour", day: "per day" };

export function LimitsEditor({ limits, onChange, idPrefix, argPaths }: { limits: Limit[]; onChange: (limits: Limit[]) => void; idPrefix: string; argPaths: string[] }) {
  const set = (i: number, patch: Partial<Limit>) => onChange(limits.map((l, j) => (j === i ? clean({ ...l, ...patch }) : l)));
  return (
    <div className="space-y-2">
      {limits.map((l, i) => (
        <fieldset key={i} className="rounded-md bg-zinc-50 p-2.5 ring-1 ring-zinc-200 ring-inset" aria-label={`Limit ${i + 1}`}>
          <div className="grid grid-cols-[5rem_1fr_1fr] gap-2">
            <label className="text-xs text-zinc-600">
              Max
              <NumberInput id={`${idPrefix}-max-${i}`} value={l.max} onCommit={(n) => n !== undefined && set(i, { max: n })} label={`Max calls of limit ${i + 1}`} className="mt-0.5" />
            </label>
            <label className="text-xs text-zinc-600">
              Window
              <select aria-label={`Window of limit ${i + 1}`} className={cn(INPUT, "mt-0.5")} value={l.window} onChange={(e) => set(i, { window: e.target.value as Limit["window"] })}>
                {LIMIT_WINDOWS.map((w) => (
                  <option key={w} value={w}>
                    {WINDOW_WORDS[w]}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs text-zinc-600">
              Scope
              <select aria-label={`Scope of limit ${i + 1}`} className={cn(INPUT, "mt-0.5")} value={l.scope ?? "grant"} onChange={(e) => set(i, { scope: e.target.value as Limit["scope"] })}>
                {LIMIT_SCOPES.map((s) => (
                  <option key={s} value={s}>
                    per {s}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="mt-2 grid grid-cols-[1fr_1fr_auto] items-end gap-2">
            <label className="text-xs text-zinc-600">
              Counter
              <input aria-label={`Counter of limit ${i + 1}`} className={cn(INPUT, "mt-0.5 font-mono text-xs")} value={l.counter} onChange={(e) => e.target.value && set(i, { counter: e.target.value })} />
            </label>
            <label className="text-xs text-zinc-600">
              Count an amount (spend cap)
              <input
                aria-label={`Amount path of limit ${i + 1}`}
                list={`${idPrefix}-paths`}
                placeholder="calls"
                className={cn(INPUT, "mt-0.5 font-mono text-xs")}
                value={l.increment_from ?? ""}
                onChange={(e) => set(i, { increment_from: e.target.value || undefined })}
              />
            </label>
            <button type="button" className="rounded px-2 py-1 text-xs text-red-700 hover:bg-red-50" onClick={() => onChange(limits.filter((_, j) => j !== i))} aria-label={`Remove limit ${i + 1}`}>
              Remove
            </button>
          </div>
        </fieldset>
      ))}
      <datalist id={`${idPrefix}-paths`}>
        {argPaths.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
    </div>
  );
}

function clean<T extends object>(o: T): T {
  const out = { ...o } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as T;
}

export interface ArgInfo {
  path: string;
  type: string;
}

/** Condition paths to suggest: the tool's arguments from its input schema, then the context paths. */
export function argInfos(inputSchema: unknown): ArgInfo[] {
  const props = ((inputSchema as { properties?: Record<string, { type?: unknown }> } | null)?.properties ?? {}) as Record<string, { type?: unknown }>;
  return Object.entries(props)
    .filter(([name]) => /^[A-Za-z_$][\w$-]*$/.test(name))
    .map(([name, p]) => ({ path: `args.${name}`, type: typeof p?.type === "string" ? p.type : "any" }));
}

export const CONTEXT_PATHS = ["grant.label", "grant.id", "session.call_count", "session.tool_call_count", "tool.category", "tool.level"];

/** A condition's value from the text typed, by the argument's type and the operator. */
export function parseValue(text: string, type: string, op: ConditionOp): unknown {
  if (op === "in" || op === "not_in") return text.split(",").map((s) => s.trim()).filter(Boolean).map((s) => parseValue(s, type, "eq"));
  if (type === "number" || type === "integer") {
    const n = Number(text);
    return text.trim() !== "" && Number.isFinite(n) ? n : text;
  }
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  if (type === "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function formatValue(value: unknown, op: ConditionOp): string {
  if ((op === "in" || op === "not_in") && Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");
  if (typeof value === "string") return value;
  return value === undefined ? "" : JSON.stringify(value);
}

const OP_WORDS: Record<ConditionOp, string> = {
  eq: "equals",
  neq: "does not equal",
  in: "is one of",
  not_in: "is none of",
  lt: "<",
  lte: "≤",
  gt: ">",
  gte: "≥",
  regex: "matches regex",
  contains: "contains",
  exists: "exists",
};

export function ConditionsEditor({
  title,
  hint,
  conditions,
  onChange,
  args,
  errorPaths,
}: {
  title: string;
  hint: string;
  conditions: Condition[];
  onChange: (c: Condition[]) => void;
  args: ArgInfo[];
  errorPaths: Map<number, string[]>;
}) {
  const id = useId();
  const typeOf = (path: string) => args.find((a) => a.path === path)?.type ?? "any";
  const set = (i: number, c: Condition) => onChange(conditions.map((x, j) => (j === i ? c : x)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-900">{title}</legend>
      <p className="text-xs text-zinc-500">{hint}</p>
      {conditions.map((c, i) => {
        const type = typeOf(c.path);
        const errs = errorPaths.get(i);
        return (
          <div key={i} className={cn("grid grid-cols-[minmax(0,1.2fr)_minmax(0,1fr)_minmax(0,1.2fr)_auto] items-center gap-1.5", errs && "rounded ring-2 ring-red-300")} title={errs?.join("\n")}>
            <input aria-label={`${title} ${i + 1} path`} list={`${id}-paths`} className={cn(INPUT, "font-mono text-xs")} value={c.path} onChange={(e) => set(i, { ...c, path: e.target.value })} />
            <select aria-label={`${title} ${i + 1} operator`} className={INPUT} value={c.op} onChange={(e) => set(i, withOp(c, e.target.value as ConditionOp, type))}>
              {CONDITION_OPS.map((o) => (
                <option key={o} value={o}>
                  {OP_WORDS[o]}
                </option>
              ))}
            </select>
            {c.op === "exists" ? (
              <select aria-label={`${title} ${i + 1} value`} className={INPUT} value={c.value === false ? "false" : "true"} onChange={(e) => set(i, e.target.value === "false" ? { ...c, value: false } : { path: c.path, op: "exists" })}>
                <option value="true">yes</option>
                <option value="false">no</option>
              </select>
            ) : type === "boolean" && (c.op === "eq" || c.op === "neq") ? (
              <select aria-label={`${title} ${i + 1} value`} className={INPUT} value={String(c.value)} onChange={(e) => set(i, { ...c, value: e.target.value === "true" })}>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                aria-label={`${title} ${i + 1} value`}
                inputMode={(type === "number" || type === "integer") && c.op !== "in" && c.op !== "not_in" ? "decimal" : undefined}
                placeholder={c.op === "in" || c.op === "not_in" ? "a, b, c" : type}
                className={cn(INPUT, "font-mono text-xs")}
                value={formatValue(c.value, c.op)}
                onChange={(e) => set(i, { ...c, value: parseValue(e.target.value, type, c.op) })}
              />
            )}
            <button type="button" className="rounded px-1.5 py-1 text-xs text-red-700 hover:bg-red-50" onClick={() => onChange(conditions.filter((_, j) => j !== i))} aria-label={`Remove ${title.toLowerCase()} ${i + 1}`}>
              ✕
            </button>
          </div>
        );
      })}
      <datalist id={`${id}-paths`}>
        {[...args.map((a) => a.path), ...CONTEXT_PATHS].map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      <button
        type="button"
        className="text-xs font-medium text-brand-700 hover:underline"
        onClick={() => onChange([...conditions, { path: args[0]?.path ?? "args.", op: "eq", value: args[0]?.type === "number" || args[0]?.type === "integer" ? 0 : "" }])}
      >
        + Add condition
      </button>
    </fieldset>
  );
}

function withOp(c: Condition, op: ConditionOp, type: string): Condition {
  if (op === "exists") return { path: c.path, op };
  const text = c.value === undefined ? "" : formatValue(c.value, c.op);
  return { path: c.path, op, value: parseValue(text, op === "regex" || op === "contains" ? "string" : type, op) };
}
