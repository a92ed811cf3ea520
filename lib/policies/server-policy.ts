import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { evaluate, compilePolicy, validatePolicy, type RiskCategory, type RiskLevel } from "../../gateway/policy";
import type { Actor } from "../admin-audit/record";
import { getServerOrThrow } from "../servers/queries";
import { publishPolicy } from "./publish";
import { validateForServer, validOrThrow } from "./validate";
import { setServerPolicy } from "../servers/create-server";
import { pendingReview as pendingReviewDecision } from "../../gateway/enforce/decide-call";
import { pendingDetails } from "../servers/pending-review";
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
  const published = await publishPolicy(db, actor, orgId, { policyId: server.policyId ?? undefined, name: `${server.name} policy (${server.id})`, document, message, baseVersion, serverId });
  if (!server.policyId) await setServerPolicy(db, actor, orgId, serverId, published.policyId);
  return published;
}

/** Who published a version, as people recognise them: a person, or an API key by its prefix. */
export type VersionAuthor = { type: "user" | "api_key" | "system"; id: string | null; name: string | null; email: string | null };

/** A page of the published versions of the server's policy, newest first, each with its author. */
export async function listPolicyVersions(db: Db, orgId: string, serverId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const server = await getServerOrThrow(db, orgId, serverId);
  if (!server.policyId) return { items: [], nextCursor: null };
  const rows = await db.policyVersion.findMany({
    ...pageArgs({ policyId: server.policyId }, VERSION_ORDER, q),
    select: { version: true, message: true, createdById: true, createdAt: true, document: true },
  });
  const page = toPage(rows, q.limit, (v) => [v.version]);
  const authors = await versionAuthors(db, orgId, server.policyId, page.items);
  return { items: page.items.map((v) => ({ ...v, author: authors.get(v.version) ?? null })), nextCursor: page.nextCursor };
}

/**
 * Authors from the admin log, written in the same transaction as each version (it knows API
 * keys too, which PolicyVersion.createdById does not), then named from users and keys.
 */
async function versionAuthors(db: Db, orgId: string, policyId: string, versions: { version: number; createdById: string | null }[]) {
  const out = new Map<number, VersionAuthor>();
  if (versions.length === 0) return out;
  const numbers = versions.map((v) => v.version);
  const published = await db.adminAuditLog.findMany({
    where: { orgId, action: "policy.published", targetType: "policy", targetId: policyId, details: { path: ["version"], gte: Math.min(...numbers) } },
    select: { actorType: true, actorId: true, actorLabel: true, details: true },
  });
  const actors = new Map<number, (typeof published)[number]>();
  for (const p of published) {
    const n = (p.details as { version?: unknown } | null)?.version;
    if (typeof n === "number") actors.set(n, p);
  }
  const userIds = new Set<string>();
  const keyIds = new Set<string>();
  for (const v of versions) {
    const a = actors.get(v.version);
    if (a?.actorType === "api_key" && a.actorId) keyIds.add(a.actorId);
    const userId = v.createdById ?? (a?.actorType === "user" ? a.actorId : null);
    if (userId) userIds.add(userId);
  }
  const [users, keys] = await Promise.all([
    userIds.size ? db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, name: true, email: true } }) : [],
    keyIds.size ? db.apiKey.findMany({ where: { id: { in: [...keyIds] }, orgId }, select: { id: true, prefix: true } }) : [],
  ]);
  for (const v of versions) {
    const a = actors.get(v.version);
    const userId = v.createdById ?? (a?.actorType === "user" ? a.actorId : null);
    if (userId) {
      const u = users.find((x) => x.id === userId);
      out.set(v.version, { type: "user", id: userId, name: u?.name ?? null, email: u?.email ?? a?.actorLabel ?? null });
    } else if (a?.actorType === "api_key") {
      const key = keys.find((k) => k.id === a.actorId);
      out.set(v.version, { type: "api_key", id: a.actorId, name: `API key ${key?.prefix ?? a.actorLabel ?? "(deleted)"}`, email: null });
    } else if (a) {
      out.set(v.version, { type: "system", id: a.actorId, name: a.actorLabel, email: null });
    }
  }
  return out;
}

/** What the gateway would decide for a call, with the given draft or the published policy. */
export async function simulateCall(
  db: Db,
  orgId: string,
  serverId: string,
  input: { policy?: unknown; call: { tool: string; args?: Record<string, unknown> }; grant?: { label?: string; metadata?: Record<string, unknown> } },
) {
  const server = await getServerOrThrow(db, orgId, serverId);
  const doc = input.policy !== undefined ? input.policy : (await getServerPolicy(db, orgId, serverId)).document;
  if (doc === null || doc === undefined) throw new ApiError("bad_request", "this server has no published policy: pass one as `policy`");
  // A draft is checked against the server's tools; the published version is simulated as the gateway runs it.
  const policy = input.policy !== undefined ? await validateForServer(db, serverId, doc) : validOrThrow(validatePolicy(doc));
  const tool = await db.tool.findFirst({ where: { serverId, name: input.call.tool, removedAt: null } });
  // As the gateway does (gateway/enforce/decide-call.ts): a tool new or changed since it was
  // last reviewed, on a server that asks for reviews, is denied before any policy is consulted.
  const pendingReview = !!tool && server.reviewChangedTools && tool.reviewedAt === null;
  const pending = pendingReview && tool ? pendingDetails(tool) : null;
  const decision = pending
    ? pendingReviewDecision(input.call.tool, pending.pendingSince, pending.pendingChange)
    : evaluate(compilePolicy(policy), { tool: input.call.tool, args: input.call.args ?? {} }, {
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
    pendingReview,
  };
}
