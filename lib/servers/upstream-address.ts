import { lookup } from "node:dns/promises";
import net from "node:net";

// Upstream URLs may not point into private networks (SSRF: a user asking Toolgate to reach an
// internal service or the cloud metadata endpoint) unless the operator allows it. Self-hosted
// installs default to allowing it, so local MCP servers work; set
// TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=false on a shared deployment.
export function privateUpstreamsAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return (env.TOOLGATE_ALLOW_PRIVATE_UPSTREAMS ?? "true").toLowerCase() !== "false";
}

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split(".").map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = ip.toLowerCase();
  if (v6.startsWith("::ffff:")) return isPrivateAddress(v6.slice(7));
  return v6 === "::1" || v6 === "::" || v6.startsWith("fc") || v6.startsWith("fd") || v6.startsWith("fe80");
}

/** Throws a clear error when the URL is not usable as an upstream. */
export async function checkUpstreamUrl(raw: string, env: Record<string, string | undefined> = process.env): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpstreamUrlError("enter a full URL, e.g. https://mcp.example.com/mcp");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UpstreamUrlError("the URL must start with http:// or https://");
  if (url.username || url.password) throw new UpstreamUrlError("put credentials in the authentication headers, not in the URL");
  if (privateUpstreamsAllowed(env)) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new UpstreamUrlError(`the host ${host} could not be resolved`);
  if (addresses.some(isPrivateAddress)) {
    throw new UpstreamUrlError(`${host} resolves to a private, loopback or link-local address, which this Toolgate does not allow (TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=false)`);
  }
  return url;
}

export class UpstreamUrlError extends Error {}
