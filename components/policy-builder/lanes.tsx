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
import { LANES, LANE_TITLES, type Lane, type LaneView, type ToolCard } from "./model";

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
const laneOfId = (id: unknown): Lane | null => (typeof id === "string" && id.startsWith("lane:") ? (id.slice(5) as Lane) : null);

/** Arrow keys carry a picked-up card to the previous or next lane instead of 25 px at a time. */
const laneKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context, currentCoordinates }) => {
  const step = event.code === "ArrowRight" || event.code === "ArrowDown" ? 1 : event.code === "ArrowLeft" || event.code === "ArrowUp" ? -1 : 0;
  if (step === 0) return undefined;
  event.preventDefault();
  const fromData = context.active?.data.current as { lane?: Lane } | undefined;
  const current = laneOfId(context.over?.id) ?? fromData?.lane ?? "allow";
  const next = LANES[Math.min(LANES.length - 1, Math.max(0, LANES.indexOf(current) + step))];
  const rect = context.droppableRects.get(laneId(next));
  const size = context.collisionRect;
  if (!rect || !size) return currentCoordinates;
  return { x: rect.left + Math.max(4, (rect.width - size.width) / 2), y: rect.top + 40 };
};

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

/** The pointer decides where it is over; the keyboard (no pointer) by the card's rectangle. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

export interface LanesProps {
  view: LaneView;
  visible: (card: ToolCard) => boolean;
  selected: ReadonlySet<string>;
  onSelect: (names: string[], on: boolean) => void;
  onMove: (names: string[], lane: Lane) => void;
  onOpen: (name: string) => void;
  readOnly: boolean;
  highlight: string | null;
  errorsByTool: Map<string, string[]>;
  defaultLane: Lane;
}

/** The five lanes, each a drop zone, with a card per tool. */
export function Lanes({ view, visible, selected, onSelect, onMove, onOpen, readOnly, highlight, errorsByTool, defaultLane }: LanesProps) {
  const sensors = useSensors(
    useSensor(MouseOrPenSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 180, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: laneKeyboardCoordinates }),
  );
  const [active, setActive] = useState<{ name: string; count: number } | null>(null);
  const anchor = useRef<string | null>(null);

  const movingWith = useCallback((name: string) => (selected.has(name) ? [...selected] : [name]), [selected]);

  const announcements: Announcements = useMemo(() => {
    const what = (id: unknown) => {
      const name = String(id).replace(/^card:/, "");
      const n = selected.has(name) ? selected.size : 1;
      return n > 1 ? `${name} and ${n - 1} other selected tools` : name;
    };
    const where = (id: unknown) => {
      const lane = laneOfId(id);
      return lane ? `the ${LANE_TITLES[lane]} lane` : "no lane";
    };
    return {
      onDragStart: ({ active }) => `Picked up ${what(active.id)}. Use the arrow keys to choose a lane, space to drop, escape to cancel.`,
      onDragOver: ({ active, over }) => `${what(active.id)} is over ${where(over?.id)}.`,
      onDragEnd: ({ active, over }) => (over ? `${what(active.id)} moved to ${where(over.id)}.` : `${what(active.id)} was dropped outside the lanes: nothing changed.`),
      onDragCancel: ({ active }) => `Moving ${what(active.id)} was cancelled: nothing changed.`,
    };
  }, [selected]);

  function start(e: DragStartEvent) {
    const name = String(e.active.id).replace(/^card:/, "");
    setActive({ name, count: movingWith(name).length });
  }

  function end(e: DragEndEvent) {
    setActive(null);
    const lane = laneOfId(e.over?.id);
    if (!lane) return;
    const name = String(e.active.id).replace(/^card:/, "");
    performance.mark("policy-builder:drop");
    onMove(movingWith(name), lane);
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
            cards={view.byLane[lane]}
            visible={visible}
            selected={selected}
            onToggle={toggle}
            onOpen={onOpen}
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
  cards,
  visible,
  selected,
  onToggle,
  onOpen,
  readOnly,
  highlight,
  errorsByTool,
  isDefault,
}: {
  lane: Lane;
  cards: ToolCard[];
  visible: (c: ToolCard) => boolean;
  selected: ReadonlySet<string>;
  onToggle: (card: ToolCard, on: boolean, shift: boolean) => void;
  onOpen: (name: string) => void;
  readOnly: boolean;
  highlight: string | null;
  errorsByTool: Map<string, string[]>;
  isDefault: boolean;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: laneId(lane), disabled: readOnly });
  const shown = cards.filter(visible);
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
    >
      <header className="flex items-start justify-between gap-2 px-3 pt-2.5 pb-2">
        <div className="min-w-0">
          <h3 id={titleId} className={cn("flex items-center gap-1.5 text-sm font-semibold", style.head)}>
            <span className={cn("size-2 rounded-full", style.dot)} aria-hidden />
            {LANE_TITLES[lane]}
          </h3>
          <p className="mt-0.5 text-xs leading-4 text-zinc-500">{LANE_HINTS[lane]}</p>
        </div>
        <span className="mt-0.5 rounded-full bg-white px-1.5 text-xs font-medium text-zinc-600 tabular-nums ring-1 ring-zinc-200" aria-label={`${shown.length} of ${cards.length} tools shown`}>
          {shown.length === cards.length ? cards.length : `${shown.length}/${cards.length}`}
        </span>
      </header>
      <ul className="flex max-h-[30rem] flex-1 flex-col gap-1.5 overflow-y-auto px-2 pb-2" aria-label={`Tools in ${LANE_TITLES[lane]}`}>
        {shown.slice(0, limit).map((card) => (
          <ToolCardItem
            key={card.name}
            card={card}
            selected={selected.has(card.name)}
            onToggle={onToggle}
            onOpen={onOpen}
            readOnly={readOnly}
            highlighted={highlight === card.name}
            errors={errorsByTool.get(card.name)}
          />
        ))}
        {shown.length === 0 && (
          <li className="rounded-md border border-dashed border-zinc-300 px-2 py-4 text-center text-xs text-zinc-500">
            {cards.length ? "No tool here matches the filter" : isDefault ? "Unlisted tools land here" : "Drop tools here"}
          </li>
        )}
      </ul>
    </section>
  );
}

