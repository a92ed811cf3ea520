import { getGateway, runningGateway } from "../gateway/runtime";

// What the dashboard and API need of this process's stdio host and connector hub: the state
// of processes and connectors lives in memory, on the replica that runs them.

/**
 * Stops a server's running processes (its settings changed, or it was deleted: then its log goes
 * too); sessions end with the reason. The cached launch settings are dropped first, so that a
 * session starting now cannot start the old command (the database's change notice may be late).
 */
export async function stopServerProcesses(serverId: string, reason: string, opts: { deleted?: boolean } = {}) {
  const running = runningGateway();
  if (!running) return;
  const gateway = await running;
  gateway.store.forgetServer(serverId);
  gateway.stdio.stopServer(serverId, reason, { forget: opts.deleted });
}

/** Ends a live connection that uses this key (it was revoked). */
export async function disconnectConnectorKey(keyId: string) {
  const running = runningGateway();
  if (!running) return;
  (await running).connectors.disconnectKey(keyId);
}

export interface ConnectorView {
  online: boolean;
  lastSeenAt: string | null;
  command: string | null;
  hostname: string | null;
}

type WithKind = { id: string; kind: string; connectorSeenAt: Date | string | null };

/** Adds `connector` (null for other kinds) to server rows: online here, and the last heartbeat. */
export async function withConnectorStatus<T extends WithKind>(servers: T[]): Promise<(T & { connector: ConnectorView | null })[]> {
  const hub = servers.some((s) => s.kind === "connector") ? (await getGateway()).connectors : null;
  return servers.map((s) => {
    if (s.kind !== "connector" || !hub) return { ...s, connector: null };
    const live = hub.status(s.id);
    const stored = s.connectorSeenAt ? new Date(s.connectorSeenAt).toISOString() : null;
    return { ...s, connector: { online: live.online, lastSeenAt: live.online ? live.lastHeartbeatAt : stored, command: live.command, hostname: live.hostname } };
  });
}

export async function processesOf(serverId: string) {
  return (await getGateway()).stdio.processList(serverId);
}

export async function logsOf(serverId: string, after: number, limit: number) {
  return (await getGateway()).stdio.logs.read(serverId, after, limit);
}

/** Stops one of a server's processes on this replica; false when none runs with that id. */
export async function stopProcess(serverId: string, processId: string) {
  return (await getGateway()).stdio.stopProcess(serverId, processId, "the server process was stopped by an admin; start a new session");
}
