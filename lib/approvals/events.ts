import { EventEmitter } from "node:events";

// In-process events about approval requests, so that whatever notifies people (the webhook
// sender) hears of them without the gateway knowing it exists. Kept on globalThis: the custom
// server and Next's bundled route handlers load this module separately in one process.
export interface ApprovalEventMap {
  /** A new request was created by the gateway (the replica that created it emits it). */
  requested: [{ approvalId: string; orgId: string }];
  /** A request was approved or denied (through the dashboard or the API). */
  decided: [{ approvalId: string; orgId: string; status: "approved" | "denied" }];
}

const g = globalThis as unknown as { __toolgateApprovalEvents?: EventEmitter<ApprovalEventMap> };

export function approvalEvents(): EventEmitter<ApprovalEventMap> {
  g.__toolgateApprovalEvents ??= new EventEmitter<ApprovalEventMap>();
  return g.__toolgateApprovalEvents;
}
