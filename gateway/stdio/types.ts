// Shared shapes of the stdio host: what a command or connector server is started with, and the
// channel its JSON-RPC messages travel on (a local child process, or a connector's socket).

export interface LaunchSpec {
  serverId: string;
  orgId: string;
  kind: "command" | "connector";
  /** Command servers: the executable and its arguments. */
  command: string | null;
  args: string[];
  cwd: string | null;
  /** Decrypted environment variables for the process. */
  env: Record<string, string>;
  /** One process per client session, or one shared by every session of the server. */
  mode: "session" | "shared";
  idleTimeoutMs: number;
  maxProcesses: number;
}

export interface ChannelExit {
  code: number | null;
  signal: string | null;
  /** What happened, in words fit for the agent and the dashboard. */
  message: string;
}

/** A running stdio MCP server: newline-delimited JSON-RPC messages in both directions. */
export interface MessageChannel {
  /** Process id where known (a connector reports its child's). */
  readonly pid: number | null;
  /** Sends one JSON-RPC message (serialized, without the newline). */
  send(message: string): void;
  onMessage(listener: (message: string) => void): void;
  onExit(listener: (exit: ChannelExit) => void): void;
  /** Stops the process (TERM, then KILL after a grace period; KILL at once with `now`). */
  close(now?: boolean): void;
}

export type LogStream = "stderr" | "stdout" | "event";

/** Where a channel reports its stderr and lifecycle. */
export type LogSink = (stream: LogStream, text: string, pid: number | null) => void;

/** Starts stdio servers: a local spawner for command servers, the connector hub for connector servers. */
export interface ChannelOpener {
  open(spec: LaunchSpec, log: LogSink): Promise<MessageChannel>;
}

/** Raised when a process cannot be started; the message is shown to the agent as is. */
export class LaunchError extends Error {
  constructor(
    message: string,
    public readonly reason: "not_allowed" | "not_found" | "capacity" | "offline" | "failed",
  ) {
    super(message);
    this.name = "LaunchError";
  }
}
