"use client";

import { useEffect, useId, useRef, useState } from "react";
import { APPROVAL_MODES, type ApprovalMode, type CategoryRule, type Condition, type RiskCategory, type ToolRule } from "@/gateway/policy/schema";
import { escapePointerToken } from "@/gateway/policy/pointer";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { RiskBadge } from "@/components/servers/risk";
import type { InventoryTool } from "@/components/servers/types";
import type { LocatedError } from "@/components/servers/policy-json";
import {
  DEFAULT_APPROVAL,
  LANES,
  LANE_TITLES,
  categoryRuleForLane,
  counterNames,
  defaultLimit,
  laneOfRule,
  moveTools,
  resetTool,
  setCategoryRule,
  setRule,
  type BuilderModel,
  type InventoryEntry,
  type Lane,
  type ToolCard,
} from "./model";
import { effectiveToolRule, moveOperation, operationCard, setOperationRule, type OperationCard } from "./operations";
import { ConditionsEditor, INPUT, LimitsEditor, NumberInput, argInfos } from "./rule-fields";

const MODE_WORDS: Record<ApprovalMode, string> = {
  retry: "Retry: the agent calls again once approved",
  hold: "Hold: the gateway keeps the call waiting",
  elicit: "Elicit: ask the user through MCP elicitation",
};

/**
 * The rule of one tool, of one operation (or group of operations) of a multiplexed tool, or of a
 * risk category, field by field, in a drawer beside the lanes.
 */
