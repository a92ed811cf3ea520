import { Badge } from "@/components/ui/badge";
import { timeAgo } from "./format";

/** Last sync as a badge: failed (red), synced n ago (green), or never synced. */
export function SyncStatus({ lastSyncAt, lastSyncError }: { lastSyncAt: string | null; lastSyncError: string | null }) {
  if (lastSyncError) return <Badge tone="red">sync failed</Badge>;
  if (lastSyncAt)
    return (
      <span title={new Date(lastSyncAt).toLocaleString()}>
        <Badge tone="green">synced {timeAgo(lastSyncAt)}</Badge>
      </span>
    );
  return <Badge>never synced</Badge>;
}

/** What a failed sync's kind means, for the person fixing it. */
export const SYNC_KIND_LABELS: Record<string, { title: string; hint: string }> = {
  dns: { title: "DNS: host not found", hint: "Check the host name in the URL." },
  refused: { title: "Connection refused", hint: "Nothing listens on that address and port: is the server running?" },
  tls: { title: "TLS certificate rejected", hint: "The server's certificate is not trusted (self-signed or expired?)." },
  unauthorized: { title: "Unauthorized", hint: "The upstream refused the credentials: check the authentication headers." },
  not_mcp: { title: "Not an MCP server", hint: "The URL answered, but not like an MCP endpoint: check the path (often /mcp or /sse) and the transport." },
  timeout: { title: "Timeout", hint: "The server did not answer in time." },
  other: { title: "Could not connect", hint: "See the message for details." },
};
