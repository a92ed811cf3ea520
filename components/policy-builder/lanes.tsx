"use client";

import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";
import { RiskBadge } from "@/components/servers/risk";
import type { OperationRule } from "@/gateway/policy/schema";
import { LANES, LANE_TITLES, type Lane, type LaneView, type ToolCard } from "./model";
import { isOperationCard, operationLabel, parseOperationCardId, type LaneRow, type OperationCard, type OperationsMode } from "./operations";

export const LANE_STYLES: Record<Lane, { head: string; dot: string; over: string }> = {
  allow: { head: "text-emerald-800", dot: "bg-emerald-500", over: "bg-emerald-50 ring-emerald-400" },
  rate_limit: { head: "text-sky-800", dot: "bg-sky-500", over: "bg-sky-50 ring-sky-400" },
  require_approval: { head: "text-amber-900", dot: "bg-amber-500", over: "bg-amber-50 ring-amber-400" },
  deny: { head: "text-red-800", dot: "bg-red-500", over: "bg-red-50 ring-red-400" },
  hide: { head: "text-zinc-700", dot: "bg-zinc-500", over: "bg-zinc-100 ring-zinc-400" },
};

const LANE_HINTS: Record<Lane, string> = {
  allow: "Called freely (conditions still apply)",
  rate_limit: "Allowed up to a limit",
  require_approval: "A person approves each call",
  deny: "Listed, refused with a message",
  hide: "Not listed, unknown to the agent",
};

/** Runs `fn` in the first task after the next frame is painted. */
export function afterPaint(fn: () => void) {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = fn;
    channel.port2.postMessage(null);
  });
}

const FIRST_CARDS = 40;
const MORE_CARDS = 120;

const laneId = (lane: Lane) => `lane:${lane}`;
/** dnd-kit ids: `card:<tool>` for a tool, `op:<tool>\0<key>` for an operation of an expanded tool. */
const dragName = (id: unknown) => {
  const s = String(id);
  if (s.startsWith("op:")) {
    const op = parseOperationCardId(s.slice(3));
    return op ? operationLabel(op) : s;
  }
  return s.replace(/^card:/, "");
};
const laneOfId = (id: unknown): Lane | null => (typeof id === "string" && id.startsWith("lane:") ? (id.slice(5) as Lane) : null);

/**
 * Arrow keys carry a picked-up card to the previous or next lane instead of 25 px at a time. The
 * lane it is in is remembered here: dnd-kit's idea of where the card is (its collision rectangle,
 * `over`) is only updated by a render, so keys pressed faster than that would each start again
 * from the same lane.
 */
function laneKeyboardCoordinates(target: { current: { id: unknown; lane: Lane } | null }): KeyboardCoordinateGetter {
  return (event, { context, currentCoordinates }) => {
    const step = event.code === "ArrowRight" || event.code === "ArrowDown" ? 1 : event.code === "ArrowLeft" || event.code === "ArrowUp" ? -1 : 0;
    if (step === 0) return undefined;
    event.preventDefault();
    const id = context.active?.id;
    const fromData = context.active?.data.current as { lane?: Lane } | undefined;
    const current = (target.current?.id === id ? target.current?.lane : undefined) ?? laneOfId(context.over?.id) ?? fromData?.lane ?? "allow";
    const next = LANES[Math.min(LANES.length - 1, Math.max(0, LANES.indexOf(current) + step))];
    const rect = context.droppableRects.get(laneId(next));
    const size = context.collisionRect;
    if (!rect || !size) return currentCoordinates;
    target.current = { id, lane: next };
    return { x: rect.left + Math.max(4, (rect.width - size.width) / 2), y: rect.top + 40 };
  };
}

/**
 * The pointer sensor for mice and pens only: a finger is the touch sensor's, which waits for a
 * long press, so that swiping over the lanes still scrolls the page.
 */
class MouseOrPenSensor extends PointerSensor {
  static activators = [
    {
      eventName: "onPointerDown" as const,
      handler: ({ nativeEvent: e }: React.PointerEvent) => e.pointerType !== "touch" && e.isPrimary && e.button === 0,
    },
  ];
}

/**
 * dnd-kit scrolls the page while a card is dragged sideways through the lanes, even far from the
 * window's edges (the page jumped to its top in e2e runs, and the drop missed its lane): only the
 * lanes' own lists scroll by themselves. The page still scrolls with the wheel during a drag.
 */
