import { accessSync, constants } from "node:fs";
import path from "node:path";

// The operator's switch for command servers (TOOLGATE_STDIO): a command server runs a program
// on the Toolgate host with Toolgate's user rights, so it is off unless the operator turns it on,
// or restricts it to an allow-list of executables (TOOLGATE_STDIO_ALLOWLIST).
export type StdioMode = "off" | "allowlist" | "on";

export interface StdioPolicy {
  mode: StdioMode;
  /** Executable names (looked up on PATH) or absolute paths. */
  allowlist: string[];
}

export function stdioPolicyFromEnv(env: Record<string, string | undefined> = process.env): StdioPolicy {
  const raw = (env.TOOLGATE_STDIO ?? "off").trim().toLowerCase();
  const mode: StdioMode = raw === "on" || raw === "allowlist" ? raw : "off";
  const allowlist = (env.TOOLGATE_STDIO_ALLOWLIST ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return { mode, allowlist };
}

/**
 * Why this command may not run, or null when it may. A bare name (`npx`) matches an allow-list
 * entry of the same name; a command with a path (`/opt/x/npx`, `./npx`) only an entry with that
 * exact absolute path, so a look-alike elsewhere on disk is not let in by its name.
 */
export function commandRefusal(command: string, policy: StdioPolicy): string | null {
  if (policy.mode === "off") return "command servers are turned off on this Toolgate (the operator can set TOOLGATE_STDIO=on, or allowlist with TOOLGATE_STDIO_ALLOWLIST)";
  if (policy.mode === "on") return null;
  const hasPath = command.includes("/") || command.includes("\\");
  const allowed = policy.allowlist.some((entry) => {
    const entryHasPath = entry.includes("/") || entry.includes("\\");
    if (!hasPath) return !entryHasPath && entry === command;
    return entryHasPath && path.isAbsolute(command) && path.resolve(entry) === path.resolve(command);
  });
  if (allowed) return null;
  const list = policy.allowlist.length ? policy.allowlist.join(", ") : "nothing";
  return `\`${command}\` is not on this Toolgate's allow-list of executables (TOOLGATE_STDIO_ALLOWLIST: ${list})`;
}

/**
 * Variables that change which program runs, or what code runs inside it: with an allow-list,
 * a server's own `env` may not set them (PATH would make the allowed `npx` another file;
 * NODE_OPTIONS, LD_PRELOAD, PYTHONPATH and their kind run any code inside an allowed program).
 */
const CODE_INJECTING_ENV = /^(PATH|NODE_OPTIONS|NODE_PATH|LD_[A-Z_]+|DYLD_[A-Z_]+|PYTHON(PATH|STARTUP|HOME|INSPECT)|BASH_ENV|ENV|SHELLOPTS|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|GIT_SSH_COMMAND|GCONV_PATH)$/i;

/** Why these environment variables may not be given to a command server, or null. */
export function envRefusal(names: string[], policy: StdioPolicy): string | null {
  if (policy.mode !== "allowlist") return null;
  const bad = names.filter((n) => CODE_INJECTING_ENV.test(n));
  if (bad.length === 0) return null;
  return `with an allow-list of executables, a command server may not set ${bad.join(", ")}: it would change which program runs or what code runs in it`;
}

/**
 * The executable a bare name stands for, looked up on Toolgate's own PATH (not the server's
 * env), or null when none is found. Absolute or relative paths are returned as they are.
 */
export function resolveExecutable(command: string, searchPath = process.env.PATH ?? ""): string | null {
  if (command.includes("/") || command.includes("\\")) return command;
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return null;
}
