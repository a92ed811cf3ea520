import { z } from "zod";

// The frames a connector (`toolgate connect`) and Toolgate's hub exchange over one WebSocket,
// each a JSON text message. A channel (`ch`) is one stdio server process on the connector's
// machine; the hub opens one per client session (or one for a shared server).
//
//   connector → hub: hello, opened, failed, msg, log, exit
//   hub → connector: welcome, open, msg, close
//
// Each side validates every frame it receives against the schemas below and drops the ones that
// do not match: a peer (a key holder, or a hub answering on the URL given) must never be able to
// make the other side throw. Strings are capped so that nothing a peer sends grows unbounded in
// memory, logs or close reasons; `msg` data (a JSON-RPC message) is bounded by the WebSocket's
// maximum payload.
export const CONNECT_PATH = "/connect";
export const PROTOCOL_VERSION = 1;
/** Close code when the key is refused or revoked: the connector stops instead of retrying. */
export const CLOSE_KEY_REFUSED = 4401;
/** Close code when a newer connection of the same server replaced this one. */
export const CLOSE_REPLACED = 4409;
/** Close code for a protocol error (another version, or garbage): the connector stops instead of retrying. */
export const CLOSE_PROTOCOL = 4400;

/** Longest text of a `log` frame, and of `failed` and `exit` messages (longer ones are cut by the sender). */
export const LOG_TEXT_MAX = 128 * 1024;
export const MESSAGE_MAX = 8 * 1024;

const channel = z.string().min(1).max(64);
const pid = z.number().int().nonnegative().nullable();

const hello = z.object({
  t: z.literal("hello"),
  version: z.number().int(),
  command: z.string().max(4096),
  args: z.array(z.string().max(4096)).max(256),
  hostname: z.string().max(255),
});

export const connectorFrameSchema = z.discriminatedUnion("t", [
  hello,
  z.object({ t: z.literal("opened"), ch: channel, pid }),
  z.object({ t: z.literal("failed"), ch: channel, message: z.string().max(MESSAGE_MAX) }),
  z.object({ t: z.literal("msg"), ch: channel, data: z.string() }),
  z.object({ t: z.literal("log"), ch: channel, stream: z.enum(["stderr", "stdout", "event"]), text: z.string().max(LOG_TEXT_MAX), pid }),
  z.object({ t: z.literal("exit"), ch: channel, code: z.number().int().nullable(), signal: z.string().max(32).nullable(), message: z.string().max(MESSAGE_MAX) }),
]);

export const hubFrameSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("welcome"), serverId: z.string().max(200), serverName: z.string().max(500) }),
  z.object({ t: z.literal("open"), ch: channel }),
  z.object({ t: z.literal("msg"), ch: channel, data: z.string() }),
  z.object({ t: z.literal("close"), ch: channel }),
]);

export type ConnectorFrame = z.infer<typeof connectorFrameSchema>;
export type HubFrame = z.infer<typeof hubFrameSchema>;

// A connector of another protocol version may shape its hello differently: its version alone is
// enough to refuse it with a clear reason.
const anyHello = z.object({ t: z.literal("hello"), version: z.number().int() });

function json(raw: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(raw) ? raw.toString("utf8") : String(raw)) as unknown;
  } catch {
    return undefined;
  }
}

/** A frame from a connector, or null when it is not a valid one (garbage, a wrong type, an over-long string). */
export function parseConnectorFrame(raw: unknown): ConnectorFrame | null {
  const value = json(raw);
  const frame = connectorFrameSchema.safeParse(value);
  if (frame.success) return frame.data;
  const other = anyHello.safeParse(value);
  return other.success && other.data.version !== PROTOCOL_VERSION ? { t: "hello", version: other.data.version, command: "", args: [], hostname: "" } : null;
}

/** A frame from the hub, or null when it is not a valid one. */
export function parseHubFrame(raw: unknown): HubFrame | null {
  const frame = hubFrameSchema.safeParse(json(raw));
  return frame.success ? frame.data : null;
}

/** Longest close reason sent: the WebSocket protocol allows 123 bytes (UTF-8); `ws` throws beyond. */
export const CLOSE_REASON_MAX_BYTES = 120;

/** `reason` cut to at most 120 bytes of UTF-8, on a character boundary. */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= CLOSE_REASON_MAX_BYTES) return reason;
  let out = "";
  let bytes = 0;
  for (const char of reason) {
    const n = Buffer.byteLength(char);
    if (bytes + n > CLOSE_REASON_MAX_BYTES - 3) break;
    out += char;
    bytes += n;
  }
  return `${out}…`;
}
