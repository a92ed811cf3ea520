import { CliFailure, EXIT_FAILED, EXIT_USAGE, processIo, UsageError, type CliIo } from "./io";

/**
 * `toolgate <command> ...`: one entry point dispatching to subcommands. Data goes to standard
 * output, messages to standard error; exit codes are 0 (done), 1 (failed: invalid input, an API
 * error, Toolgate unreachable) and 2 (the command was misused).
 */

export type Command = (args: string[], io: CliIo) => Promise<number>;

// Commands load on use: a `servers list` does not pay for compiling the policy engine.
const COMMANDS: Record<string, { run: Command; summary: string }> = {
  login: { run: async (a, io) => (await import("./login")).loginCommand(a, io), summary: "store the Toolgate URL and an API key (checked first)" },
  logout: { run: async (a, io) => (await import("./login")).logoutCommand(a, io), summary: "forget them" },
  servers: { run: async (a, io) => (await import("./servers")).serversCommand(a, io), summary: "list, add and sync upstream MCP servers" },
  policy: {
    run: async (a, io) => (await import("./policy")).policyCommand(a, io),
    summary: "pull, diff, push a server's policy; validate or test a policy file offline",
  },
  grants: { run: async (a, io) => (await import("./grants")).grantsCommand(a, io), summary: "create, list and revoke agent tokens" },
  audit: { run: async (a, io) => (await import("./audit")).auditCommand(a, io), summary: "tail the gateway's decision log" },
  connect: { run: async (a, io) => (await import("./connect")).connectCommand(a, io), summary: "run a local stdio MCP server and connect it to Toolgate" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return [
    "usage: toolgate <command> [arguments]",
    "",
    "commands:",
    ...lines,
    "",
    "run `toolgate <command> --help` for details",
    "TOOLGATE_URL and TOOLGATE_API_KEY override the stored login; exit codes: 0 ok, 1 failed, 2 usage",
  ].join("\n");
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
    if (error instanceof UsageError) {
      io.err(error.message);
      return EXIT_USAGE;
    }
    if (error instanceof CliFailure) {
      io.err(`error: ${error.message}`);
      for (const line of error.lines) io.err(line);
      return EXIT_FAILED;
    }
    throw error;
  }
}
