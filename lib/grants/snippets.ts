// The gateway URL of a server and ready-to-paste client configurations for it.

/** Toolgate's public URL (TOOLGATE_PUBLIC_URL, set at start-up), without a trailing slash. */
export function publicUrl(base = process.env.TOOLGATE_PUBLIC_URL ?? "http://localhost:3000"): string {
  return base.replace(/\/$/, "");
}

export function gatewayUrl(serverId: string, base?: string): string {
  return `${publicUrl(base)}/mcp/${serverId}`;
}

export interface Snippet {
  id: "claude-code" | "cursor" | "vscode" | "claude-desktop" | "curl";
  title: string;
  language: "shell" | "json";
  code: string;
  where: string;
}

/** Client configurations for one grant; `name` is how the client will call the server. */
export function clientSnippets(url: string, token: string, name: string): Snippet[] {
  const safeName = name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-|-$/g, "") || "toolgate";
  const auth = `Authorization: Bearer ${token}`;
  return [
    { id: "claude-code", title: "Claude Code", language: "shell", where: "Run in a terminal", code: `claude mcp add --transport http ${safeName} ${url} --header "${auth}"` },
    {
      id: "cursor",
      title: "Cursor",
      language: "json",
      where: "~/.cursor/mcp.json (or .cursor/mcp.json in a project)",
      code: JSON.stringify({ mcpServers: { [safeName]: { url, headers: { Authorization: `Bearer ${token}` } } } }, null, 2),
    },
    {
      id: "vscode",
      title: "VS Code",
      language: "json",
      where: ".vscode/mcp.json",
      code: JSON.stringify({ servers: { [safeName]: { type: "http", url, headers: { Authorization: `Bearer ${token}` } } } }, null, 2),
    },
    {
      id: "claude-desktop",
      title: "Claude Desktop",
      language: "json",
      where: "claude_desktop_config.json (through mcp-remote)",
      code: JSON.stringify({ mcpServers: { [safeName]: { command: "npx", args: ["-y", "mcp-remote", url, "--header", `Authorization:\${TOOLGATE_AUTH}`], env: { TOOLGATE_AUTH: `Bearer ${token}` } } } }, null, 2),
    },
    {
      id: "curl",
      title: "curl",
      language: "shell",
      where: "An initialize request, to check the connection",
      code: `curl -i ${url} \\\n  -H "${auth}" \\\n  -H "Content-Type: application/json" \\\n  -H "Accept: application/json, text/event-stream" \\\n  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'`,
    },
  ];
}
