// The frames a connector (`toolgate connect`) and Toolgate's hub exchange over one WebSocket,
// each a JSON text message. A channel (`ch`) is one stdio server process on the connector's
// machine; the hub opens one per client session (or one for a shared server).
//
//   connector → hub: hello, opened, failed, msg, log, exit
//   hub → connector: welcome, open, msg, close
export const CONNECT_PATH = "/connect";
export const PROTOCOL_VERSION = 1;
/** Close code when the key is refused or revoked: the connector stops instead of retrying. */
export const CLOSE_KEY_REFUSED = 4401;
/** Close code when a newer connection of the same server replaced this one. */
export const CLOSE_REPLACED = 4409;

export type ConnectorFrame =
  | { t: "hello"; version: number; command: string; args: string[]; hostname: string }
  | { t: "opened"; ch: string; pid: number | null }
  | { t: "failed"; ch: string; message: string }
  | { t: "msg"; ch: string; data: string }
  | { t: "log"; ch: string; stream: "stderr" | "stdout" | "event"; text: string; pid: number | null }
  | { t: "exit"; ch: string; code: number | null; signal: string | null; message: string };

export type HubFrame =
  | { t: "welcome"; serverId: string; serverName: string }
  | { t: "open"; ch: string }
  | { t: "msg"; ch: string; data: string }
  | { t: "close"; ch: string };

/** Parses a frame, or null when it is not one (a peer speaking another version, or garbage). */
export function parseFrame<T extends { t: string }>(raw: unknown): T | null {
  try {
    const v = JSON.parse(String(raw)) as unknown;
    return typeof v === "object" && v !== null && typeof (v as { t?: unknown }).t === "string" ? (v as T) : null;
  } catch {
    return null;
  }
}
