import { ApiClient, allPages, seg } from "./api-client";
import { parseCommand, required, wantsHelp } from "./args";
import { resolveCredentials } from "./config";
import { EXIT_FAILED, EXIT_OK, UsageError, system, type CliIo } from "./io";
import { table, ago } from "./table";
import type { CreatedServerT, ServerListItemT, SyncResultT } from "../lib/openapi/schemas";

export const SERVERS_HELP = `usage:
  toolgate servers list [--json]
      every server of the organization: id, name, tools, active grants, last sync, URL
  toolgate servers add --name NAME --url URL [--header 'Name: value']... [--transport T] [--no-sync] [--json]
      register an upstream MCP server, connect to it and list its tools; prints the new id
      --header 'K: V'   an upstream header, e.g. 'Authorization: Bearer …' (repeatable; stored encrypted)
      --transport T     auto (default), streamable_http or sse
      --no-sync         save without connecting
      exit 1 when the server was saved but could not be reached (the reason is printed)
  toolgate servers sync ID [--json]
      list the server's tools again: added, changed and removed tools`;

const TRANSPORTS = ["auto", "streamable_http", "sse"];

export async function serversCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") return io.out(SERVERS_HELP), EXIT_OK;
  if (wantsHelp(rest)) return io.out(SERVERS_HELP), EXIT_OK;
  if (sub === "list" || sub === "ls") return list(rest, io);
  if (sub === "add") return add(rest, io);
  if (sub === "sync") return sync(rest, io);
  throw new UsageError(`unknown subcommand \`servers ${sub}\`\n\n${SERVERS_HELP}`);
}

function client(io: CliIo): ApiClient {
  const sys = system(io);
  return new ApiClient(resolveCredentials(sys), sys);
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(args, { json: { type: "boolean" } }, SERVERS_HELP, { min: 0, max: 0, names: "no arguments" });
  const servers = await allPages<ServerListItemT>(client(io), "/api/v1/servers");
  if (values.json) {
    io.out(JSON.stringify(servers, null, 2));
    return EXIT_OK;
  }
  if (servers.length === 0) {
    io.err("no servers yet: add one with `toolgate servers add --name NAME --url URL`");
    return EXIT_OK;
  }
  const rows = servers.map((s) => [s.id, s.name, String(s._count.tools), String(s._count.grants), s.lastSyncError ? "failed" : s.lastSyncAt ? ago(s.lastSyncAt) : "never", s.url ?? ""]);
  for (const line of table(["ID", "NAME", "TOOLS", "GRANTS", "SYNCED", "URL"], rows)) io.out(line);
  return EXIT_OK;
}

function parseHeader(raw: string): [string, string] {
  const i = raw.indexOf(":");
  if (i <= 0) throw new UsageError(`\`--header\` must look like 'Name: value', got \`${raw}\``);
  return [raw.slice(0, i).trim(), raw.slice(i + 1).trim()];
}

async function add(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(
    args,
    {
      name: { type: "string" },
      url: { type: "string" },
      header: { type: "string", multiple: true },
      transport: { type: "string" },
      "no-sync": { type: "boolean" },
      json: { type: "boolean" },
    },
    SERVERS_HELP,
    { min: 0, max: 0, names: "no arguments (use --name and --url)" },
  );
  const name = required(values.name, "name", SERVERS_HELP);
  const url = required(values.url, "url", SERVERS_HELP);
  if (values.transport !== undefined && !TRANSPORTS.includes(values.transport)) {
    throw new UsageError(`\`--transport\` must be one of ${TRANSPORTS.join(", ")}`);
  }
  const headers = values.header?.length ? Object.fromEntries(values.header.map(parseHeader)) : undefined;
  const created = await client(io).post<CreatedServerT>("/api/v1/servers", {
    name,
    url,
    ...(values.transport ? { transport: values.transport } : {}),
    ...(headers ? { headers } : {}),
    ...(values["no-sync"] ? { sync: false } : {}),
  });
  const failed = created.sync !== null && created.sync.ok === false;
  if (values.json) io.out(JSON.stringify(created, null, 2));
  else {
    io.out(created.server.id);
    io.err(`added server \`${created.server.name}\` (${created.server.id})`);
  }
  if (created.sync === null) {
    io.err("not synced (--no-sync): run `toolgate servers sync " + created.server.id + "` to list its tools");
  } else if (created.sync.ok) {
    io.err(`listed ${created.sync.total} tools over ${created.sync.transport}`);
  } else {
    io.err(`error: the server was saved but could not be synced: ${created.sync.error.message}`);
    io.err(`fix the URL or headers (dashboard), then run \`toolgate servers sync ${created.server.id}\``);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

async function sync(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: "boolean" } }, SERVERS_HELP, { min: 1, max: 1, names: "a server id" });
  const id = positionals[0];
  const result = await client(io).post<SyncResultT>(`/api/v1/servers/${seg(id)}/sync`);
  if (values.json) {
    io.out(JSON.stringify(result, null, 2));
    return EXIT_OK;
  }
  io.out(`synced ${id}: ${result.total} tools over ${result.transport} (${result.added.length} added, ${result.changed.length} changed, ${result.removed.length} removed)`);
  for (const t of result.added) io.out(`  + ${t}`);
  for (const t of result.changed) io.out(`  ~ ${t}`);
  for (const t of result.removed) io.out(`  - ${t}`);
  if (result.changed.length > 0 || (result.added.length > 0 && result.added.length < result.total)) {
    io.err("new and changed tools stay denied until reviewed (dashboard → server → tools) when the server asks for review");
  }
  return EXIT_OK;
}
