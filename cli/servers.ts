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
  toolgate servers add --name NAME [--env 'K=V']... [--cwd DIR] [PROCESS OPTIONS] -- COMMAND [ARGS...]
      a command server: Toolgate runs COMMAND over stdio (admins; where the operator set TOOLGATE_STDIO)
      --env 'K=V'       an environment variable of the process (repeatable; stored encrypted)
      --cwd DIR         its working directory (absolute)
  toolgate servers add --name NAME --connector [PROCESS OPTIONS]
      a connector server: prints its key once and the \`toolgate connect\` line to run where the server runs
  PROCESS OPTIONS (command and connector servers):
      --shared          one process for every session (stateless servers); default: one per session
      --idle-timeout S  stop a process after S seconds without a message (default 600)
      --max-processes N at most N processes at once (default 10)
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
  const where = (s: ServerListItemT) => (s.kind === "command" ? [s.command, ...s.args].join(" ") : s.kind === "connector" ? (s.connector?.online ? `connector, online (${s.connector.hostname ?? "?"})` : "connector, offline") : (s.url ?? ""));
  const rows = servers.map((s) => [s.id, s.name, s.kind, String(s._count.tools), String(s._count.grants), s.lastSyncError ? "failed" : s.lastSyncAt ? ago(s.lastSyncAt) : "never", where(s)]);
  for (const line of table(["ID", "NAME", "KIND", "TOOLS", "GRANTS", "SYNCED", "URL / COMMAND"], rows)) io.out(line);
  return EXIT_OK;
}

/** What follows `--`: a command server's command and its arguments. */
function positionals(args: string[]): string[] {
  const dash = args.indexOf("--");
  return dash === -1 ? [] : args.slice(dash + 1);
}

function parseEnv(raw: string): [string, string] {
  const i = raw.indexOf("=");
  if (i <= 0) throw new UsageError(`\`--env\` must look like 'NAME=value', got \`${raw}\``);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

function positiveNumber(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`\`--${flag}\` must be a whole number of at least 1`);
  return n;
}

function parseHeader(raw: string): [string, string] {
  const i = raw.indexOf(":");
  if (i <= 0) throw new UsageError(`\`--header\` must look like 'Name: value', got \`${raw}\``);
  return [raw.slice(0, i).trim(), raw.slice(i + 1).trim()];
}

async function add(args: string[], io: CliIo): Promise<number> {
  const { values, positionals: given } = parseCommand(
    args,
    {
      name: { type: "string" },
      url: { type: "string" },
      header: { type: "string", multiple: true },
      transport: { type: "string" },
      "no-sync": { type: "boolean" },
      json: { type: "boolean" },
      connector: { type: "boolean" },
      env: { type: "string", multiple: true },
      cwd: { type: "string" },
      shared: { type: "boolean" },
      "idle-timeout": { type: "string" },
      "max-processes": { type: "string" },
    },
    SERVERS_HELP,
    { min: 0, max: 1000, names: "the command after `--`, for a command server" },
  );
  const name = required(values.name, "name", SERVERS_HELP);
  const command = positionals(args);
  if (given.length !== command.length) throw new UsageError(`unexpected \`${given[0]}\`: give a command server's command after \`--\`\n\n${SERVERS_HELP}`);
  const kind = values.connector ? "connector" : command.length > 0 ? "command" : "url";
  if (kind === "connector" && command.length > 0) throw new UsageError("a connector server runs the command given to `toolgate connect`, not one given here");
  if (kind !== "url" && (values.url !== undefined || values.header?.length || values.transport !== undefined)) {
    throw new UsageError(`a ${kind} server has no --url, --header or --transport`);
  }
  if (kind !== "command" && (values.env?.length || values.cwd !== undefined)) throw new UsageError("--env and --cwd are for command servers (give the command after `--`)");
  if (kind === "url" && (values.shared || values["idle-timeout"] !== undefined || values["max-processes"] !== undefined)) {
    throw new UsageError("--shared, --idle-timeout and --max-processes are for command and connector servers");
  }
  let body: Record<string, unknown>;
  if (kind === "url") {
    const url = required(values.url, "url", SERVERS_HELP);
    if (values.transport !== undefined && !TRANSPORTS.includes(values.transport)) {
      throw new UsageError(`\`--transport\` must be one of ${TRANSPORTS.join(", ")}`);
    }
    const headers = values.header?.length ? Object.fromEntries(values.header.map(parseHeader)) : undefined;
    body = { name, url, ...(values.transport ? { transport: values.transport } : {}), ...(headers ? { headers } : {}) };
  } else {
    const env = values.env?.length ? Object.fromEntries(values.env.map(parseEnv)) : undefined;
    body = {
      name,
      kind,
      ...(kind === "command" ? { command: command[0], args: command.slice(1) } : {}),
      ...(env ? { env } : {}),
      ...(values.cwd !== undefined ? { cwd: values.cwd } : {}),
      ...(values.shared ? { processMode: "shared" } : {}),
      ...(values["idle-timeout"] !== undefined ? { idleTimeoutSeconds: positiveNumber(values["idle-timeout"], "idle-timeout") } : {}),
      ...(values["max-processes"] !== undefined ? { maxProcesses: positiveNumber(values["max-processes"], "max-processes") } : {}),
    };
  }
  const created = await client(io).post<CreatedServerT>("/api/v1/servers", { ...body, ...(values["no-sync"] ? { sync: false } : {}) });
  const failed = created.sync !== null && created.sync.ok === false;
  if (values.json) io.out(JSON.stringify(created, null, 2));
  else {
    io.out(created.server.id);
    io.err(`added server \`${created.server.name}\` (${created.server.id})`);
  }
  if (created.connectorKey) {
    const base = resolveCredentials(system(io)).url;
    io.err(`connector key (shown once): ${created.connectorKey.secret}`);
    io.err(`on the machine that runs the server: toolgate connect --url ${base} --key ${created.connectorKey.secret} -- <command> [args…]`);
    io.err("its tools are listed when the connector dials in");
  } else if (created.sync === null) {
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
