"use client";

import { Alert } from "@/components/ui/alert";
import { useLiveServer } from "./connector";
import { ConnectorPanel } from "./connector-keys";
import { LogsPanel } from "./logs-panel";
import { ProcessesPanel } from "./processes-panel";
import type { Server } from "./types";

/** The Processes & logs tab of a command or connector server. */
export function ServerRuntime({ initial, publicUrl, canWrite }: { initial: Server; publicUrl: string; canWrite: boolean }) {
  const server = useLiveServer(initial.id, initial, initial.kind === "connector").data ?? initial;
  return (
    <div className="space-y-6">
      {server.kind === "connector" && <ConnectorPanel server={server} publicUrl={publicUrl} canWrite={canWrite} />}
      <ProcessesPanel server={server} canWrite={canWrite} />
      {canWrite ? (
        <LogsPanel serverId={server.id} />
      ) : (
        <Alert tone="info">Only admins can read this server’s logs: a program may print what it should not on stderr.</Alert>
      )}
    </div>
  );
}
