import { parseArgs } from "node:util";
import { UsageError } from "./io";

/** Argument parsing shared by the API commands: strict flags, usage errors carry the command's help. */

type Options = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>;

export function wantsHelp(args: string[]): boolean {
  return args.includes("--help") || args.includes("-h");
}

export function parseCommand<O extends Options>(args: string[], options: O, help: string, positionals: { min: number; max: number; names: string }) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${help}`);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) {
    const expected = positionals.min === positionals.max ? `${positionals.min}` : `${positionals.min} to ${positionals.max}`;
    throw new UsageError(`expected ${positionals.names} (${expected} ${positionals.max === 1 ? "argument" : "arguments"}), got ${n}\n\n${help}`);
  }
  return parsed;
}

/** A required string flag. */
export function required(value: string | boolean | (string | boolean)[] | undefined, flag: string, help: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`missing \`--${flag}\`\n\n${help}`);
  return value;
}

/** A positive whole number flag. */
export function positiveInt(value: string | undefined, flag: string, fallback: number, opts: { min?: number; max?: number } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const min = opts.min ?? 1;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`\`--${flag}\` must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseJsonFlag(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`\`--${flag}\` is not valid json: ${error instanceof Error ? error.message : String(error)}`);
  }
}
