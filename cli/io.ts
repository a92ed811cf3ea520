import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline/promises";

/** What a command needs from the outside world, injectable so commands can be tested in-process. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Reads a file, or standard input for `-`. */
  readonly readText: (path: string) => string;
  /** The rest is optional: missing members fall back to the real process (see system()). */
  readonly writeText?: (path: string, text: string, mode?: number) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  readonly homedir?: () => string;
  /** Whether a person can answer a question (standard input and error are terminals). */
  readonly interactive?: () => boolean;
  readonly prompt?: (question: string) => Promise<string>;
  /** Whether to color what is written to a stream. */
  readonly color?: (stream: "out" | "err") => boolean;
  /** Calls `onStop` on Ctrl-C (or SIGTERM); returns a function that stops listening. */
  readonly onInterrupt?: (onStop: () => void) => () => void;
}

export type System = Required<CliIo>;

export const processIo: CliIo = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  readText: (path) => readFileSync(path === "-" ? 0 : path, "utf8"),
};

const processSystem: Omit<System, "out" | "err" | "readText"> = {
  writeText: (file, text, mode) => {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text, mode === undefined ? undefined : { mode });
    if (mode !== undefined) chmodSync(file, mode); // writeFileSync's mode only applies to new files
  },
  env: process.env,
  fetch: (...args) => fetch(...args),
  homedir,
  interactive: () => Boolean(process.stdin.isTTY && process.stderr.isTTY),
  prompt: async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  color: (stream) => !process.env.NO_COLOR && Boolean((stream === "out" ? process.stdout : process.stderr).isTTY),
  onInterrupt: (onStop) => {
    const handler = () => onStop();
    process.once("SIGINT", handler);
    process.once("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
};

/** The io with every optional member filled in from the real process. */
export function system(io: CliIo): System {
  return { ...processSystem, ...io } as System;
}

/** Exit codes: 0 success, 1 the input is invalid or a check failed, 2 the command was misused. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

/** A failure to report as it is (no stack): exit code 1. `lines` follow the message. */
export class CliFailure extends Error {
  constructor(
    message: string,
    public readonly lines: string[] = [],
  ) {
    super(message);
  }
}
