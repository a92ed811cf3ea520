import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { evaluate, compilePolicy, validatePolicy, type RiskCategory, type RiskLevel } from "../../gateway/policy";
import type { Actor } from "../admin-audit/record";
import { getServerOrThrow } from "../servers/queries";
import { publishPolicy } from "./publish";
import { setServerPolicy } from "../servers/create-server";
import { pageArgs, toPage, type KeyValue } from "../api/pagination";
import { VERSION_ORDER } from "../validation/lists";

export async function getServerPolicy(db: Db, orgId: string, serverId: string) {
  const server = await getServerOrThrow(db, orgId, serverId);
  if (!server.policyId) return { policyId: null, name: null, version: null, document: null, publishedAt: null, message: null };
  const policy = await db.policy.findUniqueOrThrow({ where: { id: server.policyId } });
  const v = policy.currentVersion ? await db.policyVersion.findUnique({ where: { policyId_version: { policyId: policy.id, version: policy.currentVersion } } }) : null;
  return { policyId: policy.id, name: policy.name, version: v?.version ?? null, document: v?.document ?? null, publishedAt: v?.createdAt ?? null, message: v?.message ?? null };
}

/** Publishes a new version of the server's policy (creating and attaching it the first time). */
export async function putServerPolicy(db: Db, actor: Actor, orgId: string, serverId: string, document: unknown, message?: string, baseVersion?: number | null) {
  const server = await getServerOrThrow(db, orgId, serverId);
  const published = await publishPolicy(db, actor, orgId, { policyId: server.policyId ?? undefined, name: `${server.name} policy (${server.id})`, document, message, baseVersion });
  if (!server.policyId) await setServerPolicy(db, actor, orgId, serverId, published.policyId);
  return published;
}

/** A page of the published versions of the server's policy, newest first. */
export async function listPolicyVersions(db: Db, orgId: string, serverId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const server = await getServerOrThrow(db, orgId, serverId);
  if (!server.policyId) return { items: [], nextCursor: null };
  const rows = await db.policyVersion.findMany({
    ...pageArgs({ policyId: server.policyId }, VERSION_ORDER, q),
    select: { version: true, message: true, createdById: true, createdAt: true, document: true },
  });
  return toPage(rows, q.limit, (v) => [v.version]);
}

/** What the gateway would decide for a call, with the given draft or the published policy. */
export async function simulateCall(
  db: Db,
  orgId: string,
  serverId: string,
  input: { policy?: unknown; call: { tool: string; args?: Record<string, unknown> }; grant?: { label?: string; metadata?: Record<string, unknown> } },
) {
  const doc = input.policy !== undefined ? input.policy : (await getServerPolicy(db, orgId, serverId)).document;
  if (doc === null || doc === undefined) throw new ApiError("bad_request", "this server has no published policy: pass one as `policy`");
  const checked = validatePolicy(doc);
  if (!checked.ok) throw new ApiError("validation_failed", `the policy is invalid: ${checked.errors[0].path || "/"}: ${checked.errors[0].message}`, { errors: checked.errors });
  const tool = await db.tool.findFirst({ where: { serverId, name: input.call.tool, removedAt: null } });
  const decision = evaluate(compilePolicy(checked.policy), { tool: input.call.tool, args: input.call.args ?? {} }, {
    grant: { id: "gnt_simulated", label: input.grant?.label ?? "simulated", metadata: input.grant?.metadata ?? {} },
    session: { id: "simulated", call_count: 0, tool_counts: {}, category_counts: {} },
    server: { id: serverId },
    org: { id: orgId },
    tool: tool
      ? { category: tool.riskCategory as RiskCategory, level: tool.riskLevel as RiskLevel, inputSchema: (tool.inputSchema ?? undefined) as Record<string, unknown> | undefined }
      : undefined,
  });
  return {
    effect: decision.effect,
    rule: decision.rule,
    message: decision.message,
    reason: decision.reason,
    limits: decision.limits.map((l) => ({ counter: l.counter, window: l.window, max: l.max, scope: l.scope, cost: l.cost, rule: l.rule })),
    approval: decision.approval ?? null,
    knownTool: !!tool,
  };
}
