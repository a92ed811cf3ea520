"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { apiFetchDetailed } from "@/lib/client/api-details";
import type { PolicyDocument } from "@/gateway/policy/schema";
import { schemaProperties } from "@/components/servers/schema-view";
import type { Effect, InventoryTool, SimulateResult } from "@/components/servers/types";
import { INPUT } from "./rule-fields";

const EFFECTS: Record<Effect, { label: string; tone: string }> = {
  allow: { label: "Allowed", tone: "bg-emerald-600 text-white ring-emerald-700" },
  deny: { label: "Denied", tone: "bg-red-600 text-white ring-red-700" },
  require_approval: { label: "Needs approval", tone: "bg-amber-400 text-amber-950 ring-amber-500" },
  rate_limited: { label: "Rate limited", tone: "bg-orange-500 text-white ring-orange-600" },
  hide: { label: "Hidden", tone: "bg-zinc-700 text-white ring-zinc-800" },
};

export function EffectBadge({ effect }: { effect: Effect }) {
  const e = EFFECTS[effect] ?? { label: effect, tone: "bg-zinc-100 text-zinc-800 ring-zinc-300" };
  return (
    <span className={cn("inline-flex items-center rounded-md px-2.5 py-1 text-sm font-semibold ring-1 ring-inset", e.tone)} data-testid="effect" data-effect={effect}>
      {e.label}
    </span>
  );
}

/** Example arguments from a tool's schema: its required properties (and ones with a default). */
export function exampleArgs(schema: unknown): string {
  const s = (schema ?? {}) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(s.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    if ("default" in p) out[name] = p.default;
    else if (required.has(name)) {
      const t = Array.isArray(p.type) ? p.type[0] : p.type;
      out[name] = Array.isArray(p.enum) ? p.enum[0] : t === "number" || t === "integer" ? 0 : t === "boolean" ? false : t === "array" ? [] : t === "object" ? {} : "";
    }
  }
  return JSON.stringify(out, null, 2);
}

/**
 * "Test a call": what the gateway would decide under the draft (its last valid state), by the
 * simulate API. Arguments come from a form built from the tool's input schema, or as JSON. The
 * rule that decided is highlighted in the lanes and the JSON.
 */
