import type { Decision } from "../policy";
import type { ApprovalKey, ApprovalState, ApprovalStore, GrantRecord, PolicyHandle, UpstreamConfig } from "../ports";
import { argsDigest, ruleDigest } from "../approvals/binding";

// A call the policy puts behind a human's approval. Either an approval of exactly this call is
// waiting to be used (it is used, once, and the call goes on), or the agent is told where its
// request stands: pending (with the approval id), denied (with the approver's reason), or new.

export type ApprovalVerdict =
  | { kind: "approved"; approvalId: string }
  | { kind: "pending"; approval: ApprovalState }
  | { kind: "denied"; approval: ApprovalState; decision: Decision };

export interface ApprovalScope {
  grant: GrantRecord;
  server: UpstreamConfig;
  policy: PolicyHandle;
}

export function approvalKey(scope: ApprovalScope, tool: string, args: Record<string, unknown>, decision: Decision): ApprovalKey {
  return {
    orgId: scope.grant.orgId,
    serverId: scope.server.serverId,
    grantId: scope.grant.id,
    tool,
    argsDigest: argsDigest(args),
    ruleDigest: ruleDigest(scope.policy.compiled.document, decision.rule),
    rulePointer: decision.rule,
    policyVersion: scope.policy.version,
  };
}

/** Throws when the approval store cannot be reached: the caller fails closed. */
export async function checkApproval(store: ApprovalStore, key: ApprovalKey, args: Record<string, unknown>, decision: Decision): Promise<ApprovalVerdict> {
  const used = await store.consume(key);
  if (used !== null) return { kind: "approved", approvalId: used };
  const approval = await store.request(key, args, { timeoutSeconds: decision.approval?.timeoutSeconds ?? 1_800, approvers: decision.approval?.approvers ?? [] });
  if (approval.status === "denied") return { kind: "denied", approval, decision: deniedByApprover(decision, approval) };
  return { kind: "pending", approval };
}

function deniedByApprover(decision: Decision, approval: ApprovalState): Decision {
  const reason = approval.comment ? `: ${approval.comment}` : " (no reason given)";
  const message = `a human denied this call (approval ${approval.id})${reason}. Do not retry it unchanged before ${approval.expiresAt.toISOString()}`;
  return { effect: "deny", rule: decision.rule, message, reason: `approval ${approval.id} denied`, limits: [] };
}

/** The decision recorded for a call that runs on a used approval. */
export function approvedDecision(decision: Decision, approvalId: string): Decision {
  const message = `approved by a human (approval ${approvalId})`;
  return { effect: "allow", rule: decision.rule, message, reason: message, limits: decision.limits };
}
