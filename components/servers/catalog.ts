import type { Transport } from "./types";

/** Well-known remote MCP servers, to pre-fill the form. Each needs its owner's credentials. */
export interface CatalogEntry {
  name: string;
  url: string;
  transport: Transport;
  /** Whether the server expects credentials (an Authorization header row is pre-filled). */
  auth: boolean;
  note: string;
}

export const SERVER_CATALOG: CatalogEntry[] = [
  { name: "GitHub", url: "https://api.githubcopilot.com/mcp/", transport: "auto", auth: true, note: "A GitHub personal access token" },
  { name: "Linear", url: "https://mcp.linear.app/mcp", transport: "auto", auth: true, note: "A Linear API key or token" },
  { name: "Sentry", url: "https://mcp.sentry.dev/mcp", transport: "auto", auth: true, note: "A Sentry token" },
  { name: "Notion", url: "https://mcp.notion.com/mcp", transport: "auto", auth: true, note: "A Notion token" },
  { name: "Stripe", url: "https://mcp.stripe.com", transport: "auto", auth: true, note: "A Stripe secret or restricted key" },
  { name: "Atlassian", url: "https://mcp.atlassian.com/v1/sse", transport: "sse", auth: true, note: "An Atlassian token (legacy SSE endpoint)" },
  { name: "Cloudflare docs", url: "https://docs.mcp.cloudflare.com/mcp", transport: "auto", auth: false, note: "Public documentation search, no credentials" },
];
