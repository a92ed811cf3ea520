import type { Db } from "../db/client";
import { ApiError } from "../api/errors";
import { newToken } from "../auth/tokens";
import { recordAdminChange, type Actor } from "../admin-audit/record";

// Keys a connector presents (`toolgate connect --key tgc_…`): one server each, shown once,
// stored as SHA-256 with a visible prefix, revocable.
const KEY_FIELDS = { id: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

async function connectorServer(db: Pick<Db, "server">, orgId: string, serverId: string) {
  const s = await db.server.findFirst({ where: { id: serverId, orgId }, select: { id: true, kind: true } });
  if (!s) throw new ApiError("not_found", "no server with this id");
  if (s.kind !== "connector") throw new ApiError("bad_request", "this server is not a connector server: only connector servers have connector keys");
  return s;
}

export async function createConnectorKey(db: Db, actor: Actor, orgId: string, serverId: string) {
  await connectorServer(db, orgId, serverId);
  const { token, prefix, hash } = newToken("tgc");
  const key = await db.$transaction(async (tx) => {
    const k = await tx.connectorKey.create({ data: { orgId, serverId, prefix, hash, createdById: actor.type === "user" ? actor.id : null }, select: KEY_FIELDS });
    await recordAdminChange(tx, actor, { orgId, action: "connector_key.created", targetType: "server", targetId: serverId, details: { keyId: k.id, prefix } });
    return k;
  });
  return { key, secret: token };
}

export async function listConnectorKeys(db: Db, orgId: string, serverId: string) {
  await connectorServer(db, orgId, serverId);
  return db.connectorKey.findMany({ where: { orgId, serverId }, select: KEY_FIELDS, orderBy: { createdAt: "desc" } });
}

/** Revokes a key; the caller also ends a live connection using it (see ConnectorHub.disconnectKey). */
export async function revokeConnectorKey(db: Db, actor: Actor, orgId: string, serverId: string, keyId: string) {
  await db.$transaction(async (tx) => {
    const r = await tx.connectorKey.updateMany({ where: { id: keyId, orgId, serverId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (r.count === 0) {
      const exists = await tx.connectorKey.findFirst({ where: { id: keyId, orgId, serverId }, select: { id: true } });
      if (!exists) throw new ApiError("not_found", "no connector key with this id");
      return; // already revoked: idempotent
    }
    await recordAdminChange(tx, actor, { orgId, action: "connector_key.revoked", targetType: "server", targetId: serverId, details: { keyId } });
  });
}
