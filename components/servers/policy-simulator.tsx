"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { apiFetchAll } from "@/lib/client/api";
import { apiFetchDetailed, policyErrorsOf } from "@/lib/client/api-details";
import { locateErrors, parsePolicyText, type LocatedError } from "./policy-json";
import { schemaProperties } from "./schema-view";
import { serverKeys, type Effect, type InventoryTool, type SimulateResult } from "./types";

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
function exampleArgs(schema: unknown): string {
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

/** "Test a call": what the gateway would decide for a call, under the draft in the editor. */
export function PolicySimulator({ serverId, draftText, onDraftErrors }: { serverId: string; draftText: string; onDraftErrors: (e: LocatedError[]) => void }) {
  const id = useId();
  const tools = useQuery({
    queryKey: serverKeys.tools(serverId),
    queryFn: () => apiFetchAll<InventoryTool>(`/api/v1/servers/${serverId}/tools`),
  });
  const [tool, setTool] = useState("");
  const [args, setArgs] = useState("{}");
  const [argsError, setArgsError] = useState("");
  const [draftBroken, setDraftBroken] = useState(false);
  const simulate = useMutation({
    mutationFn: (v: { policy: unknown; tool: string; args: Record<string, unknown>; sent: string }) =>
      apiFetchDetailed<SimulateResult>(`/api/v1/servers/${serverId}/policy/simulate`, { body: { policy: v.policy, call: { tool: v.tool, args: v.args } } }),
    onError: (err, v) => {
      const errors = policyErrorsOf(err);
      if (errors.length) {
        setDraftBroken(true);
        onDraftErrors(locateErrors(v.sent, errors));
      }
    },
  });
  const list = tools.data ?? [];
  const selected = list.find((t) => t.name === tool);
  const props = selected ? schemaProperties(selected.inputSchema) : [];

  function pick(name: string) {
    setTool(name);
    const t = list.find((x) => x.name === name);
    setArgs(t ? exampleArgs(t.inputSchema) : "{}");
    setArgsError("");
    simulate.reset();
  }

  function run(e: React.FormEvent) {
    e.preventDefault();
    setArgsError("");
    setDraftBroken(false);
    let parsedArgs: unknown;
    try {
      parsedArgs = args.trim() ? JSON.parse(args) : {};
    } catch (err) {
      return setArgsError(`not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof parsedArgs !== "object" || parsedArgs === null || Array.isArray(parsedArgs)) return setArgsError("the arguments must be a JSON object, e.g. {\"path\": \"/tmp\"}");
    const draft = parsePolicyText(draftText);
    if (!draft.ok) {
      setDraftBroken(true);
      onDraftErrors(draft.errors);
      return;
    }
    onDraftErrors([]);
    simulate.mutate({ policy: draft.document, tool, args: parsedArgs as Record<string, unknown>, sent: draftText });
  }

  const result = simulate.data;
  return (
    <Card role="region" aria-labelledby={`${id}-title`}>
      <div className="border-b border-zinc-200 px-5 py-4">
        <h2 id={`${id}-title`} className="text-base font-semibold text-zinc-900">
          Test a call
        </h2>
        <p className="mt-0.5 text-sm text-zinc-600">What the gateway would decide under the draft in the editor. Nothing is sent to the server.</p>
      </div>
      <form className="space-y-4 p-5" onSubmit={run} noValidate>
        <div>
          <label htmlFor={`${id}-tool`} className="mb-1.5 block text-sm font-medium text-zinc-800">
            Tool
          </label>
          <select
            id={`${id}-tool`}
            value={tool}
            onChange={(e) => pick(e.target.value)}
            required
            className="block w-full rounded-md border-0 bg-white py-2 pr-8 pl-3 text-sm text-zinc-900 ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 focus:outline-none"
          >
            <option value="" disabled>
              {tools.isPending ? "Loading tools…" : list.length ? "Choose a tool" : "No tools in the inventory"}
            </option>
            {list.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.risk.level})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${id}-args`} className="mb-1.5 block text-sm font-medium text-zinc-800">
            Arguments (JSON)
          </label>
          <textarea
            id={`${id}-args`}
            value={args}
            onChange={(e) => setArgs(e.target.value)}
            rows={6}
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={argsError ? true : undefined}
            aria-describedby={`${id}-args-hint`}
            className={cn(
              "block w-full resize-y rounded-md border-0 bg-white p-3 font-mono text-xs leading-5 text-zinc-900 ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-inset focus:ring-brand-600 focus:outline-none",
              argsError && "ring-red-400",
            )}
          />
          <p id={`${id}-args-hint`} className={cn("mt-1.5 text-xs", argsError ? "font-medium text-red-700" : "text-zinc-500")}>
            {argsError ||
              (props.length
                ? `Takes ${props.map((p) => `${p.name}${p.required ? "" : "?"}: ${p.type}`).join(", ")}`
                : selected
                  ? "This tool takes no arguments."
                  : "Pick a tool to pre-fill its arguments.")}
          </p>
        </div>
        <Button type="submit" busy={simulate.isPending} disabled={!tool}>
          Test call
        </Button>
        {draftBroken && <Alert tone="error">The draft in the editor has errors (listed under it): fix them to test.</Alert>}
        {simulate.error && !draftBroken && <Alert tone="error">{simulate.error.message}</Alert>}
        {result && (
          <div role="status" aria-live="polite" className="space-y-2 rounded-md bg-zinc-50 p-4 ring-1 ring-zinc-200 ring-inset" data-testid="simulation-result">
            <div className="flex flex-wrap items-center gap-2">
              <EffectBadge effect={result.effect} />
              {result.rule && (
                <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs break-all text-zinc-800 ring-1 ring-zinc-200 ring-inset" title="The rule that decided" data-testid="rule-pointer">
                  {result.rule}
                </code>
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
            {result.approval && <p className="text-xs text-zinc-600">A person must approve it within {Math.round(result.approval.timeoutSeconds / 60)} min.</p>}
            {!result.knownTool && <p className="text-xs text-amber-800">This tool is not in the inventory: its risk category is unknown to the policy.</p>}
          </div>
        )}
      </form>
    </Card>
  );
}
