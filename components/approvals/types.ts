import type { RiskLevel } from "@/gateway/risk/types";

// An approval request as /api/v1/approvals answers it (dates as ISO strings).
export type ApprovalStatus = "pending" | "approved" | "denied" | "expired" | "used";

export interface ApprovalRow {
  id: string;
  status: ApprovalStatus;
  tool: string;
  args: unknown;
  argsDigest: string;
  server: { id: string; name: string };
  grant: { id: string; label: string };
  risk: { category: string; level: RiskLevel } | null;
  rulePointer: string | null;
  policyVersion: number | null;
  requestedAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: { type: "user" | "api_key" | "unknown"; id: string; name: string | null; email: string | null } | null;
  comment: string | null;
  usedAt: string | null;
  auditEventIds: string[];
  /** Emails the rule names as approvers, besides admins and policy managers. */
  approvers: string[];
  /** Whether the signed-in person may approve or deny it now. */
  canDecide: boolean;
}

export interface ApprovalFilters {
  status: string;
  serverId: string;
  grantId: string;
  tool: string;
}

export const STATUS_LABELS: Record<ApprovalStatus, string> = {
  pending: "Pending",
  approved: "Approved",
  denied: "Denied",
  expired: "Expired",
  used: "Approved · used",
};

/** Who may decide a request: "Admins and policy managers", or "Admins, policy managers, and alice@x.com". */
export function whoMayDecide(approvers: readonly string[]): string {
  return new Intl.ListFormat("en", { type: "conjunction" }).format(["Admins", "policy managers", ...approvers]);
}

/** Who decided: "Ada (ada@example.com)", or with `short` just "Ada" when they have a name. */
export function deciderName(d: ApprovalRow["decidedBy"], opts: { short?: boolean } = {}): string {
  if (!d) return "someone";
  if (d.type === "api_key") return `API key “${d.name}”`;
  if (d.type === "user") return d.name ? (opts.short ? d.name : `${d.name} (${d.email})`) : (d.email ?? d.id);
  return d.name ?? d.id;
}
