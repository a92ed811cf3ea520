import { EXIT_USAGE, processIo, UsageError, type CliIo } from "./io";
import { policyCommand } from "./policy";

/**
 * `toolgate <command> ...`: one entry point dispatching to subcommands, so later commands
 * (`policy push`, `servers sync`...) are one more entry in COMMANDS.
 */

export type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  policy: { run: policyCommand, summary: "validate a policy file, or test calls against it" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return ["usage: toolgate <command> [arguments]", "", "commands:", ...lines, "", "run `toolgate <command> --help` for details"].join("\n");
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`unknown command \`${name}\``);
    io.err(usage());
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(error.message);
    return EXIT_USAGE;
  }
}