export function BuilderTester({ serverId, tools, document, invalid, onResult }: { serverId: string; tools: InventoryTool[]; document: PolicyDocument; invalid: boolean; onResult: (rule: string | null) => void }) {
  const id = useId();
  const [tool, setTool] = useState("");
  const [args, setArgs] = useState("{}");
  const [asJson, setAsJson] = useState(false);
  const [argsError, setArgsError] = useState("");
  const simulate = useMutation({
    mutationFn: (v: { tool: string; args: Record<string, unknown> }) =>
      apiFetchDetailed<SimulateResult>(`/api/v1/servers/${serverId}/policy/simulate`, { body: { policy: document, call: { tool: v.tool, args: v.args } } }),
    onSuccess: (r) => onResult(r.rule),
  });
  const selected = tools.find((t) => t.name === tool);
  const props = selected ? schemaProperties(selected.inputSchema) : [];
  const parsedArgs = (() => {
    try {
      const v = JSON.parse(args || "{}");
      return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  })();

  function pick(name: string) {
    setTool(name);
    const t = tools.find((x) => x.name === name);
    setArgs(t ? exampleArgs(t.inputSchema) : "{}");
    setArgsError("");
    simulate.reset();
  }

  function setField(name: string, type: string, text: string) {
    const next = { ...(parsedArgs ?? {}) };
    if (text === "") delete next[name];
    else if (type === "number" || type === "integer") next[name] = Number.isFinite(Number(text)) ? Number(text) : text;
    else if (type === "boolean") next[name] = text === "true";
    else if (type === "string" || type.startsWith("enum")) next[name] = text;
    else {
      try {
        next[name] = JSON.parse(text);
      } catch {
        next[name] = text;
      }
    }
    setArgs(JSON.stringify(next, null, 2));
  }

  function run(e: React.FormEvent) {
    e.preventDefault();
    setArgsError("");
    if (!parsedArgs) return setArgsError('the arguments must be a JSON object, e.g. {"path": "/tmp"}');
    simulate.mutate({ tool, args: parsedArgs });
  }

  const result = simulate.data;
  return (
    <section className="rounded-lg bg-white shadow-sm ring-1 ring-zinc-200" role="region" aria-labelledby={`${id}-title`}>
      <div className="border-b border-zinc-200 px-5 py-3">
        <h2 id={`${id}-title`} className="text-base font-semibold text-zinc-900">
          Test a call
        </h2>
        <p className="mt-0.5 text-sm text-zinc-600">What the gateway would decide under this draft, before publishing. Nothing is sent to the server.</p>
      </div>
      <form className="space-y-3 p-5" onSubmit={run} noValidate>
        <div>
          <label htmlFor={`${id}-tool`} className="mb-1 block text-sm font-medium text-zinc-800">
            Tool
          </label>
          <select id={`${id}-tool`} value={tool} onChange={(e) => pick(e.target.value)} required className={INPUT}>
            <option value="" disabled>
              {tools.length ? "Choose a tool" : "No tools in the inventory"}
            </option>
            {tools.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.risk.level})
              </option>
            ))}
          </select>
        </div>
        {selected && (
          <div className="space-y-2">
            <div className="flex items-center justify-between">
              <span className="text-sm font-medium text-zinc-800">Arguments</span>
              {props.length > 0 && (
                <button type="button" className="text-xs font-medium text-brand-700 hover:underline" onClick={() => setAsJson((v) => !v)}>
                  {asJson ? "Use the form" : "Edit as JSON"}
                </button>
              )}
            </div>
            {props.length > 0 && !asJson && parsedArgs ? (
              <div className="grid gap-2 sm:grid-cols-2">
                {props.map((p) => (
                  <label key={p.name} className="text-xs text-zinc-600">
                    <span className="font-mono text-zinc-800">{p.name}</span>
                    {p.required ? "" : " (optional)"} · {p.type}
                    {p.type === "boolean" ? (
                      <select className={cn(INPUT, "mt-0.5")} value={parsedArgs[p.name] === undefined ? "" : String(parsedArgs[p.name])} onChange={(e) => setField(p.name, p.type, e.target.value)}>
                        <option value="">(absent)</option>
                        <option value="true">true</option>
                        <option value="false">false</option>
                      </select>
                    ) : (
                      <input
                        className={cn(INPUT, "mt-0.5 font-mono text-xs")}
                        aria-label={p.name}
                        value={parsedArgs[p.name] === undefined ? "" : typeof parsedArgs[p.name] === "string" ? String(parsedArgs[p.name]) : JSON.stringify(parsedArgs[p.name])}
                        onChange={(e) => setField(p.name, p.type, e.target.value)}
                      />
                    )}
                  </label>
                ))}
              </div>
            ) : (
              <div>
                <label htmlFor={`${id}-args`} className="sr-only">
                  Arguments (JSON)
                </label>
                <textarea
                  id={`${id}-args`}
                  value={args}
                  onChange={(e) => setArgs(e.target.value)}
                  rows={5}
                  spellCheck={false}
                  aria-invalid={argsError ? true : undefined}
                  className={cn(INPUT, "font-mono text-xs", argsError && "ring-red-400")}
                />
              </div>
            )}
            {argsError && <p className="text-xs font-medium text-red-700">{argsError}</p>}
            {props.length === 0 && <p className="text-xs text-zinc-500">This tool takes no arguments.</p>}
          </div>
        )}
        <Button type="submit" busy={simulate.isPending} disabled={!tool || invalid}>
          Test call
        </Button>
        {invalid && <p className="text-xs text-amber-800">The JSON has errors: the test uses the draft once they are fixed.</p>}
        {simulate.error && <Alert tone="error">{simulate.error.message}</Alert>}
        {result && (
          <div role="status" aria-live="polite" className="space-y-2 rounded-md bg-zinc-50 p-4 ring-1 ring-zinc-200 ring-inset" data-testid="simulation-result">
            <div className="flex flex-wrap items-center gap-2">
              <EffectBadge effect={result.effect} />
              {result.rule && (
                <button
                  type="button"
                  onClick={() => onResult(result.rule)}
                  className="rounded bg-white px-1.5 py-0.5 font-mono text-xs break-all text-zinc-800 ring-1 ring-zinc-200 ring-inset hover:ring-brand-400"
                  title="Show the rule in the lanes and the JSON"
                  data-testid="rule-pointer"
                >
                  {result.rule}
                </button>
              )}
            </div>
            <p className="text-sm break-words text-zinc-800">{result.message}</p>
            {result.reason !== result.message && <p className="text-xs break-words text-zinc-500">Reason: {result.reason}</p>}
            {result.limits.length > 0 && (
              <ul className="space-y-0.5 text-xs text-zinc-600" aria-label="Limits this call counts against">
                {result.limits.map((l) => (
                  <li key={l.counter}>
                    Counts against <code className="font-mono">{l.counter}</code>: at most {l.max} per {l.window} per {l.scope}
                  </li>
                ))}
              </ul>
            )}
            {result.approval && <p className="text-xs text-zinc-600">A person must approve it within {Math.round(result.approval.timeoutSeconds / 60)} min ({result.approval.mode}).</p>}
            {!result.knownTool && <p className="text-xs text-amber-800">This tool is not in the inventory: its risk category is unknown to the policy.</p>}
          </div>
        )}
      </form>
    </section>
  );
}
