import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { newToken } from "../auth/tokens";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import type { Role } from "../auth/permissions";
import { pageArgs, toPage, type KeyValue } from "../api/pagination";
import { NEWEST_FIRST } from "../validation/lists";

const PUBLIC_FIELDS = { id: true, name: true, prefix: true, role: true, lastUsedAt: true, revokedAt: true, createdAt: true } as const;

/** Creates an organization API key. The key itself is returned once and never stored. */
export async function createApiKey(db: Db, actor: Actor, orgId: string, name: string, role: Role = "admin") {
  const { token, prefix, hash } = newToken("tgk");
  const key = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { orgId, name, role, prefix, keyHash: hash, createdById: actor.type === "user" ? actor.id : null },
      select: PUBLIC_FIELDS,
    });
    await recordAdminChange(tx, actor, { orgId, action: "api_key.created", targetType: "api_key", targetId: created.id, details: { name, role, prefix } });
    return created;
  });
  return { ...key, key: token };
}

/** A page of the organization's keys (revoked ones too), newest first; never the secrets. */
export async function listApiKeys(db: Db, orgId: string, q: { limit: number; cursor?: KeyValue[] }) {
  const rows = await db.apiKey.findMany({ ...pageArgs({ orgId }, NEWEST_FIRST, q), select: PUBLIC_FIELDS });
  return toPage(rows, q.limit, (k) => [k.createdAt, k.id]);
}

export async function revokeApiKey(db: Db, actor: Actor, orgId: string, id: string) {
  await db.$transaction(async (tx) => {
    const r = await tx.apiKey.updateMany({ where: { id, orgId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (r.count === 0) throw new ApiError("not_found", "no active API key with this id");
    await recordAdminChange(tx, actor, { orgId, action: "api_key.revoked", targetType: "api_key", targetId: id });
  });
}