const notThePage = (element: Element) => element !== element.ownerDocument.scrollingElement;

/** The pointer decides where it is over; the keyboard (no pointer) by the card's rectangle. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

export interface LanesProps {
  view: LaneView;
  /** Each lane's cards, the operation cards of expanded tools among them. */
  rows: Record<Lane, LaneRow[]>;
  visible: (card: LaneRow) => boolean;
  selected: ReadonlySet<string>;
  onSelect: (names: string[], on: boolean) => void;
  onMove: (names: string[], lane: Lane) => void;
  /** An operation card (by its id) dropped on a lane. */
  onMoveOperation: (id: string, lane: Lane) => void;
  onOpen: (name: string, operation?: string) => void;
  /** Expands a multiplexed tool's card into its operations (by name or by group), or folds it. */
  onExpand: (tool: string, mode: OperationsMode | null) => void;
  expanded: ReadonlyMap<string, OperationsMode>;
  readOnly: boolean;
  /** The highlighted card: a tool's name or an operation card's id. */
  highlight: string | null;
  errorsByTool: Map<string, string[]>;
  defaultLane: Lane;
}

/** The five lanes, each a drop zone, with a card per tool. */
export function Lanes({ view, rows, visible, selected, onSelect, onMove, onMoveOperation, onOpen, onExpand, expanded, readOnly, highlight, errorsByTool, defaultLane }: LanesProps) {
  const keyboardTarget = useRef<{ id: unknown; lane: Lane } | null>(null);
  const coordinateGetter = useMemo(() => laneKeyboardCoordinates(keyboardTarget), []);
  const sensors = useSensors(
    useSensor(MouseOrPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 180, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter }),
  );
  const [active, setActive] = useState<{ name: string; count: number } | null>(null);
  const anchor = useRef<string | null>(null);

  const movingWith = useCallback((name: string) => (selected.has(name) ? [...selected] : [name]), [selected]);

  const announcements: Announcements = useMemo(() => {
    const what = (id: unknown) => {
      const name = dragName(id);
      const n = String(id).startsWith("card:") && selected.has(name) ? selected.size : 1;
      return n > 1 ? `${name} and ${n - 1} other selected tools` : name;
    };
    const where = (id: unknown) => {
      const lane = laneOfId(id);
      return lane ? `the ${LANE_TITLES[lane]} lane` : "no lane";
    };
    return {
      onDragStart: ({ active }) => `Picked up ${what(active.id)}. Use the arrow keys to choose a lane, space to drop, escape to cancel.`,
      onDragOver: ({ active, over }) => `${what(active.id)} is over ${where(over?.id)}.`,
      onDragEnd: ({ active, over }) =>
        !over
          ? `${what(active.id)} was dropped outside the lanes: nothing changed.`
          : String(active.id).startsWith("op:") && laneOfId(over.id) === "hide"
            ? `${what(active.id)} cannot be hidden: Hide takes whole tools. Nothing changed.`
            : `${what(active.id)} moved to ${where(over.id)}.`,
      onDragCancel: ({ active }) => `Moving ${what(active.id)} was cancelled: nothing changed.`,
    };
  }, [selected]);

  function start(e: DragStartEvent) {
    keyboardTarget.current = null;
    const id = String(e.active.id);
    const name = dragName(id);
    setActive({ name, count: id.startsWith("op:") ? 1 : movingWith(name).length });
  }

  function end(e: DragEndEvent) {
    setActive(null);
    const lane = laneOfId(e.over?.id);
    if (!lane) return;
    const id = String(e.active.id);
    performance.mark("policy-builder:drop");
    if (id.startsWith("op:")) onMoveOperation(id.slice(3), lane);
    else onMove(movingWith(dragName(id)), lane);
    afterPaint(() => performance.measure("policy-builder:drop-to-paint", "policy-builder:drop"));
  }

  /** Checkbox clicks; with shift, every visible card of the lane between the last click and this one. */
  const latest = useRef({ view, visible, onSelect });
  latest.current = { view, visible, onSelect };
  const toggle = useCallback((card: ToolCard, on: boolean, shift: boolean) => {
    const { view, visible, onSelect } = latest.current;
    const from = anchor.current ? view.cards.get(anchor.current) : undefined;
    anchor.current = card.name;
    if (shift && from && from.lane === card.lane) {
      const cards = view.byLane[card.lane].filter(visible).map((c) => c.name);
      const [a, b] = [cards.indexOf(from.name), cards.indexOf(card.name)].sort((x, y) => x - y);
      if (a >= 0) return onSelect(cards.slice(a, b + 1), on);
    }
    onSelect([card.name], on);
  }, []);

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collision}
      autoScroll={{ canScroll: notThePage }}
      onDragStart={start}
      onDragEnd={end}
      onDragCancel={() => setActive(null)}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable: "To move this tool to another lane, press space or enter, choose the lane with the arrow keys, and press space again to drop it there. Escape cancels.",
        },
      }}
    >
      <div className="grid gap-3 [grid-template-columns:repeat(auto-fit,minmax(11rem,1fr))]" data-testid="lanes">
        {LANES.map((lane) => (
          <LaneColumn
            key={lane}
            lane={lane}
            rows={rows[lane]}
            tools={view.byLane[lane].length}
            visible={visible}
            selected={selected}
            onToggle={toggle}
            onOpen={onOpen}
            onExpand={onExpand}
            expanded={expanded}
            readOnly={readOnly}
            highlight={highlight}
            errorsByTool={errorsByTool}
            isDefault={lane === defaultLane}
          />
        ))}
      </div>
      <DragOverlay dropAnimation={null}>
        {active && (
          <div className="rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow-lg ring-2 ring-brand-500">
            {active.name}
            {active.count > 1 && <span className="ml-2 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs text-white">+{active.count - 1}</span>}
          </div>
        )}
      </DragOverlay>
    </DndContext>
  );
}

