import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from "./io";
import { formatError, onlyFile, parseStrict, POLICY_HELP, readAndValidate } from "./policy-args";
import { policyTestCommand } from "./policy-test";

/**
 * `toolgate policy validate FILE` and `toolgate policy test FILE --call JSON`: the same
 * validation and evaluation code the gateway runs, on a local file (`-` reads standard input).
 * `pull`, `push` and `diff` (policy-remote.ts) work with a server's published policy.
 */

export async function policyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "validate") return validateCommand(rest, io);
  if (sub === "test") return policyTestCommand(rest, io);
  if (sub === "pull") return (await import("./policy-remote")).pullCommand(rest, io);
  if (sub === "push") return (await import("./policy-remote")).pushCommand(rest, io);
  if (sub === "diff") return (await import("./policy-remote")).diffCommand(rest, io);
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.out(POLICY_HELP);
    return EXIT_OK;
  }
  throw new UsageError(`unknown subcommand \`policy ${sub}\`\n${POLICY_HELP}`);
}

async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseStrict(args, { json: { type: "boolean" } });
  const file = onlyFile(positionals);
  const result = readAndValidate(file, io);
  if (values.json) {
    io.out(JSON.stringify(result.ok ? { ok: true } : { ok: false, errors: result.errors }, null, 2));
  } else if (result.ok) {
    io.out(`${file}: valid policy`);
  } else {
    for (const error of result.errors) io.out(formatError(error));
    io.err(`${file}: ${result.errors.length} ${result.errors.length === 1 ? "error" : "errors"}`);
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}