export function RuleDrawer({
  tool,
  operation,
  category,
  inventory,
  onOpenOperation,
  focus,
  card,
  inventoryTool,
  model,
  errors,
  readOnly,
  onEdit,
  onClose,
}: {
  tool: string;
  /** The key under the tool's `operations` to edit instead of the tool's own rule. */
  operation?: string;
  /** A risk category's rule to edit (then `tool` is empty). */
  category?: RiskCategory;
  inventory: InventoryEntry[];
  onOpenOperation: (operation: string | undefined) => void;
  focus?: "limits" | "approval";
  card: ToolCard | undefined;
  inventoryTool: InventoryTool | undefined;
  model: BuilderModel;
  errors: LocatedError[];
  readOnly: boolean;
  onEdit: (edit: (m: BuilderModel) => BuilderModel) => void;
  onClose: () => void;
}) {
  const id = useId();
  const panel = useRef<HTMLDivElement>(null);
  const op: OperationCard | undefined = operation !== undefined && card ? operationCard(card, effectiveToolRule(model, card), card.operations, operation) : undefined;
  const categoryRule = (m: BuilderModel): CategoryRule | undefined => (category ? m.head.categories?.[category] : undefined);
  const rule: ToolRule = (category ? categoryRule(model) : operation !== undefined ? op?.rule : card?.rule) ?? {};
  const args = argInfos(inventoryTool?.inputSchema);
  const pointer = category ? `/categories/${category}` : `/tools/${escapePointerToken(tool)}${operation !== undefined ? `/operations/${escapePointerToken(operation)}` : ""}`;
  const counterOwner = category ? `${category.toLowerCase()}_tools` : operation !== undefined ? `${tool}_${operation.replace(/\*/g, "all").replace(/\?/g, "any")}` : tool;
  const update = (patch: Partial<ToolRule>) =>
    onEdit((m) => {
      const own = m.rules.find((e) => e.key === tool)?.rule;
      const current = (category ? categoryRule(m) : operation !== undefined ? (card ? effectiveToolRule(m, card) : own)?.operations?.[operation] : own) ?? {};
      const next = { ...current, ...patch } as Record<string, unknown>;
      for (const k of Object.keys(next)) if (next[k] === undefined || (Array.isArray(next[k]) && (next[k] as unknown[]).length === 0)) delete next[k];
      if (category) return setCategoryRule(m, category, next as CategoryRule);
      if (operation === undefined) return setRule(m, tool, next as ToolRule);
      return card ? setOperationRule(m, card, operation, next, card.operations?.argument) : m;
    });
  const ownErrors = operation === undefined && !category ? errors : errors.filter((e) => e.path === pointer || e.path.startsWith(`${pointer}/`));

  useEffect(() => {
    const target = focus ? panel.current?.querySelector<HTMLElement>(`[data-section="${focus}"] input, [data-section="${focus}"] select`) : panel.current?.querySelector<HTMLElement>("h2");
    target?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [focus, onClose]);

  const errorsAt = (field: string) => {
    const m = new Map<number, string[]>();
    for (const e of ownErrors) {
      if (!e.path.startsWith(`${pointer}/`)) continue;
      const rest = e.path.slice(pointer.length + 1).split("/");
      if (rest[0] === field && rest[1] !== undefined) m.set(Number(rest[1]), [...(m.get(Number(rest[1])) ?? []), e.message]);
    }
    return m;
  };
  const [schemaText, setSchemaText] = useState(rule.args_schema ? JSON.stringify(rule.args_schema, null, 2) : "");
  const [schemaError, setSchemaError] = useState("");
  const lane = category ? (rule.action ? laneOfRule(rule) : undefined) : operation !== undefined ? op?.lane : card?.lane;
  const recommendedOps = inventoryTool?.operations ? (inventoryTool.recommended.rule as ToolRule) : undefined;

  return (
    <div className="fixed inset-0 z-40 flex justify-end bg-zinc-950/20" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={panel} role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} className="flex h-full w-full max-w-xl flex-col bg-white shadow-xl ring-1 ring-zinc-200">
        <header className="flex items-start justify-between gap-3 border-b border-zinc-200 px-5 py-4">
          <div className="min-w-0">
            <p className="text-xs font-medium text-zinc-500">{category ? "Rule of the category" : operation !== undefined ? <>Rule of the operation{op && op.members.length !== 1 ? "s" : ""}</> : "Rule of"}</p>
            <h2 id={`${id}-title`} tabIndex={-1} className={cn("truncate text-base font-semibold text-zinc-900 focus:outline-none", !category && "font-mono")}>
              {category ? `${category} tools` : (operation ?? tool)}
            </h2>
            {category && (
              <p className="text-xs text-zinc-600">Every tool the risk classifier rates {category}. A tool&apos;s own rule applies beside it: any deny wins, and every limit counts.</p>
            )}
            {operation !== undefined && (
              <p className="text-xs text-zinc-600">
                of{" "}
                <button type="button" className="font-mono font-medium text-brand-700 hover:underline" onClick={() => onOpenOperation(undefined)}>
                  {tool}
                </button>
                {op && op.members.length > 0 && (op.members.length !== 1 || op.members[0] !== operation) && <>: {op.members.join(", ")}</>}
              </p>
            )}
            <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-zinc-600">
              {(operation !== undefined ? op?.risk : card?.risk) && <RiskBadge category={(op ?? card)!.risk!.category} level={(op ?? card)!.risk!.level} />}
              {operation === undefined && inventoryTool?.description && <span className="line-clamp-2">{inventoryTool.description}</span>}
            </div>
          </div>
          <Button variant="ghost" onClick={onClose}>
            Close
          </Button>
        </header>
        <div className="flex-1 space-y-6 overflow-y-auto px-5 py-4">
          {ownErrors.length > 0 && (
            <ul className="rounded-md bg-red-50 px-3 py-2 text-xs text-red-800 ring-1 ring-red-200 ring-inset" role="alert">
              {ownErrors.map((e, i) => (
                <li key={i}>
                  <code className="font-mono font-semibold">{e.path}</code> {e.message}
                </li>
              ))}
            </ul>
          )}
          <fieldset disabled={readOnly} className="space-y-6">
            <section className="flex flex-wrap items-end gap-3">
              <label className="w-48 text-sm font-medium text-zinc-900">
                Lane
                <select
                  className={cn(INPUT, "mt-1")}
                  value={lane ?? ""}
                  onChange={(e) => {
                    const to = e.target.value as Lane | "";
                    if (category) {
                      const { action: _action, approval: _approval, ...rest } = rule;
                      return onEdit((m) => setCategoryRule(m, category, to === "" || to === "hide" ? (rest as CategoryRule) : categoryRuleForLane(categoryRule(m), to, category, counterNames(m))));
                    }
                    if (to === "") return;
                    onEdit((m) => (operation !== undefined ? moveOperation(m, inventory, tool, operation, to) : moveTools(m, [tool], to)));
                  }}
                >
                  {category && <option value="">None: places no tool (limits and conditions only)</option>}
                  {LANES.filter((l) => (operation === undefined && !category) || l !== "hide").map((l) => (
                    <option key={l} value={l}>
                      {LANE_TITLES[l]}
                    </option>
                  ))}
                </select>
              </label>
              {category ? (
                <Button variant="secondary" className="py-1.5" onClick={() => (onEdit((m) => setCategoryRule(m, category, null)), onClose())}>
                  Remove the category rule
                </Button>
              ) : operation === undefined ? (
                <>
                  {card && card.source !== "default" && card.source !== "pattern" && card.source !== "category" && (
                    <Button variant="secondary" className="py-1.5" onClick={() => onEdit((m) => resetTool(m, tool))}>
                      Remove the rule (use the default)
                    </Button>
                  )}
                  {card?.source === "pattern" && <p className="basis-full text-xs text-zinc-500">Placed by the pattern rule {card.via}: a change here gives it a rule of its own.</p>}
                  {card?.source === "default" && <p className="basis-full text-xs text-zinc-500">Not listed: the default decides. A change here gives it a rule of its own.</p>}
                </>
              ) : (
                <>
                  {op?.source === "rule" && card && (
                    <Button variant="secondary" className="py-1.5" onClick={() => onEdit((m) => setOperationRule(m, card, operation, null))}>
                      Remove the rule (follow the tool)
                    </Button>
                  )}
                  {op?.source === "pattern" && <p className="basis-full text-xs text-zinc-500">Placed by the operation pattern {op.via}: a change here gives it a rule of its own.</p>}
                  {op?.source === "tool" && (
                    <p className="basis-full text-xs text-zinc-500">Not listed under the tool&apos;s operations: it follows the tool&apos;s own rule. A change here gives it a rule of its own.</p>
                  )}
                </>
              )}
            </section>

            {operation === undefined && card?.operations && (
              <section className="space-y-2" aria-labelledby={`${id}-ops`}>
                <h3 id={`${id}-ops`} className="text-sm font-medium text-zinc-900">
                  Operations
                </h3>
                <p className="text-xs text-zinc-500">
                  The operation is chosen by the argument <code className="font-mono">{card.operations.argument}</code>. An operation with a rule of its own uses it instead of the fields
                  below; the others follow this tool&apos;s rule.
                </p>
                <ul className="divide-y divide-zinc-100 rounded-md ring-1 ring-zinc-200">
                  {card.operations.items.map((item) => {
                    const c = operationCard(card, effectiveToolRule(model, card), card.operations, item.name);
                    return (
                      <li key={item.name} className="flex items-center gap-2 px-2.5 py-1.5 text-xs">
                        <button type="button" className="min-w-0 flex-1 truncate text-left font-mono font-medium text-zinc-900 hover:underline" onClick={() => onOpenOperation(item.name)}>
                          {item.name}
                        </button>
                        <RiskBadge category={item.category} level={item.level} className="px-1.5 py-0 text-[11px]" />
                        <span className="w-32 shrink-0 text-right text-zinc-600">
                          {LANE_TITLES[c.lane]}
                          {c.source === "pattern" ? ` via ${c.via}` : c.source === "tool" ? " (as the tool)" : ""}
                        </span>
                      </li>
                    );
                  })}
                </ul>
                {recommendedOps && (
                  <Button variant="secondary" className="py-1" onClick={() => onEdit((m) => setRule(m, tool, structuredClone(recommendedOps)))}>
                    Apply the recommended rule (by each operation&apos;s rating)
                  </Button>
                )}
              </section>
            )}

            {rule.action === "require_approval" && (
              <section data-section="approval" className="space-y-2">
                <h3 className="text-sm font-medium text-zinc-900">Approval</h3>
                <div className="grid grid-cols-[8rem_1fr] gap-3">
                  <label className="text-xs text-zinc-600">
                    Timeout (minutes)
                    <NumberInput
                      label="Approval timeout in minutes"
                      min={1}
                      className="mt-0.5"
                      value={Math.round((rule.approval?.timeout_seconds ?? DEFAULT_APPROVAL.timeout_seconds) / 60)}
                      onCommit={(n) => update({ approval: { ...rule.approval, timeout_seconds: n === undefined ? undefined : Math.min(n * 60, 604_800) } })}
                    />
                  </label>
                  <label className="text-xs text-zinc-600">
                    Mode
                    <select aria-label="Approval mode" className={cn(INPUT, "mt-0.5")} value={rule.approval?.mode ?? "retry"} onChange={(e) => update({ approval: { ...rule.approval, mode: e.target.value as ApprovalMode } })}>
                      {APPROVAL_MODES.map((m) => (
                        <option key={m} value={m}>
                          {MODE_WORDS[m]}
                        </option>
                      ))}
                    </select>
                  </label>
                </div>
              </section>
            )}

            <section data-section="limits" className="space-y-2">
              <h3 className="text-sm font-medium text-zinc-900">Limits</h3>
              <p className="text-xs text-zinc-500">Calls (or an amount) admitted per window. Limits sharing a counter share one count.</p>
              <LimitsEditor limits={rule.limits ?? []} onChange={(limits) => update({ limits })} idPrefix={`${id}-l`} argPaths={args.filter((a) => a.type === "number" || a.type === "integer").map((a) => a.path)} />
              <button type="button" className="text-xs font-medium text-brand-700 hover:underline" onClick={() => update({ limits: [...(rule.limits ?? []), defaultLimit(counterOwner, counterNames(model))] })}>
                + Add limit
              </button>
            </section>

            <ConditionsEditor
              title="Require"
              hint="All must hold, else the call is denied."
              conditions={rule.require ?? []}
              onChange={(c: Condition[]) => update({ require: c })}
              args={args}
              errorPaths={errorsAt("require")}
            />
            <ConditionsEditor
              title="Deny if"
              hint="Any one of them denies the call."
              conditions={rule.deny_if ?? []}
              onChange={(c: Condition[]) => update({ deny_if: c })}
              args={args}
              errorPaths={errorsAt("deny_if")}
            />

            <section className="space-y-3">
              <label className="block text-sm font-medium text-zinc-900">
                Message when denied
                <textarea
                  rows={2}
                  className={cn(INPUT, "mt-1")}
                  placeholder="What the agent reads, e.g. “deleting is done by people, not agents”"
                  value={rule.on_deny ?? ""}
                  onChange={(e) => update({ on_deny: e.target.value || undefined })}
                />
              </label>
              <label className="flex items-center gap-2 text-sm text-zinc-800">
                <input type="checkbox" className="accent-brand-600" checked={rule.validate_input === true} onChange={(e) => update({ validate_input: e.target.checked || undefined })} />
                Check the arguments against the tool&apos;s input schema at the gateway
              </label>
              <label className="flex items-center gap-2 text-sm text-zinc-800">
                At most
                <span className="w-20">
                  <NumberInput label="Calls per session" value={rule.max_per_session} onCommit={(n) => update({ max_per_session: n })} />
                </span>
                calls per session
              </label>
              {!category && (
                <label className="block text-sm font-medium text-zinc-900">
                  Argument schema (JSON Schema)
                  <textarea
                    rows={5}
                    spellCheck={false}
                    className={cn(INPUT, "mt-1 font-mono text-xs", schemaError && "ring-red-400")}
                    placeholder='{ "type": "object", "required": ["path"] }'
                    value={schemaText}
                    onChange={(e) => {
                      setSchemaText(e.target.value);
                      if (!e.target.value.trim()) return setSchemaError(""), update({ args_schema: undefined });
                      try {
                        const v = JSON.parse(e.target.value);
                        if (typeof v !== "object" || v === null || Array.isArray(v)) return setSchemaError("a JSON Schema is an object");
                        setSchemaError("");
                        update({ args_schema: v });
                      } catch {
                        setSchemaError("not valid JSON yet: the rule keeps the last valid schema");
                      }
                    }}
                  />
                  {schemaError && <span className="mt-1 block text-xs font-normal text-red-700">{schemaError}</span>}
                </label>
              )}
            </section>
          </fieldset>
        </div>
      </div>
    </div>
  );
}
