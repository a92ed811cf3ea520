import { readFileSync } from "node:fs";

/** What a command needs from the outside world, injectable so commands can be tested in-process. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Reads a file, or standard input for `-`. */
  readonly readText: (path: string) => string;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  readText: (path) => readFileSync(path === "-" ? 0 : path, "utf8"),
};

/** Exit codes: 0 success, 1 the input is invalid or a check failed, 2 the command was misused. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {}