function LaneColumn({
  lane,
  rows,
  tools,
  visible,
  selected,
  onToggle,
  onOpen,
  onExpand,
  expanded,
  readOnly,
  highlight,
  errorsByTool,
  isDefault,
}: {
  lane: Lane;
  rows: LaneRow[];
  /** How many tools (not operations) the lane holds. */
  tools: number;
  visible: (c: LaneRow) => boolean;
  selected: ReadonlySet<string>;
  onToggle: (card: ToolCard, on: boolean, shift: boolean) => void;
  onOpen: (name: string, operation?: string) => void;
  onExpand: (tool: string, mode: OperationsMode | null) => void;
  expanded: ReadonlyMap<string, OperationsMode>;
  readOnly: boolean;
  highlight: string | null;
  errorsByTool: Map<string, string[]>;
  isDefault: boolean;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: laneId(lane), disabled: readOnly });
  const shown = rows.filter(visible);
  const shownTools = shown.filter((r) => !isOperationCard(r)).length;
  const operations = shown.length - shownTools;
  // A lane shows a screenful at once and the rest a chunk per task, so a server with hundreds of
  // tools paints its lanes at once instead of after every card is built.
  const [limit, setLimit] = useState(FIRST_CARDS);
  useEffect(() => {
    if (limit >= shown.length) return;
    let t: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (t = setTimeout(() => setLimit((l) => l + MORE_CARDS), 0)));
    return () => (cancelAnimationFrame(frame), clearTimeout(t));
  }, [limit, shown.length]);
  const titleId = `lane-title-${lane}`;
  const style = LANE_STYLES[lane];
  return (
    <section
      ref={setNodeRef}
      role="region"
      aria-labelledby={titleId}
      className={cn("flex min-h-40 flex-col rounded-lg bg-zinc-100/70 ring-1 ring-zinc-200 transition-colors ring-inset", isOver && cn("ring-2", style.over))}
      data-lane={lane}
      data-over={isOver || undefined}
    >
      <header className="flex items-start justify-between gap-2 px-3 pt-2.5 pb-2">
        <div className="min-w-0">
          <h3 id={titleId} className={cn("flex items-center gap-1.5 text-sm font-semibold", style.head)}>
            <span className={cn("size-2 rounded-full", style.dot)} aria-hidden />
            {LANE_TITLES[lane]}
          </h3>
          <p className="mt-0.5 text-xs leading-4 text-zinc-500">{LANE_HINTS[lane]}</p>
        </div>
        <span
          className="mt-0.5 shrink-0 rounded-full bg-white px-1.5 text-xs font-medium whitespace-nowrap text-zinc-600 tabular-nums ring-1 ring-zinc-200"
          aria-label={`${shownTools} of ${tools} tools shown${operations ? `, and ${operations} ${operations === 1 ? "operation" : "operations"}` : ""}`}
        >
          {shownTools === tools ? tools : `${shownTools}/${tools}`}
          {operations > 0 && <span className="text-zinc-400"> +{operations} op{operations === 1 ? "" : "s"}</span>}
        </span>
      </header>
      <ul className="flex max-h-[30rem] flex-1 flex-col gap-1.5 overflow-y-auto px-2 pb-2" aria-label={`Tools in ${LANE_TITLES[lane]}`}>
        {shown.slice(0, limit).map((row) =>
          isOperationCard(row) ? (
            <OperationCardItem key={`op:${row.id}`} card={row} onOpen={onOpen} readOnly={readOnly} highlighted={highlight === row.id} />
          ) : (
            <ToolCardItem
              key={row.name}
              card={row}
              selected={selected.has(row.name)}
              onToggle={onToggle}
              onOpen={onOpen}
              onExpand={onExpand}
              expanded={expanded.get(row.name)}
              readOnly={readOnly}
              highlighted={highlight === row.name}
              errors={errorsByTool.get(row.name)}
            />
          ),
        )}
        {shown.length === 0 && (
          <li className="rounded-md border border-dashed border-zinc-300 px-2 py-4 text-center text-xs text-zinc-500">
            {rows.length ? "No tool here matches the filter" : isDefault ? "Unlisted tools land here" : "Drop tools here"}
          </li>
        )}
      </ul>
    </section>
  );
}

