import { Badge } from "@/components/ui/badge";
import { DECISION_LABELS } from "@/lib/client/audit";

const TONES: Record<string, "green" | "red" | "neutral" | "amber" | "brand"> = {
  allow: "green",
  deny: "red",
  hide: "neutral",
  require_approval: "amber",
  rate_limited: "brand",
};

export function DecisionBadge({ decision }: { decision: string }) {
  return <Badge tone={TONES[decision] ?? "neutral"}>{DECISION_LABELS[decision] ?? decision}</Badge>;
}
