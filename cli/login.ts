import { ApiClient } from "./api-client";
import { parseCommand, wantsHelp } from "./args";
import { normalizeUrl, removeConfig, writeConfig, configPath } from "./config";
import { CliFailure, EXIT_OK, UsageError, system, type CliIo } from "./io";
import type { CurrentOrganizationT } from "../lib/openapi/schemas";

export const LOGIN_HELP = `usage:
  toolgate login --url URL --key KEY [--json]
      check the API key against Toolgate and store both in ~/.config/toolgate/config.json (mode 0600)
      --url URL   where Toolgate runs, e.g. https://toolgate.example.com
      --key KEY   an organization API key (tgk_…; Settings → API keys); \`-\` reads it from standard input
  toolgate logout
      forget the stored URL and key

TOOLGATE_URL and TOOLGATE_API_KEY, when set, override the stored values (for CI).`;

export async function loginCommand(args: string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) return io.out(LOGIN_HELP), EXIT_OK;
  const sys = system(io);
  const { values } = parseCommand(args, { url: { type: "string" }, key: { type: "string" }, json: { type: "boolean" } }, LOGIN_HELP, { min: 0, max: 0, names: "no arguments" });
  const rawUrl = values.url ?? sys.env.TOOLGATE_URL;
  let key = values.key ?? sys.env.TOOLGATE_API_KEY;
  if (!rawUrl) throw new UsageError(`missing \`--url\`\n\n${LOGIN_HELP}`);
  if (!key) throw new UsageError(`missing \`--key\`\n\n${LOGIN_HELP}`);
  if (key === "-") key = io.readText("-").trim();
  const url = normalizeUrl(rawUrl);
  if (!url) throw new UsageError(`\`--url\` must be an http(s) URL, got \`${rawUrl}\``);
  if (!key.startsWith("tgk_")) throw new CliFailure("that is not a Toolgate API key: keys start with `tgk_` (grant tokens, `tgg_…`, are for agents at the gateway)");
  const api = new ApiClient({ url, apiKey: key }, sys);
  const current = await api.get<CurrentOrganizationT>("/api/v1/orgs/current");
  const file = writeConfig(sys, { url, apiKey: key });
  if (values.json) io.out(JSON.stringify({ url, organization: current.organization, role: current.role, config: file }));
  else io.out(`logged in to ${url}: organization ${current.organization.name} (${current.organization.id}), role ${current.role}`);
  io.err(`saved to ${file}`);
  return EXIT_OK;
}

export async function logoutCommand(args: string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) return io.out(LOGIN_HELP), EXIT_OK;
  const sys = system(io);
  parseCommand(args, {}, LOGIN_HELP, { min: 0, max: 0, names: "no arguments" });
  io.err(removeConfig(sys) ? `removed ${configPath(sys)}` : "not logged in");
  return EXIT_OK;
}
