import http from "node:http";
import https from "node:https";

// Requests to upstream MCP servers over keep-alive connection pools (one per protocol):
// measured, http.request with a keep-alive agent costs a fraction of global fetch per call.
const agentOptions = { keepAlive: true, keepAliveMsecs: 15_000, maxSockets: 512, maxFreeSockets: 64, scheduling: "lifo" as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);

const parsedUrls = new WeakMap<object, URL>();

/**
 * The server's URL, parsed once per loaded configuration (configurations are cached objects,
 * replaced when they change) rather than on every call. Callers must not modify it.
 */
export function upstreamUrl(server: { url: string }): URL {
  let url = parsedUrls.get(server);
  if (url === undefined) {
    url = new URL(server.url);
    parsedUrls.set(server, url);
  }
  return url;
}

export class UpstreamError extends Error {
  constructor(
    public kind: "timeout" | "unreachable" | "aborted",
    message: string,
    /** The request never left: refused, unresolvable, reset before it was written. The server cannot have run it. */
    public notSent = false,
  ) {
    super(message);
  }
}

export interface UpstreamRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  /** Time allowed until the response headers arrive. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export function sendUpstream(r: UpstreamRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = r.url.protocol === "https:";
    const req = (secure ? https : http).request(r.url, {
      method: r.method,
      headers: r.body === undefined ? r.headers : { ...r.headers, "content-length": String(Buffer.byteLength(r.body)) },
      agent: secure ? httpsAgent : httpAgent,
    });
    const timer = setTimeout(() => {
      req.destroy(new UpstreamError("timeout", `the upstream server did not answer within ${Math.round(r.timeoutMs / 1000)} s`));
    }, r.timeoutMs);
    const onAbort = () => req.destroy(new UpstreamError("aborted", "the client went away"));
    // Written whole to the socket: from then on the server may have received and run it.
    let written = false;
    req.once("finish", () => (written = true));
    r.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("response", (res) => {
      clearTimeout(timer);
      r.signal?.removeEventListener("abort", onAbort);
      resolve(res);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      r.signal?.removeEventListener("abort", onAbort);
      reject(err instanceof UpstreamError ? err : new UpstreamError("unreachable", describeNetworkError(err as NodeJS.ErrnoException, r.url), !written));
    });
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}

function describeNetworkError(err: NodeJS.ErrnoException, url: URL): string {
  const where = url.host;
  switch (err.code) {
    case "ECONNREFUSED":
      return `the upstream server at ${where} refused the connection`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the upstream host ${url.hostname} could not be resolved`;
    case "ECONNRESET":
    case "EPIPE":
      return `the upstream server at ${where} closed the connection`;
    case "ETIMEDOUT":
      return `the connection to ${where} timed out`;
    default:
      return `cannot reach the upstream server at ${where}: ${err.code ?? err.message}`;
  }
}

/** Reads a whole upstream body, up to a cap. */
export async function readUpstreamBody(res: http.IncomingMessage, limitBytes: number, deadline: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const timer = setTimeout(() => res.destroy(new UpstreamError("timeout", "the upstream server did not finish its answer in time")), Math.max(0, deadline - Date.now()));
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw new UpstreamError("unreachable", `the upstream answer is larger than ${limitBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks, size);
}
