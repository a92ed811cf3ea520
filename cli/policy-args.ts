import { parseArgs } from "node:util";
import { validatePolicyText, type PolicyError, type ValidationResult } from "../gateway/policy";
import { UsageError, type CliIo } from "./io";

/** Help, argument parsing and file reading shared by the `policy` subcommands. */

export const POLICY_HELP = `usage:
  toolgate policy pull SERVER_ID [-o FILE] [--recommended]
      write the server's published policy (or, with --recommended, one built from its tools'
      risk ratings) to FILE, or to standard output
  toolgate policy diff SERVER_ID FILE [--exit-code]
      show what publishing FILE would change; --exit-code exits 1 when there are differences
  toolgate policy push SERVER_ID FILE [-m MESSAGE] [--yes] [--json]
      show the diff, then publish FILE as the server's next version (asks first unless --yes);
      an invalid policy is not published: its errors are printed as \`pointer: message\`, exit 1
  toolgate policy validate FILE [--json]
      check a policy document; prints every error as \`pointer: message\`, exit 1 when invalid
  toolgate policy test FILE --call '{"tool":"x","args":{...}}' [options]
      print the decision for one call: effect, rule, message, limits; exit 0
      --grant-label L        the calling grant's label (default \`cli\`)
      --grant-metadata JSON  the grant's metadata object
      --category C           the tool's risk category (Read, Write, Execute, Destructive, Financial)
      --input-schema JSON    the tool's upstream inputSchema, for \`validate_input\`
      --context JSON         fields merged over the whole evaluation context
      --expect EFFECT        exit 1 unless the effect is EFFECT (for CI)
      --json                 print the decision as JSON

validate and test run offline; pull, diff and push use the login (\`toolgate login\`).`;

/** Reads a policy file and validates it; an unreadable file is reported like an invalid one. */
export function readAndValidate(file: string, io: CliIo): ValidationResult {
  let text: string;
  try {
    text = io.readText(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ path: "", message: `cannot read \`${file}\`: ${reason}` }] };
  }
  return validatePolicyText(text);
}

/** `pointer: message (line L, column C)`; the document itself is shown as `(root)`. */
export function formatError(error: PolicyError): string {
  const where = error.line === undefined ? "" : ` (line ${error.line}, column ${error.column})`;
  return `${error.path === "" ? "(root)" : error.path}: ${error.message}${where}`;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/** parseArgs, with its errors turned into usage errors. */
export function parseStrict<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${POLICY_HELP}`);
  }
}

export function onlyFile(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`expected one policy file, got ${positionals.length}\n${POLICY_HELP}`);
  return positionals[0];
}