/** What a rule says in a few words: its limits, conditions, checks and approval timeout. */
function ruleWords(r: OperationRule | undefined): string[] {
  const out: string[] = [];
  if (!r) return out;
  for (const l of r.limits ?? []) out.push(l.increment_from ? `≤${l.max} ${l.increment_from.replace(/^args\./, "")}/${l.window}` : `${l.max}/${l.window}`);
  const conditions = (r.require?.length ?? 0) + (r.deny_if?.length ?? 0);
  if (conditions) out.push(conditions === 1 ? "1 condition" : `${conditions} conditions`);
  if (r.args_schema) out.push("schema");
  if (r.validate_input) out.push("input checked");
  if (r.max_per_session !== undefined) out.push(`${r.max_per_session}/session`);
  if (r.approval?.timeout_seconds) out.push(`${Math.round(r.approval.timeout_seconds / 60)} min`);
  return out;
}

/** What a card says about its rule, in a few words. */
function ruleSummary(card: ToolCard, expanded: boolean): string[] {
  const out: string[] = [];
  const r = card.rule;
  if (card.source === "default") out.push("by default");
  if (card.source === "pattern" && card.via) out.push(`via ${card.via}`);
  if (card.source === "category" && card.via) out.push(`via ${card.via} rule`);
  if (card.source === "hide" && r) out.push("rule kept");
  if (expanded && card.lane !== "hide") out.push("unlisted operations");
  else if (r?.operations) {
    const n = Object.keys(r.operations).length;
    out.push(n === 1 ? "1 operation rule" : `${n} operation rules`);
  }
  return [...out, ...ruleWords(r)];
}

const CHIP = "rounded bg-zinc-100 px-1 text-[11px] text-zinc-600";

/**
 * A card: a thin draggable wrapper (dnd-kit re-renders every draggable when the lane under the
 * pointer changes) around a memoised body, so that a drag over 500 cards stays cheap.
 */
interface CardProps {
  card: ToolCard;
  selected: boolean;
  onToggle: (card: ToolCard, on: boolean, shift: boolean) => void;
  onOpen: (name: string, operation?: string) => void;
  onExpand: (tool: string, mode: OperationsMode | null) => void;
  expanded: OperationsMode | undefined;
  readOnly: boolean;
  errors?: string[];
}

/** The handle a card is dragged by: a button, so the keyboard and screen readers can pick it up. */
function DragHandle({ label, setRef, attributes, onKeyDown }: { label: string; setRef: (el: HTMLElement | null) => void; attributes: object; onKeyDown?: React.KeyboardEventHandler }) {
  return (
    <button
      type="button"
      ref={setRef}
      {...attributes}
      onKeyDown={onKeyDown}
      aria-label={`Move ${label}`}
      className="-mr-1 shrink-0 cursor-grab rounded px-1 py-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 focus-visible:text-zinc-800 active:cursor-grabbing"
    >
      <span aria-hidden className="block text-xs leading-none tracking-[-0.2em]">⋮⋮</span>
    </button>
  );
}

