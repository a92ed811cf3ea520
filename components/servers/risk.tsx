import type { RecommendedLane, RiskLevel } from "@/gateway/risk/types";
import { cn } from "@/components/ui/cn";

// Risk levels in one colour scale, everywhere: low green, medium amber, high orange, critical red.
const LEVEL_TONES: Record<RiskLevel, string> = {
  low: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  medium: "bg-amber-50 text-amber-900 ring-amber-300",
  high: "bg-orange-100 text-orange-900 ring-orange-300",
  critical: "bg-red-600 text-white ring-red-700",
};

const LEVEL_DOTS: Record<RiskLevel, string> = {
  low: "bg-emerald-500",
  medium: "bg-amber-500",
  high: "bg-orange-500",
  critical: "bg-red-600",
};

export const LEVEL_ORDER: Record<RiskLevel, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function RiskBadge({ category, level, className }: { category?: string; level: RiskLevel; className?: string }) {
  return (
    <span
      className={cn("inline-flex shrink-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", LEVEL_TONES[level], className)}
      role="img"
      aria-label={`Risk: ${category ? `${category}, ` : ""}${level}`}
      data-risk-level={level}
    >
      <span className={cn("size-1.5 rounded-full", level === "critical" ? "bg-white" : LEVEL_DOTS[level])} aria-hidden />
      {category ? `${category} · ${level}` : level}
    </span>
  );
}

export const LANE_LABELS: Record<RecommendedLane, string> = {
  allow: "Allow",
  rate_limit: "Rate limit",
  require_approval: "Require approval",
  deny: "Deny",
};

export const LANE_TONES: Record<RecommendedLane, string> = {
  allow: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  rate_limit: "bg-sky-50 text-sky-800 ring-sky-200",
  require_approval: "bg-amber-50 text-amber-900 ring-amber-300",
  deny: "bg-red-50 text-red-700 ring-red-200",
};

export function LaneBadge({ lane }: { lane: RecommendedLane }) {
  return (
    <span className={cn("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", LANE_TONES[lane])}>{LANE_LABELS[lane]}</span>
  );
}

/** Which lane a tool rule of a policy document puts its tool in. */
export function laneOfRule(rule: unknown): RecommendedLane {
  const r = (rule ?? {}) as { action?: string; limits?: unknown[] };
  if (r.action === "deny") return "deny";
  if (r.action === "require_approval") return "require_approval";
  if (Array.isArray(r.limits) && r.limits.length > 0) return "rate_limit";
  return "allow";
}

/** A recommended (or any) tool rule in words: "at most 30 calls a minute per grant; arguments validated". */
export function describeRule(rule: unknown): string {
  const ops = (rule as { operations?: Record<string, unknown> } | null)?.operations;
  if (ops && typeof ops === "object") {
    // A multiplexed tool's rule: one rule per operation; the tool's own fields cover the rest.
    const lanes = Object.values(ops).map(laneOfRule);
    const count = (lane: RecommendedLane) => lanes.filter((l) => l === lane).length;
    const parts = [
      count("allow") && `${count("allow")} allowed`,
      count("rate_limit") && `${count("rate_limit")} rate-limited`,
      count("require_approval") && `${count("require_approval")} behind approval`,
      count("deny") && `${count("deny")} denied`,
    ].filter(Boolean);
    const others = laneOfRule({ ...(rule as object), operations: undefined }) === "deny" ? "other operations denied" : "other operations follow the tool's rule";
    return `Per operation: ${parts.join(", ")}; ${others}`;
  }
  const r = (rule ?? {}) as { action?: string; on_deny?: string; validate_input?: boolean; limits?: { max?: number; window?: string; scope?: string; increment_from?: string }[] };
  const parts: string[] = [];
  if (r.action === "deny") parts.push(r.on_deny ? `denied: “${r.on_deny}”` : "denied");
  if (r.action === "require_approval") parts.push("a person approves each call");
  for (const l of r.limits ?? []) parts.push(l.increment_from ? `at most ${l.max} of ${l.increment_from} a ${l.window} per ${l.scope ?? "grant"}` : `at most ${l.max} calls a ${l.window} per ${l.scope ?? "grant"}`);
  if (r.validate_input) parts.push("arguments checked against the tool's input schema");
  if (parts.length === 0) parts.push("allowed, no conditions");
  const s = parts.join("; ");
  return s[0].toUpperCase() + s.slice(1);
}
