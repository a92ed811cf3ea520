import type { ConnectorAuthority } from "../../gateway/stdio/connector-hub";
import { hashToken } from "../auth/tokens";
import type { Db } from "../db/client";

/** Connector keys and heartbeats in PostgreSQL, for the hub. */
export class PrismaConnectorAuthority implements ConnectorAuthority {
  constructor(private readonly db: Db) {}

  async verify(key: string) {
    if (!key.startsWith("tgc_")) return null;
    const k = await this.db.connectorKey.findUnique({ where: { hash: hashToken(key) }, include: { server: { select: { id: true, orgId: true, name: true, kind: true } } } });
    if (!k || k.revokedAt || k.server.kind !== "connector") return null;
    await this.db.connectorKey.update({ where: { id: k.id }, data: { lastUsedAt: new Date() } });
    return { keyId: k.id, serverId: k.server.id, orgId: k.server.orgId, serverName: k.server.name };
  }

  async stillValid(keyId: string) {
    const k = await this.db.connectorKey.findUnique({ where: { id: keyId }, select: { revokedAt: true, server: { select: { kind: true } } } });
    return !!k && !k.revokedAt && k.server.kind === "connector";
  }

  async seen(serverId: string, at: Date) {
    await this.db.server.updateMany({ where: { id: serverId }, data: { connectorSeenAt: at } });
  }

  /**
   * Lists the tools when a connector comes online: the command it runs is chosen on its machine
   * and may differ from last time. In the background; a failure is kept in lastSyncError.
   */
  connected(serverId: string) {
    setImmediate(async () => {
      try {
        const s = await this.db.server.findUnique({ where: { id: serverId }, select: { orgId: true } });
        if (!s) return;
        const { syncServerTools } = await import("../servers/sync-tools");
        await syncServerTools(this.db, { type: "system", id: null, label: "connector" }, s.orgId, serverId);
      } catch {
        /* recorded by syncServerTools in lastSyncError */
      }
    });
  }
}