const ToolCardItem = memo(function ToolCardItem({ card, highlighted, ...rest }: CardProps & { highlighted: boolean }) {
  const { readOnly, selected, errors } = rest;
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({ id: `card:${card.name}`, data: { lane: card.lane }, disabled: readOnly });
  const inherited = card.source !== "rule" && card.source !== "hide";
  return (
    <li
      ref={setNodeRef}
      role="group"
      aria-label={card.name}
      data-tool={card.name}
      data-highlighted={highlighted || undefined}
      className={cn(
        // Off-screen cards of a long lane skip style, layout and paint until scrolled to.
        "group relative rounded-md bg-white px-2 py-1.5 shadow-xs ring-1 ring-zinc-200 ring-inset touch-manipulation select-none [contain-intrinsic-size:auto_4rem] [content-visibility:auto]",
        inherited && "bg-zinc-50",
        selected && "bg-brand-50 ring-brand-500/50",
        highlighted && "ring-2 ring-brand-600",
        errors && "ring-2 ring-red-400",
        isDragging && "opacity-40",
      )}
      {...(readOnly ? {} : { onPointerDown: listeners?.onPointerDown as React.PointerEventHandler, onTouchStart: listeners?.onTouchStart as React.TouchEventHandler })}
    >
      <CardBody
        card={card}
        {...rest}
        handle={readOnly ? null : <DragHandle label={card.name} setRef={setActivatorNodeRef} attributes={attributes} onKeyDown={listeners?.onKeyDown as React.KeyboardEventHandler} />}
      />
    </li>
  );
});

const CardBody = memo(
  function CardBody({ card, selected, onToggle, onOpen, onExpand, expanded, readOnly, errors, handle }: CardProps & { handle: React.ReactNode }) {
    const summary = ruleSummary(card, expanded !== undefined);
    const opCount = card.operations?.items.length ?? Object.keys(card.rule?.operations ?? {}).length;
    return (
      <>
        <div className="flex items-center gap-1.5">
          <input
            type="checkbox"
            className="size-3.5 shrink-0 rounded border-zinc-300 accent-brand-600"
            aria-label={`Select ${card.name}`}
            checked={selected}
            disabled={readOnly}
            onChange={() => undefined}
            onClick={(e) => onToggle(card, e.currentTarget.checked, e.shiftKey)}
            onPointerDown={(e) => e.stopPropagation()}
          />
          <button
            type="button"
            onClick={() => onOpen(card.name)}
            className={cn("line-clamp-2 min-w-0 flex-1 text-left font-mono text-xs font-medium break-all hover:underline", card.orphan ? "text-zinc-500" : "text-zinc-900")}
            title={card.orphan ? `${card.name}: not in the server's inventory` : `Edit the rule of ${card.name}`}
            aria-label={card.name}
          >
            {card.name}
          </button>
          {handle}
        </div>
        {(card.risk || summary.length > 0 || card.orphan || errors) && (
          <div className="mt-1 flex flex-wrap items-center gap-1 pl-5">
            {card.risk && <RiskBadge category={card.risk.category} level={card.risk.level} className="px-1.5 py-0 text-[11px]" />}
            {card.orphan && <span className="text-[11px] text-zinc-500">not in inventory</span>}
            {summary.map((s) => (
              <span key={s} className={CHIP}>
                {s}
              </span>
            ))}
            {errors && (
              <span className="rounded bg-red-100 px-1 text-[11px] font-medium text-red-800" title={errors.join("\n")} data-testid="card-error">
                {errors.length === 1 ? "1 error" : `${errors.length} errors`}
              </span>
            )}
          </div>
        )}
        {opCount > 0 && <OperationsToggle tool={card.name} count={opCount} expanded={expanded} hidden={card.lane === "hide"} onExpand={onExpand} />}
      </>
    );
  },
  // The handle is a new element on every render of the wrapper; it only carries dnd-kit's
  // attributes (stable while the card is not dragged), so the body ignores it.
  (a, b) =>
    a.card === b.card &&
    a.selected === b.selected &&
    a.onToggle === b.onToggle &&
    a.onOpen === b.onOpen &&
    a.onExpand === b.onExpand &&
    a.expanded === b.expanded &&
    a.readOnly === b.readOnly &&
    a.errors === b.errors,
);

/**
 * A multiplexed tool's disclosure: its operations as cards of their own, one per group of
 * operations sharing a first word (`delete-*`) or one per operation.
 */
