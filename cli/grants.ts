import { clientSnippets } from "../lib/grants/snippets";
import { ApiClient, allPages, seg } from "./api-client";
import { parseCommand, parseJsonFlag, required, wantsHelp } from "./args";
import { resolveCredentials } from "./config";
import { CliFailure, EXIT_OK, UsageError, system, type CliIo, type System } from "./io";
import { ago, table } from "./table";
import { formatError, readAndValidate } from "./policy-args";
import type { CreatedGrantT, GrantT, ServerT } from "../lib/openapi/schemas";

export const GRANTS_HELP = `usage:
  toolgate grants create SERVER_ID --label LABEL [--policy FILE] [--metadata JSON] [--name NAME] [--json]
      a bearer token for one agent on this server: printed once (store it now), with the
      gateway URL and the Claude Code command that adds the server
      --policy FILE    the grant's own policy, instead of the server's
      --metadata JSON  an object, available to policy conditions as grant.metadata
      --name NAME      what the agent calls the server in the snippet (default: the server's name)
  toolgate grants list [--server SERVER_ID] [--all] [--json]
      grants with last use and calls in the last 24 h (never tokens); --all includes revoked ones
  toolgate grants revoke GRANT_ID
      the token stops working on the next request`;

function client(sys: System): ApiClient {
  return new ApiClient(resolveCredentials(sys), sys);
}

export async function grantsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || wantsHelp(rest)) return io.out(GRANTS_HELP), EXIT_OK;
  if (sub === "create") return create(rest, io);
  if (sub === "list" || sub === "ls") return list(rest, io);
  if (sub === "revoke") return revoke(rest, io);
  throw new UsageError(`unknown subcommand \`grants ${sub}\`\n\n${GRANTS_HELP}`);
}

async function create(args: string[], io: CliIo): Promise<number> {
  const sys = system(io);
  const { values, positionals } = parseCommand(
    args,
    { label: { type: "string" }, policy: { type: "string" }, metadata: { type: "string" }, name: { type: "string" }, json: { type: "boolean" } },
    GRANTS_HELP,
    { min: 1, max: 1, names: "a server id" },
  );
  const serverId = positionals[0];
  const label = required(values.label, "label", GRANTS_HELP);
  const metadata = values.metadata === undefined ? undefined : parseJsonFlag("metadata", values.metadata);
  if (metadata !== undefined && (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))) throw new UsageError("`--metadata` must be a json object");
  let policy: unknown;
  if (values.policy !== undefined) {
    // Checked here first: the API creates the grant before it validates the policy.
    const checked = readAndValidate(values.policy, io);
    if (!checked.ok) throw new CliFailure(`${values.policy}: invalid policy, no grant created`, checked.errors.map(formatError));
    policy = JSON.parse(io.readText(values.policy)) as unknown;
  }
  const api = client(sys);
  const { server } = await api.get<{ server: ServerT }>(`/api/v1/servers/${seg(serverId)}`);
  const grant = await api.post<CreatedGrantT>(`/api/v1/servers/${seg(serverId)}/grants`, {
    label,
    ...(policy !== undefined ? { policy } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  });
  // Toolgate's public URL (TOOLGATE_PUBLIC_URL), as the dashboard shows it.
  const url = grant.gatewayUrl;
  const snippets = clientSnippets(url, grant.token, values.name ?? server.name);
  const claude = snippets.find((s) => s.id === "claude-code")!;
  if (values.json) {
    io.out(JSON.stringify({ ...grant, snippets: Object.fromEntries(snippets.map((s) => [s.id, s.code])) }, null, 2));
  } else {
    io.out(`grant ${grant.id} (${grant.label}) on ${server.name} (${grant.serverId})`);
    io.out(`token:       ${grant.token}`);
    io.out(`gateway URL: ${url}`);
    io.out("");
    io.out("Claude Code:");
    io.out(`  ${claude.code}`);
  }
  io.err("the token is shown this once: store it now (rotate the grant in the dashboard if it is lost)");
  return EXIT_OK;
}

async function list(args: string[], io: CliIo): Promise<number> {
  const sys = system(io);
  const { values } = parseCommand(args, { server: { type: "string" }, all: { type: "boolean" }, json: { type: "boolean" } }, GRANTS_HELP, { min: 0, max: 0, names: "no arguments" });
  const grants = await allPages<GrantT>(client(sys), "/api/v1/grants", { serverId: values.server, active: values.all ? undefined : "true" });
  if (values.json) {
    io.out(JSON.stringify(grants, null, 2));
    return EXIT_OK;
  }
  if (grants.length === 0) {
    io.err("no grants");
    return EXIT_OK;
  }
  const rows = grants.map((g) => [g.id, g.label, g.serverName, g.tokenPrefix + "…", g.lastUsedAt ? ago(g.lastUsedAt) : "never", `${g.calls24h} (${g.denied24h} denied)`, g.revokedAt ? "revoked" : "active"]);
  for (const line of table(["ID", "LABEL", "SERVER", "TOKEN", "LAST USED", "CALLS 24H", "STATE"], rows)) io.out(line);
  return EXIT_OK;
}

async function revoke(args: string[], io: CliIo): Promise<number> {
  const sys = system(io);
  const { positionals } = parseCommand(args, {}, GRANTS_HELP, { min: 1, max: 1, names: "a grant id" });
  await client(sys).delete(`/api/v1/grants/${seg(positionals[0])}`);
  io.out(`revoked ${positionals[0]}`);
  return EXIT_OK;
}
