"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { apiFetch, apiFetchAll } from "@/lib/client/api";
import { RISK_LEVELS, type RiskCategory } from "@/gateway/risk/types";
import { PolicyErrors } from "@/components/servers/policy-errors";
import { serverKeys, type InventoryTool, type ServerPolicy } from "@/components/servers/types";
import { draftReducer, initialDraft, prettyPolicy, STARTER_DOCUMENT } from "./draft-state";
import { JsonEditor, focusEditorAt } from "./json-editor";
import { Lanes, afterPaint } from "./lanes";
import { CustomRules } from "./custom-rules";
import { RuleDrawer } from "./rule-drawer";
import { BuilderTester } from "./tester";
import { ReplayPanel } from "./replay-panel";
import { PublishBar, VersionsPanel } from "./versions";
import { Templates } from "./templates";
import { useDraftAutosave } from "./use-draft";
import { LANES, LANE_TITLES, errorOwners, fromDocument, laneView, moveTools, setDefault, targetOfPointer, type InventoryEntry, type Lane, type LaneView, type ToolCard } from "./model";
import { isOperationCard, moveOperation, operationCardId, operationLabel, parseOperationCardId, withOperations, type LaneRow, type OperationsMode } from "./operations";

/** The policy builder: lanes and JSON side by side over one draft, a tester, versions. */
export function PolicyBuilder({ serverId, canPublish }: { serverId: string; canPublish: boolean }) {
  const qc = useQueryClient();
  const params = useSearchParams();
  const policy = useQuery({ queryKey: serverKeys.policy(serverId), queryFn: () => apiFetch<ServerPolicy>(`/api/v1/servers/${serverId}/policy`) });
  const tools = useQuery({
    queryKey: serverKeys.tools(serverId),
    queryFn: () => apiFetchAll<InventoryTool>(`/api/v1/servers/${serverId}/tools`),
  });
  const draft = useDraftAutosave(serverId, canPublish);
  const save = draft.save;

  const publishedText = policy.data?.document != null ? prettyPolicy(policy.data.document) : null;
  const [state, dispatch] = useReducer(draftReducer, null, () => initialDraft(prettyPolicy(STARTER_DOCUMENT)));
  // Once the inventory is here, operation names are checked against the tools' enums as the JSON is typed.
  useEffect(() => {
    if (tools.data) dispatch({ type: "tools", tools: new Map(tools.data.map((t) => [t.name, { inputSchema: (t.inputSchema ?? undefined) as Record<string, unknown> | undefined }])) });
  }, [tools.data]);
  const [ready, setReady] = useState(false);
  const [baseVersion, setBaseVersion] = useState<number | null>(null);

  // The editor starts from the saved draft, else the published version, once both are known.
  useEffect(() => {
    if (ready || policy.isPending || draft.initial === undefined) return;
    const saved = draft.initial;
    dispatch({ type: "load", text: saved?.text ?? publishedText ?? prettyPolicy(STARTER_DOCUMENT) });
    setBaseVersion(saved ? saved.baseVersion : (policy.data?.version ?? null));
    setReady(true);
  }, [ready, policy.isPending, policy.data, draft.initial, publishedText]);

  const dirty = ready && state.text !== (publishedText ?? prettyPolicy(STARTER_DOCUMENT));
  useEffect(() => {
    if (ready) save(dirty ? { text: state.text, baseVersion } : null);
  }, [ready, dirty, state.text, baseVersion, save]);

  const model = useMemo(() => fromDocument(state.doc), [state.doc]);
  const inventory = useMemo(
    () =>
      (tools.data ?? []).map((t): InventoryEntry => ({
        name: t.name,
        risk: { category: t.risk.category, level: t.risk.level },
        ...(t.operations ? { operations: { argument: t.operations.argument, items: t.operations.items } } : {}),
      })),
    [tools.data],
  );
  const previousCards = useRef(new Map<string, ToolCard>());
  const view = useMemo(() => {
    const next = laneView(model, inventory);
    previousCards.current = keepUnchangedCards(next, previousCards.current);
    return next;
  }, [model, inventory]);
  // Multiplexed tools whose card is expanded into its operations, and how.
  const [expanded, setExpanded] = useState<ReadonlyMap<string, OperationsMode>>(new Map());
  const onExpand = useCallback((tool: string, mode: OperationsMode | null) => {
    setExpanded((m) => {
      const next = new Map(m);
      if (mode) next.set(tool, mode);
      else next.delete(tool);
      return next;
    });
  }, []);
  const operations = useMemo(() => withOperations(model, view, expanded), [model, view, expanded]);
  const invalid = state.errors.length > 0;
  const owners = useMemo(() => errorOwners(model, state.errors.map((e) => e.path)), [model, state.errors]);
  const errorsByTool = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const [tool, paths] of owners.tools) m.set(tool, paths.map((p) => state.errors.find((e) => e.path === p)?.message ?? p));
    return m;
  }, [owners, state.errors]);

  // Filters and selection.
  const [query, setQuery] = useState("");
  const [risk, setRisk] = useState("");
  const visible = useCallback(
    (c: LaneRow) => {
      const q = query.toLowerCase();
      const named = !q || (isOperationCard(c) ? c.tool.toLowerCase().includes(q) || c.key.toLowerCase().includes(q) : c.name.toLowerCase().includes(q));
      return named && (!risk || c.risk?.level === risk);
    },
    [query, risk],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const onSelect = useCallback((names: string[], on: boolean) => {
    setSelected((s) => {
      const next = new Set(s);
      for (const n of names) (on ? next.add(n) : next.delete(n));
      return next;
    });
  }, []);

  // Highlight: ?rule=<pointer> from the audit log, or the rule a test decided by.
  const [highlight, setHighlight] = useState<string | null>(params.get("rule"));
  const target = targetOfPointer(model, highlight);
  const highlightCard = target?.kind === "card" ? target.tool : null;
  const highlightOperation = target?.kind === "card" && target.operation !== undefined && operations.cards.has(operationCardId(target.tool, target.operation)) ? operationCardId(target.tool, target.operation) : null;
  useLayoutEffect(() => {
    if (!highlightCard) return;
    // A lane renders its cards a chunk at a time: look again for a moment until the card exists.
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const find = () => {
      const el = document.querySelector(`[data-tool="${CSS.escape(highlightCard)}"]`);
      if (el) return el.scrollIntoView({ block: "nearest" });
      if (tries++ < 20) timer = setTimeout(find, 100);
    };
    find();
    return () => clearTimeout(timer);
  }, [highlightCard, ready]);

  const [drawer, setDrawer] = useState<{ tool: string; operation?: string; category?: RiskCategory; focus?: "limits" | "approval" } | null>(null);
  const [announce, setAnnounce] = useState("");
  const onMove = useCallback(
    (names: string[], lane: Lane) => {
      dispatch({ type: "model", edit: (m) => moveTools(m, names, lane) });
      setSelected(new Set());
      setAnnounce(`${names.length === 1 ? names[0] : `${names.length} tools`} moved to ${LANE_TITLES[lane]}.`);
      if (names.length === 1 && (lane === "rate_limit" || lane === "require_approval")) setDrawer({ tool: names[0], focus: lane === "rate_limit" ? "limits" : "approval" });
    },
    [],
  );
  const onMoveOperation = useCallback(
    (id: string, lane: Lane) => {
      const op = parseOperationCardId(id);
      if (!op) return;
      if (lane === "hide") return setAnnounce(`${operationLabel(op)} cannot be hidden: Hide takes whole tools.`);
      dispatch({ type: "model", edit: (m) => moveOperation(m, inventory, op.tool, op.key, lane) });
      setAnnounce(`${operationLabel(op)} moved to ${LANE_TITLES[lane]}.`);
      if (lane === "rate_limit" || lane === "require_approval") setDrawer({ tool: op.tool, operation: op.key, focus: lane === "rate_limit" ? "limits" : "approval" });
    },
    [inventory],
  );
  const onOpen = useCallback((name: string, operation?: string) => setDrawer({ tool: name, operation }), []);
  const onOpenCategory = useCallback((category: RiskCategory) => setDrawer({ tool: "", category }), []);

  // Performance marks: from the render that first has the policy, the draft and the tools to the
  // first paint of the filled lanes (docs/performance.md, "Policy builder").
  const measured = useRef(false);
  if (!measured.current && ready && tools.data && performance.getEntriesByName("policy-builder:data-ready").length === 0) performance.mark("policy-builder:data-ready");
  useEffect(() => {
    if (measured.current || !ready || !tools.data) return;
    measured.current = true;
    // The first task after the next frame: the frame that shows the lanes has been painted.
    afterPaint(() => {
      performance.mark("policy-builder:lanes-painted");
      performance.measure("policy-builder:render", "policy-builder:data-ready", "policy-builder:lanes-painted");
    });
  }, [ready, tools.data]);

  const jsonBox = useRef<HTMLDivElement>(null);
  const defaultLane: Lane = state.doc.default === "allow" ? "allow" : "deny";
  const unlisted = view.byLane[defaultLane].filter((c) => c.source === "default").length;
  const loadError = policy.error ?? tools.error;

  return (
    <div className="space-y-5" data-wide data-testid="policy-builder">
      {loadError && (
        <Alert tone="error">
          Could not load the policy or the tools: {loadError.message}.{" "}
          <button type="button" className="font-medium underline" onClick={() => (policy.refetch(), tools.refetch())}>
            Try again
          </button>
        </Alert>
      )}

      <PublishBar
        serverId={serverId}
        policy={policy.data}
        loading={policy.isPending}
        canPublish={canPublish}
        dirty={dirty}
        invalid={invalid}
        document={state.doc}
        text={state.text}
        baseVersion={baseVersion}
        saveState={draft.status}
        onPublished={async (version) => {
          await qc.invalidateQueries({ queryKey: serverKeys.one(serverId) });
          setBaseVersion(version);
          draft.save(null);
        }}
        onTakeCurrent={(doc, version) => {
          dispatch({ type: "replace", text: prettyPolicy(doc) });
          setBaseVersion(version);
        }}
        onRebase={(version) => setBaseVersion(version)}
      />

      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1 basis-52">
          <label htmlFor="builder-search" className="mb-1 block text-xs font-medium text-zinc-700">
            Search tools
          </label>
          <input
            id="builder-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Name contains…"
            className="block w-full rounded-md border-0 bg-white px-3 py-1.5 text-sm ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-brand-600 focus:outline-none"
          />
        </div>
        <div>
          <label htmlFor="builder-risk" className="mb-1 block text-xs font-medium text-zinc-700">
            Risk
          </label>
          <select
            id="builder-risk"
            value={risk}
            onChange={(e) => setRisk(e.target.value)}
            className="block rounded-md border-0 bg-white py-1.5 pr-8 pl-3 text-sm ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-brand-600 focus:outline-none"
          >
            <option value="">Any level</option>
            {RISK_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <fieldset className={cn("rounded-md bg-white px-3 py-1.5 ring-1 ring-zinc-300 ring-inset", target?.kind === "default" && "ring-2 ring-brand-600")} disabled={invalid || !ready}>
          <legend className="sr-only">Unlisted tools</legend>
          <div className="flex items-center gap-3 text-sm">
            <span className="text-xs font-medium text-zinc-700">Unlisted tools</span>
            {(["allow", "deny"] as const).map((d) => (
              <label key={d} className="flex items-center gap-1.5">
                <input type="radio" name="builder-default" value={d} checked={state.doc.default === d} onChange={() => dispatch({ type: "model", edit: (m) => setDefault(m, d) })} className="accent-brand-600" />
                {d === "allow" ? "Allow" : "Deny"}
              </label>
            ))}
            <span className="text-xs text-zinc-500" data-testid="unlisted-count">
              {unlisted} {unlisted === 1 ? "tool falls" : "tools fall"} under {defaultLane === "allow" ? "Allow" : "Deny"}
            </span>
          </div>
        </fieldset>
        <div className="flex gap-1.5">
          <Button variant="secondary" className="py-1.5" onClick={() => dispatch({ type: "undo" })} disabled={state.past.length === 0} aria-keyshortcuts="Control+Z">
            Undo
          </Button>
          <Button variant="secondary" className="py-1.5" onClick={() => dispatch({ type: "redo" })} disabled={state.future.length === 0} aria-keyshortcuts="Control+Shift+Z">
            Redo
          </Button>
          <Templates serverId={serverId} onPick={(text) => dispatch({ type: "replace", text })} inventory={tools.data ?? []} />
        </div>
      </div>

      {selected.size > 0 && (
        <div className="flex flex-wrap items-center gap-2 rounded-md bg-brand-50 px-3 py-2 text-sm text-brand-900 ring-1 ring-brand-100 ring-inset" role="toolbar" aria-label="Selected tools">
          <span className="font-medium">{selected.size} selected</span>
          <span className="text-brand-700">Move to</span>
          {(["allow", "rate_limit", "require_approval", "deny", "hide"] as Lane[]).map((l) => (
            <Button key={l} variant="secondary" className="px-2 py-1 text-xs" onClick={() => onMove([...selected], l)} disabled={invalid}>
              {LANE_TITLES[l]}
            </Button>
          ))}
          <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        </div>
      )}

      <p className="sr-only" aria-live="polite">
        {announce}
      </p>

      <div className="grid items-start gap-5 2xl:grid-cols-[minmax(0,1fr)_minmax(0,30rem)]">
        <div className="min-w-0 space-y-4">
          {invalid && (
            <Alert tone="warning">
              The JSON has {state.errors.length === 1 ? "an error" : `${state.errors.length} errors`}: the lanes show the last valid state and wait until it is fixed.
            </Alert>
          )}
          <div className={cn(invalid && "pointer-events-none opacity-60")} aria-busy={!ready || tools.isPending || undefined}>
            <Lanes
              view={view}
              rows={operations.rows}
              visible={visible}
              selected={selected}
              onSelect={onSelect}
              onMove={onMove}
              onMoveOperation={onMoveOperation}
              onOpen={onOpen}
              onExpand={onExpand}
              expanded={expanded}
              readOnly={invalid || !ready}
              highlight={highlightOperation ?? highlightCard}
              errorsByTool={errorsByTool}
              defaultLane={defaultLane}
            />
          </div>
          <CustomRules
            cards={view.custom}
            highlight={target?.kind === "custom" ? target.pointer : null}
            errors={owners.custom}
            readOnly={invalid || !ready}
            doc={state.doc}
            onChange={(text) => dispatch({ type: "replace", text })}
            onOpenCategory={onOpenCategory}
          />
        </div>

        <section className="min-w-0 2xl:sticky 2xl:top-4" aria-labelledby="builder-json-title" ref={jsonBox}>
          <div className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-zinc-200">
            <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-2.5">
              <h2 id="builder-json-title" className="text-sm font-semibold text-zinc-900">
                JSON
              </h2>
              <span className={cn("text-xs", invalid ? "font-medium text-red-700" : "text-emerald-700")} data-testid="json-status">
                {invalid ? `${state.errors.length} ${state.errors.length === 1 ? "error" : "errors"}` : "valid"}
              </span>
            </div>
            <div className="h-[32rem] 2xl:h-[calc(100vh-14rem)] 2xl:max-h-[48rem]">
              <JsonEditor text={state.text} errors={state.errors} onChange={(text) => dispatch({ type: "type", text, at: Date.now() })} onUndo={() => dispatch({ type: "undo" })} onRedo={() => dispatch({ type: "redo" })} highlight={highlight} />
            </div>
          </div>
          {invalid && (
            <div className="mt-3">
              <PolicyErrors id="builder-json-errors" errors={state.errors} outcome="fix them to publish" onSelect={(e) => focusEditorAt(jsonBox.current, e.line ?? 1, e.column ?? 1)} />
            </div>
          )}
        </section>
      </div>

      <div className="grid items-start gap-5 xl:grid-cols-2">
        <BuilderTester serverId={serverId} tools={tools.data ?? []} document={state.doc} invalid={invalid} onResult={(rule) => setHighlight(rule)} />
        <VersionsPanel
          serverId={serverId}
          current={policy.data?.version ?? null}
          draft={state.doc}
          canPublish={canPublish}
          inventory={inventory}
          onLoad={(doc) => dispatch({ type: "replace", text: prettyPolicy(doc) })}
          onRolledBack={async (version) => {
            await qc.invalidateQueries({ queryKey: serverKeys.one(serverId) });
            setBaseVersion(version);
          }}
        />
      </div>

      <ReplayPanel serverId={serverId} draft={invalid ? undefined : state.doc} />

      {drawer && (
        <RuleDrawer
          key={drawer.category ?? operationCardId(drawer.tool, drawer.operation ?? "")}
          tool={drawer.tool}
          operation={drawer.operation}
          category={drawer.category}
          inventory={inventory}
          onOpenOperation={(operation) => setDrawer({ tool: drawer.tool, operation })}
          focus={drawer.focus}
          card={view.cards.get(drawer.tool)}
          inventoryTool={tools.data?.find((t) => t.name === drawer.tool)}
          model={model}
          errors={state.errors.filter((e) => (drawer.category ? e.path.startsWith(`/categories/${drawer.category}`) : owners.tools.get(drawer.tool)?.includes(e.path)))}
          readOnly={invalid}
          onEdit={(edit) => dispatch({ type: "model", edit })}
          onClose={() => setDrawer(null)}
        />
      )}
    </div>
  );
}

/**
 * Gives every card that did not change the object it had before, so that after a move or a
 * keystroke only the cards that changed render again (their bodies are memoised by identity).
 */
function keepUnchangedCards(view: LaneView, previous: Map<string, ToolCard>): Map<string, ToolCard> {
  const same = (a: ToolCard, b: ToolCard) =>
    a.lane === b.lane && a.source === b.source && a.via === b.via && a.orphan === b.orphan && a.operations === b.operations && a.risk?.level === b.risk?.level && a.risk?.category === b.risk?.category && JSON.stringify(a.rule) === JSON.stringify(b.rule);
  for (const lane of LANES) {
    view.byLane[lane] = view.byLane[lane].map((card) => {
      const old = previous.get(card.name);
      if (!old || !same(old, card)) return card;
      view.cards.set(card.name, old);
      return old;
    });
  }
  return view.cards;
}