/** What a card says about its rule, in a few words. */
function ruleSummary(card: ToolCard): string[] {
  const out: string[] = [];
  const r = card.rule;
  if (card.source === "default") out.push("by default");
  if (card.source === "pattern" && card.via) out.push(`via ${card.via}`);
  if (card.source === "category" && card.via) out.push(`via ${card.via} rule`);
  if (card.source === "hide" && r) out.push("rule kept");
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

/**
 * A card: a thin draggable wrapper (dnd-kit re-renders every draggable when the lane under the
 * pointer changes) around a memoised body, so that a drag over 500 cards stays cheap.
 */
interface CardProps {
  card: ToolCard;
  selected: boolean;
  onToggle: (card: ToolCard, on: boolean, shift: boolean) => void;
  onOpen: (name: string) => void;
  readOnly: boolean;
  errors?: string[];
}

const ToolCardItem = memo(function ToolCardItem({ card, selected, onToggle, onOpen, readOnly, highlighted, errors }: CardProps & { highlighted: boolean }) {
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
        "group relative rounded-md bg-white px-2 py-1.5 shadow-xs ring-1 ring-zinc-200 ring-inset touch-manipulation select-none",
        inherited && "bg-zinc-50",
        selected && "bg-brand-50 ring-brand-300",
        highlighted && "ring-2 ring-brand-600",
        errors && "ring-2 ring-red-400",
        isDragging && "opacity-40",
      )}
      {...(readOnly ? {} : { onPointerDown: listeners?.onPointerDown as React.PointerEventHandler, onTouchStart: listeners?.onTouchStart as React.TouchEventHandler })}
    >
      <CardBody
        card={card}
        selected={selected}
        onToggle={onToggle}
        onOpen={onOpen}
        readOnly={readOnly}
        errors={errors}
        handle={
          readOnly ? null : (
            <button
              type="button"
              ref={setActivatorNodeRef}
              {...attributes}
              onKeyDown={listeners?.onKeyDown as React.KeyboardEventHandler}
              aria-label={`Move ${card.name}`}
              className="-mr-1 shrink-0 cursor-grab rounded px-1 py-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 focus-visible:text-zinc-800 active:cursor-grabbing"
            >
              <span aria-hidden className="block text-xs leading-none tracking-[-0.2em]">⋮⋮</span>
            </button>
          )
        }
      />
    </li>
  );
});

const CardBody = memo(
  function CardBody({ card, selected, onToggle, onOpen, readOnly, errors, handle }: CardProps & { handle: React.ReactNode }) {
    const summary = ruleSummary(card);
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
              <span key={s} className="rounded bg-zinc-100 px-1 text-[11px] text-zinc-600">
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
      </>
    );
  },
  // The handle is a new element on every render of the wrapper; it only carries dnd-kit's
  // attributes (stable while the card is not dragged), so the body ignores it.
  (a, b) => a.card === b.card && a.selected === b.selected && a.onToggle === b.onToggle && a.onOpen === b.onOpen && a.readOnly === b.readOnly && a.errors === b.errors,
);