function OperationsToggle({ tool, count, expanded, hidden, onExpand }: { tool: string; count: number; expanded: OperationsMode | undefined; hidden: boolean; onExpand: (tool: string, mode: OperationsMode | null) => void }) {
  const words = `${count} ${count === 1 ? "operation" : "operations"}`;
  if (hidden) return <p className="mt-1 pl-5 text-[11px] text-zinc-500">{words}, hidden with the tool</p>;
  const mode = (m: OperationsMode, label: string) => (
    <button
      type="button"
      aria-pressed={expanded === m}
      onClick={() => onExpand(tool, m)}
      className={cn("px-1.5 py-px text-[11px] font-medium", expanded === m ? "bg-brand-600 text-white" : "bg-white text-zinc-600 hover:bg-zinc-50")}
    >
      {label}
    </button>
  );
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-1.5 pl-5">
      <button
        type="button"
        aria-expanded={expanded !== undefined}
        aria-label={`${expanded ? "Fold" : "Show"} the ${words} of ${tool}`}
        onClick={() => onExpand(tool, expanded ? null : "groups")}
        className="inline-flex items-center gap-1 rounded text-[11px] font-medium text-brand-700 hover:underline"
      >
        <span aria-hidden className={cn("inline-block transition-transform", expanded && "rotate-90")}>
          ▸
        </span>
        {words}
      </button>
      {expanded && (
        <span role="group" aria-label={`Cards for the operations of ${tool}`} className="inline-flex overflow-hidden rounded ring-1 ring-zinc-300">
          {mode("groups", "By group")}
          {mode("each", "Each")}
        </span>
      )}
    </div>
  );
}

const OP_SOURCE_WORDS = { tool: "as the tool", pattern: "via", rule: "" } as const;

/** One operation (or group of operations) of an expanded tool, draggable to a lane like a tool. */
const OperationCardItem = memo(function OperationCardItem({ card, onOpen, readOnly, highlighted }: { card: OperationCard; onOpen: (name: string, operation?: string) => void; readOnly: boolean; highlighted: boolean }) {
  const label = operationLabel(card);
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({ id: `op:${card.id}`, data: { lane: card.lane }, disabled: readOnly });
  const words = [card.source === "pattern" ? `via ${card.via}` : OP_SOURCE_WORDS[card.source], ...ruleWords(card.rule)].filter(Boolean);
  const group = card.members.length !== 1 || card.members[0] !== card.key;
  return (
    <li
      ref={setNodeRef}
      role="group"
      aria-label={label}
      data-operation={card.key}
      data-operation-of={card.tool}
      data-highlighted={highlighted || undefined}
      className={cn(
        "relative ml-3 rounded-md border-l-[3px] border-brand-500/60 bg-white py-1.5 pr-2 pl-2 shadow-xs ring-1 ring-zinc-200 ring-inset touch-manipulation select-none",
        card.source !== "rule" && "bg-zinc-50",
        highlighted && "ring-2 ring-brand-600",
        isDragging && "opacity-40",
      )}
      {...(readOnly ? {} : { onPointerDown: listeners?.onPointerDown as React.PointerEventHandler, onTouchStart: listeners?.onTouchStart as React.TouchEventHandler })}
    >
      <div className="flex items-center gap-1.5">
        <button
          type="button"
          onClick={() => onOpen(card.tool, card.key)}
          className="min-w-0 flex-1 text-left hover:underline"
          title={`Edit the rule of ${label}`}
          aria-label={label}
        >
          <span className="block truncate font-mono text-xs font-semibold text-zinc-900">{card.key}</span>
          <span className="block truncate font-mono text-[10px] leading-3 text-zinc-500">{card.tool}</span>
        </button>
        {!readOnly && <DragHandle label={label} setRef={setActivatorNodeRef} attributes={attributes} onKeyDown={listeners?.onKeyDown as React.KeyboardEventHandler} />}
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-1">
        {card.risk && <RiskBadge category={card.risk.category} level={card.risk.level} className="px-1.5 py-0 text-[11px]" />}
        {group && (
          <span className={CHIP} title={card.members.join(", ") || "no operation of the inventory matches"}>
            {card.members.length === 1 ? card.members[0] : `${card.members.length} operations`}
          </span>
        )}
        {words.map((w) => (
          <span key={w} className={CHIP}>
            {w}
          </span>
        ))}
      </div>
    </li>
  );
});
