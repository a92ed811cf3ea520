import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { newToken } from "../auth/tokens";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import { publishPolicy } from "../policies/publish";
import { pageArgs, toPage, type KeyValue } from "../api/pagination";
import { NEWEST_FIRST } from "../validation/lists";
import { gatewayUrl } from "./snippets";
import { GRANT_CREATED_FIELDS } from "./grants";

/** A page of grants, newest first, with when each was last used and its calls in the last 24 hours (from the audit log). */
export async function listGrants(db: Db, orgId: string, q: { limit: number; cursor?: KeyValue[]; serverId?: string; active?: boolean }) {
  const rows = await db.grant.findMany({
    ...pageArgs(
      { orgId, ...(q.serverId ? { serverId: q.serverId } : {}), ...(q.active === true ? { revokedAt: null } : q.active === false ? { revokedAt: { not: null } } : {}) },
      NEWEST_FIRST,
      q,
    ),
    select: { id: true, label: true, serverId: true, policyId: true, tokenPrefix: true, metadata: true, createdAt: true, revokedAt: true, server: { select: { name: true } } },
  });
  const { items: grants, nextCursor } = toPage(rows, q.limit, (g) => [g.createdAt, g.id]);
  if (grants.length === 0) return { items: [], nextCursor };
  const since = new Date(Date.now() - 86_400_000);
  const ids = grants.map((g) => g.id);
  const [usage, recent] = await Promise.all([
    db.auditEvent.groupBy({ by: ["grantId"], where: { orgId, grantId: { in: ids } }, _max: { time: true } }),
    db.auditEvent.groupBy({ by: ["grantId", "decision"], where: { orgId, grantId: { in: ids }, time: { gte: since } }, _count: { _all: true } }),
  ]);
  const items = grants.map(({ server, ...g }) => {
    const mine = recent.filter((r) => r.grantId === g.id);
    return {
      ...g,
      serverName: server.name,
      lastUsedAt: usage.find((u) => u.grantId === g.id)?._max.time ?? null,
      calls24h: mine.reduce((n, r) => n + r._count._all, 0),
      denied24h: mine.filter((r) => r.decision !== "allow").reduce((n, r) => n + r._count._all, 0),
    };
  });
  return { items, nextCursor };
}

/** A new token for the grant (returned once, with the gateway URL, as at creation); the old one stops working on the next request. */
export async function rotateGrant(db: Db, actor: Actor, orgId: string, grantId: string) {
  const { token, prefix, hash } = newToken("tgg");
  const grant = await db.$transaction(async (tx) => {
    const r = await tx.grant.updateMany({ where: { id: grantId, orgId, revokedAt: null }, data: { tokenHash: hash, tokenPrefix: prefix } });
    if (r.count === 0) throw new ApiError("not_found", "no active grant with this id");
    await recordAdminChange(tx, actor, { orgId, action: "grant.rotated", targetType: "grant", targetId: grantId, details: { prefix } });
    return tx.grant.findUniqueOrThrow({ where: { id: grantId }, select: GRANT_CREATED_FIELDS });
  });
  return { ...grant, token, gatewayUrl: gatewayUrl(grant.serverId) };
}

/** Gives a grant its own policy (a document to publish, or an existing policy id), or null for the server's. */
export async function setGrantPolicy(db: Db, actor: Actor, orgId: string, grantId: string, input: { policy?: unknown; policyId?: string | null }) {
  const grant = await db.grant.findFirst({ where: { id: grantId, orgId } });
  if (!grant) throw new ApiError("not_found", "no grant with this id");
  let policyId = input.policyId ?? null;
  if (input.policy !== undefined) {
    policyId = (await publishPolicy(db, actor, orgId, { policyId: grant.policyId ?? undefined, name: `grant ${grant.label} (${grant.id})`, document: input.policy, serverId: grant.serverId })).policyId;
  } else if (policyId && !(await db.policy.findFirst({ where: { id: policyId, orgId } }))) {
    throw new ApiError("not_found", "no policy with this id");
  }
  await db.$transaction(async (tx) => {
    await tx.grant.update({ where: { id: grant.id }, data: { policyId } });
    await recordAdminChange(tx, actor, { orgId, action: "grant.policy_set", targetType: "grant", targetId: grant.id, details: { policyId } });
  });
  return { id: grant.id, policyId };
}
