"use client";

import { useState } from "react";
import { RISK_CATEGORIES, type PolicyDocument, type RiskCategory } from "@/gateway/policy/schema";
import { checkToolKey, isGlobPattern } from "@/gateway/policy/glob";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { prettyPolicy } from "./draft-state";
import { LANE_TITLES, categoryRuleForLane, counterNames, defaultLimit, fromDocument, ruleForLane, replaceAt, setCategoryRule, toDocument, type CustomCard, type Lane } from "./model";
import { LANE_STYLES } from "./lanes";
import { INPUT, LimitsEditor } from "./rule-fields";

const KIND_LABELS: Record<CustomCard["kind"], string> = {
  pattern: "Pattern rule",
  hide_pattern: "Hide pattern",
  category: "Category rule",
  all_tools: "All tools",
};

/**
 * What the lanes cannot draw: pattern rules, hide patterns, category rules and the all-tools rule,
 * each kept as written and editable as JSON (category rules in the rule drawer's form too); and
 * forms to add a pattern rule, a category rule or an all-tools limit.
 */
export function CustomRules({
  cards,
  highlight,
  errors,
  readOnly,
  doc,
  onChange,
  onOpenCategory,
}: {
  cards: CustomCard[];
  highlight: string | null;
  errors: Map<string, string[]>;
  readOnly: boolean;
  doc: PolicyDocument;
  onChange: (text: string) => void;
  /** Opens a category's rule in the rule drawer. */
  onOpenCategory: (category: RiskCategory) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const unruled = RISK_CATEGORIES.filter((c) => !doc.categories?.[c]);
  const [category, setCategory] = useState<RiskCategory | "">("");
  const [categoryLane, setCategoryLane] = useState<Exclude<Lane, "hide">>("require_approval");

  function addCategory(e: React.FormEvent) {
    e.preventDefault();
    if (!category) return;
    const m = fromDocument(doc);
    onChange(prettyPolicy(toDocument(setCategoryRule(m, category, categoryRuleForLane(undefined, categoryLane, category, counterNames(m))))));
    setCategory("");
    onOpenCategory(category);
  }
  const [pattern, setPattern] = useState("");
  const [lane, setLane] = useState<Exclude<Lane, "hide">>("allow");
  const patternError = pattern ? (checkToolKey(pattern) ?? (isGlobPattern(pattern) ? null : "a pattern has `*` or `?`: drag exact tools in the lanes")) : null;

  function addPattern(e: React.FormEvent) {
    e.preventDefault();
    if (!pattern || patternError) return;
    const m = fromDocument(doc);
    const rules = [...m.rules.filter((r) => r.key !== pattern), { key: pattern, rule: ruleForLane(undefined, lane, pattern.replace(/[*?]/g, "x")) }];
    onChange(prettyPolicy(toDocument({ ...m, rules })));
    setPattern("");
  }

  return (
    <section aria-labelledby="custom-rules-title" className="rounded-lg bg-white shadow-sm ring-1 ring-zinc-200">
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3">
        <div>
          <h2 id="custom-rules-title" className="text-sm font-semibold text-zinc-900">
            Patterns, categories and all-tools rules
          </h2>
          <p className="mt-0.5 text-xs text-zinc-500">Rules for many tools at once. The lanes show the tools they place (“via …”); edit them here as JSON, category rules in a form too.</p>
        </div>
      </div>
      {cards.length > 0 && (
        <ul className="divide-y divide-zinc-100" aria-label="Custom rules">
          {cards.map((c) => (
            <CustomCardItem
              key={c.pointer}
              card={c}
              highlighted={highlight === c.pointer}
              errors={errors.get(c.pointer)}
              editing={editing === c.pointer}
              readOnly={readOnly}
              onEdit={() => setEditing(c.pointer)}
              onForm={c.kind === "category" ? () => onOpenCategory(c.pointer.slice("/categories/".length) as RiskCategory) : undefined}
              onCancel={() => setEditing(null)}
              onSave={(value) => (onChange(prettyPolicy(replaceAt(doc, c.pointer, value))), setEditing(null))}
            />
          ))}
        </ul>
      )}
      {doc.all_tools && !readOnly && (
        <div className="space-y-2 border-t border-zinc-100 px-4 py-3" role="group" aria-label="All-tools limits">
          <h3 className="text-xs font-semibold text-zinc-800">All-tools limits</h3>
          <p className="text-xs text-zinc-500">Every call counts against these, whatever its tool.</p>
          <LimitsEditor
            limits={doc.all_tools.limits ?? []}
            idPrefix="all-tools"
            argPaths={[]}
            onChange={(limits) => onChange(prettyPolicy(replaceAt(doc, "/all_tools/limits", limits.length ? limits : undefined)))}
          />
          <button
            type="button"
            className="text-xs font-medium text-brand-700 hover:underline"
            onClick={() => onChange(prettyPolicy(replaceAt(doc, "/all_tools/limits", [...(doc.all_tools?.limits ?? []), { ...defaultLimit("all_calls", counterNames(fromDocument(doc))), max: 120 }])))}
          >
            + Add limit
          </button>
        </div>
      )}
      <div className="flex flex-wrap items-end gap-x-6 gap-y-3 border-t border-zinc-100 px-4 py-3">
        <form className="flex flex-wrap items-end gap-2" onSubmit={addPattern}>
          <label className="w-40 text-xs font-medium text-zinc-700">
            Pattern
            <input className={cn(INPUT, "mt-0.5 font-mono text-xs")} placeholder="s3_*" value={pattern} onChange={(e) => setPattern(e.target.value)} disabled={readOnly} aria-invalid={!!patternError || undefined} />
          </label>
          <LaneSelect value={lane} onChange={setLane} disabled={readOnly} />
          <Button type="submit" variant="secondary" className="py-1" disabled={readOnly || !pattern || !!patternError}>
            Add pattern rule
          </Button>
          {patternError && <p className="basis-full text-xs text-red-700">{patternError}</p>}
        </form>
        {unruled.length > 0 && (
          <form className="flex flex-wrap items-end gap-2" onSubmit={addCategory}>
            <label className="text-xs font-medium text-zinc-700">
              Category
              <select aria-label="Category" className={cn(INPUT, "mt-0.5")} value={category} onChange={(e) => setCategory(e.target.value as RiskCategory | "")} disabled={readOnly}>
                <option value="">Choose…</option>
                {unruled.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <LaneSelect label="Lane of the category" value={categoryLane} onChange={setCategoryLane} disabled={readOnly} />
            <Button type="submit" variant="secondary" className="py-1" disabled={readOnly || !category}>
              Add category rule
            </Button>
          </form>
        )}
        {!doc.all_tools && (
          <Button
            variant="secondary"
            className="py-1"
            disabled={readOnly}
            onClick={() => onChange(prettyPolicy({ ...doc, all_tools: { limits: [{ counter: "all_calls", window: "minute", max: 120, scope: "grant" }] } }))}
          >
            Add an all-tools limit
          </Button>
        )}
      </div>
    </section>
  );
}

/** The lane a new rule starts in (Hide is for exact tools). */
function LaneSelect({ value, onChange, disabled, label }: { value: Exclude<Lane, "hide">; onChange: (lane: Exclude<Lane, "hide">) => void; disabled: boolean; label?: string }) {
  return (
    <label className="text-xs font-medium text-zinc-700">
      Lane
      <select aria-label={label} className={cn(INPUT, "mt-0.5")} value={value} onChange={(e) => onChange(e.target.value as Exclude<Lane, "hide">)} disabled={disabled}>
        {(["allow", "rate_limit", "require_approval", "deny"] as const).map((l) => (
          <option key={l} value={l}>
            {LANE_TITLES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

function CustomCardItem({
  card,
  highlighted,
  errors,
  editing,
  readOnly,
  onEdit,
  onForm,
  onCancel,
  onSave,
}: {
  card: CustomCard;
  highlighted: boolean;
  errors?: string[];
  editing: boolean;
  readOnly: boolean;
  onEdit: () => void;
  /** Opens the rule in the rule drawer's form, for the kinds it can edit. */
  onForm?: () => void;
  onCancel: () => void;
  onSave: (value: unknown) => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(card.value, null, 2));
  const [error, setError] = useState("");
  const label = `${KIND_LABELS[card.kind]} ${card.title}`;
  return (
    <li className={cn("px-4 py-2.5", highlighted && "bg-brand-50 ring-2 ring-brand-600 ring-inset", errors && "bg-red-50")} role="group" aria-label={label} data-pointer={card.pointer}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] font-medium text-zinc-600">{KIND_LABELS[card.kind]}</span>
        <code className="font-mono text-xs font-semibold text-zinc-900">{card.title}</code>
        {card.lane && (
          <span className={cn("flex items-center gap-1 text-xs", LANE_STYLES[card.lane].head)}>
            <span className={cn("size-1.5 rounded-full", LANE_STYLES[card.lane].dot)} aria-hidden />
            {LANE_TITLES[card.lane]}
          </span>
        )}
        {!editing && <code className="min-w-0 flex-1 truncate font-mono text-[11px] text-zinc-500">{JSON.stringify(card.value)}</code>}
        {errors && <span className="text-xs font-medium text-red-700">{errors.length === 1 ? "1 error" : `${errors.length} errors`}</span>}
        {!editing && !readOnly && (
          <span className="ml-auto flex gap-3">
            {onForm && (
              <button type="button" className="text-xs font-medium text-brand-700 hover:underline" onClick={onForm} aria-label={`Edit ${label}`}>
                Edit
              </button>
            )}
            <button type="button" className="text-xs font-medium text-brand-700 hover:underline" onClick={() => (setText(JSON.stringify(card.value, null, 2)), setError(""), onEdit())} aria-label={`Edit ${label} as JSON`}>
              Edit JSON
            </button>
          </span>
        )}
      </div>
      {editing && (
        <div className="mt-2 space-y-2">
          <textarea aria-label={`${label} JSON`} rows={Math.min(12, text.split("\n").length + 1)} spellCheck={false} className={cn(INPUT, "font-mono text-xs", error && "ring-red-400")} value={text} onChange={(e) => setText(e.target.value)} />
          {error && <p className="text-xs text-red-700">{error}</p>}
          <div className="flex gap-2">
            <Button
              className="py-1"
              onClick={() => {
                try {
                  onSave(JSON.parse(text));
                } catch (e) {
                  setError(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
                }
              }}
            >
              Apply
            </Button>
            <Button variant="danger" className="py-1" onClick={() => onSave(undefined)}>
              Remove
            </Button>
            <Button variant="ghost" className="py-1" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

