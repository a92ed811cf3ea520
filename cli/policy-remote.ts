import { validatePolicyText, type PolicyError } from "../gateway/policy";
import { ApiClient, ApiFailure, seg } from "./api-client";
import { parseCommand, wantsHelp } from "./args";
import { resolveCredentials } from "./config";
import { diffSummary, formatPolicy, unifiedDiff } from "./diff";
import { CliFailure, EXIT_FAILED, EXIT_OK, UsageError, system, type CliIo, type System } from "./io";
import { formatError, POLICY_HELP } from "./policy-args";
import type { PublishedPolicyT, ServerPolicyT } from "../lib/openapi/schemas";

/**
 * `toolgate policy pull|push|diff`: a server's published policy as a file, for people who keep
 * their policies in git. Files are written in one canonical form (formatPolicy) so that a pull,
 * an edit and a push show only what was edited.
 */

function client(sys: System): ApiClient {
  return new ApiClient(resolveCredentials(sys), sys);
}

async function published(api: ApiClient, serverId: string): Promise<ServerPolicyT> {
  return api.get<ServerPolicyT>(`/api/v1/servers/${seg(serverId)}/policy`);
}

/** The file's text and document; a file that is not JSON is reported like `policy validate` does. */
function readDocument(file: string, io: CliIo): { text: string; document: unknown } {
  let text: string;
  try {
    text = io.readText(file);
  } catch (error) {
    throw new CliFailure(`cannot read \`${file}\`: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return { text, document: JSON.parse(text) };
  } catch {
    const result = validatePolicyText(text);
    const errors = result.ok ? [] : result.errors;
    throw new CliFailure(`${file} is not valid JSON`, errors.map(formatError));
  }
}

export async function pullCommand(args: string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) return io.out(POLICY_HELP), EXIT_OK;
  const sys = system(io);
  const { values, positionals } = parseCommand(
    args,
    { output: { type: "string", short: "o" }, recommended: { type: "boolean" } },
    POLICY_HELP,
    { min: 1, max: 1, names: "a server id" },
  );
  const serverId = positionals[0];
  const api = client(sys);
  let document: unknown;
  let what: string;
  if (values.recommended) {
    document = (await api.get<{ document: unknown }>(`/api/v1/servers/${seg(serverId)}/policy/recommended`)).document;
    what = "the recommended policy";
  } else {
    const current = await published(api, serverId);
    if (current.document === null || current.version === null) {
      throw new CliFailure(`${serverId} has no published policy yet: start from the recommended one with \`toolgate policy pull ${serverId} --recommended -o policy.json\``);
    }
    document = current.document;
    what = `version ${current.version}`;
  }
  const text = formatPolicy(document);
  if (values.output && values.output !== "-") {
    sys.writeText(values.output, text);
    io.err(`wrote ${what} of ${serverId}'s policy to ${values.output}`);
  } else {
    for (const line of text.replace(/\n$/, "").split("\n")) io.out(line);
  }
  return EXIT_OK;
}

function showDiff(current: ServerPolicyT, serverId: string, file: string, document: unknown, color: boolean): string[] {
  const before = current.document === null ? "" : formatPolicy(current.document);
  const label = current.version === null ? `${serverId} (nothing published)` : `${serverId} version ${current.version} (published)`;
  return unifiedDiff(before, formatPolicy(document), { old: label, new: file }, { color });
}

export async function diffCommand(args: string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) return io.out(POLICY_HELP), EXIT_OK;
  const sys = system(io);
  const { values, positionals } = parseCommand(args, { "exit-code": { type: "boolean" } }, POLICY_HELP, { min: 2, max: 2, names: "a server id and a policy file" });
  const [serverId, file] = positionals;
  const { document } = readDocument(file, io);
  const current = await published(client(sys), serverId);
  const lines = showDiff(current, serverId, file, document, sys.color("out"));
  if (lines.length === 0) {
    io.err(current.version === null ? "nothing is published and the file is empty" : `no differences: ${file} is version ${current.version}`);
    return EXIT_OK;
  }
  for (const line of lines) io.out(line);
  return values["exit-code"] ? EXIT_FAILED : EXIT_OK;
}

/** The API's errors, with the line and column of the same pointer in the file when it can be found. */
function withPositions(errors: NonNullable<ApiFailure["details"]>["errors"], text: string): string[] {
  const local = validatePolicyText(text);
  const where = new Map<string, PolicyError>();
  if (!local.ok) for (const e of local.errors) if (!where.has(e.path)) where.set(e.path, e);
  return (errors ?? []).map((e) => {
    const found = where.get(e.path);
    return formatError({ path: e.path, message: e.message, line: found?.line, column: found?.column });
  });
}

export async function pushCommand(args: string[], io: CliIo): Promise<number> {
  if (wantsHelp(args)) return io.out(POLICY_HELP), EXIT_OK;
  const sys = system(io);
  const { values, positionals } = parseCommand(
    args,
    { message: { type: "string", short: "m" }, yes: { type: "boolean", short: "y" }, json: { type: "boolean" } },
    POLICY_HELP,
    { min: 2, max: 2, names: "a server id and a policy file" },
  );
  const [serverId, file] = positionals;
  const { text, document } = readDocument(file, io);
  const api = client(sys);
  const current = await published(api, serverId);
  const lines = showDiff(current, serverId, file, document, sys.color("err"));
  if (lines.length === 0) {
    if (values.json) io.out(JSON.stringify({ published: false, policyId: current.policyId, version: current.version }));
    io.err(`no changes: ${file} is already version ${current.version}, nothing published`);
    return EXIT_OK;
  }
  for (const line of lines) io.err(line);
  io.err(diffSummary(lines));
  const next = (current.version ?? 0) + 1;
  if (!values.yes) {
    if (!sys.interactive()) {
      throw new UsageError("not publishing without confirmation: pass `--yes` (standard input is not a terminal)");
    }
    const answer = (await sys.prompt(`publish ${file} as version ${next} of ${serverId}'s policy? [y/N] `)).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") {
      io.err("not published");
      return EXIT_FAILED;
    }
  }
  let result: PublishedPolicyT;
  try {
    result = await api.put<PublishedPolicyT>(`/api/v1/servers/${seg(serverId)}/policy`, { document, ...(values.message ? { message: values.message } : {}) });
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 400 && error.details?.errors?.length) {
      const n = error.details.errors.length;
      throw new CliFailure(
        `${file}: not published, the policy has ${n} ${n === 1 ? "error" : "errors"} (version ${current.version ?? "none"} stays live)`,
        withPositions(error.details.errors, text),
      );
    }
    throw error;
  }
  if (values.json) io.out(JSON.stringify({ published: true, ...result }));
  else io.out(`published version ${result.version} of ${serverId}'s policy (${result.policyId})`);
  return EXIT_OK;
}
