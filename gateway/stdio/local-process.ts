import { spawn, type ChildProcess } from "node:child_process";
import { ChannelEvents } from "./channel-events";
import { LineSplitter } from "./line-splitter";
import { commandRefusal, envRefusal, resolveExecutable, type StdioPolicy } from "./stdio-policy";
import { LaunchError, type ChannelOpener, type LaunchSpec, type LogSink, type MessageChannel } from "./types";

// Command servers: the program runs as a child of Toolgate, in its own process group (so that
// `npx …` and whatever it starts are stopped together), with only a few variables of Toolgate's
// environment: the database URL and encryption key must never reach a third-party program.
const BASE_ENV = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "SYSTEMROOT", "npm_config_cache", "npm_config_registry"];
/** Toolgate's own secrets: never passed on, even when TOOLGATE_STDIO_PASS_ENV names them. */
const NEVER_PASSED = /^(DATABASE_URL|REDIS_URL|SMTP_URL|NEXTAUTH_SECRET|GITHUB_SECRET|GOOGLE_SECRET|TOOLGATE_.*)$/;
const KILL_GRACE_MS = 2_000;
const STDERR_LINE_CAP = 64 * 1024;

export function processEnv(spec: LaunchSpec, parent: NodeJS.ProcessEnv, passThrough: string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  const locale = Object.keys(parent).filter((n) => n.startsWith("LC_"));
  for (const name of [...BASE_ENV, ...locale, ...passThrough.filter((n) => !NEVER_PASSED.test(n))]) {
    const v = parent[name];
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...spec.env };
}

export class LocalProcessOpener implements ChannelOpener {
  constructor(
    private readonly policy: () => StdioPolicy,
    private readonly passThroughEnv: string[] = [],
  ) {}

  open(spec: LaunchSpec, log: LogSink): Promise<MessageChannel> {
    if (!spec.command) return Promise.reject(new LaunchError("this server has no command to run", "failed"));
    // Checked again at each start: the operator may have changed the setting since registration.
    const policy = this.policy();
    const refusal = commandRefusal(spec.command, policy) ?? envRefusal(Object.keys(spec.env), policy);
    if (refusal) return Promise.reject(new LaunchError(refusal, "not_allowed"));
    // With an allow-list, a bare name is the file it names on Toolgate's PATH, whatever the
    // process's own PATH says.
    const executable = policy.mode === "allowlist" ? resolveExecutable(spec.command) : spec.command;
    if (executable === null) return Promise.reject(new LaunchError(`could not start \`${spec.command}\`: command not found`, "not_found"));
    return new Promise((resolve, reject) => {
      const child = spawn(executable, spec.args, {
        cwd: spec.cwd ?? undefined,
        env: processEnv(spec, process.env, this.passThroughEnv) as NodeJS.ProcessEnv,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
        windowsHide: true,
      });
      const onError = (err: NodeJS.ErrnoException) => {
        const what = describeSpawnError(err, spec);
        log("event", what, null);
        reject(new LaunchError(what, err.code === "ENOENT" ? "not_found" : "failed"));
      };
      child.once("error", onError);
      child.once("spawn", () => {
        child.off("error", onError);
        const channel = new LocalChannel(child, log);
        log("event", `started: ${[spec.command, ...spec.args].join(" ")}`, child.pid ?? null);
        resolve(channel);
      });
    });
  }
}

function describeSpawnError(err: NodeJS.ErrnoException, spec: LaunchSpec): string {
  if (err.code === "ENOENT") {
    return spec.cwd ? `could not start \`${spec.command}\`: the command or the working directory ${spec.cwd} was not found` : `could not start \`${spec.command}\`: command not found`;
  }
  if (err.code === "EACCES") return `could not start \`${spec.command}\`: permission denied`;
  return `could not start \`${spec.command}\`: ${err.message}`;
}

class LocalChannel extends ChannelEvents implements MessageChannel {
  readonly pid: number | null;
  private closing = false;
  private lastStderr = "";

  constructor(
    private readonly child: ChildProcess,
    private readonly log: LogSink,
  ) {
    super();
    this.pid = child.pid ?? null;
    const stdout = new LineSplitter(
      (line) => {
        // MCP servers must write only messages to stdout; anything else goes to the log.
        if (line.charCodeAt(0) !== 123 /* { */ && line.charCodeAt(0) !== 91 /* [ */) return log("stdout", line.slice(0, STDERR_LINE_CAP), this.pid);
        this.emitMessage(line);
      },
      undefined,
      (bytes) => log("event", `dropped a ${bytes}-byte stdout line (over 16 MiB)`, this.pid),
    );
    const stderr = new LineSplitter(
      (line) => {
        this.lastStderr = line.slice(0, 500);
        log("stderr", line, this.pid);
      },
      STDERR_LINE_CAP,
      () => log("event", "dropped an over-long stderr line", this.pid),
    );
    child.stdout!.on("data", (c: Buffer) => stdout.push(c));
    child.stderr!.on("data", (c: Buffer) => stderr.push(c));
    // Writing to a process that just died raises EPIPE on stdin: the exit handler reports it.
    child.stdin!.on("error", () => {});
    child.once("exit", (code, signal) => {
      // What it started dies with it (`npx` leaves its server behind otherwise, holding the pipes).
      this.killGroup("SIGKILL");
      child.stdin!.destroy();
      // Reported once its output is read to the end (a last answer, the last stderr line), or
      // shortly after if something outside the group still holds the pipes.
      const report = () => this.reportExit(code, signal);
      child.once("close", report);
      setTimeout(report, 1_000).unref();
    });
  }

  private reportExit(code: number | null, signal: NodeJS.Signals | null) {
    if (this.exit) return;
    const message = this.closing
      ? "the server process was stopped"
      : `the server process exited ${signal ? `on signal ${signal}` : `with code ${code}`}${this.lastStderr ? ` (last stderr line: ${this.lastStderr})` : ""}`;
    const how = signal ? `on signal ${signal}` : `with code ${code}`;
    // A stop Toolgate asked for is not a crash: the log says which it was.
    this.log("event", this.closing ? `stopped (exited ${how})` : `exited ${how}`, this.pid);
    this.emitExit({ code, signal, message });
  }


  send(message: string) {
    if (this.exit || !this.child.stdin!.writable) return;
    this.child.stdin!.write(message + "\n");
  }

  close(now = false) {
    if (this.exit) return;
    if (now) return this.killGroup("SIGKILL");
    if (this.closing) return;
    this.closing = true;
    // Closing stdin is MCP's polite stop; TERM and then KILL the whole group if it lingers.
    this.child.stdin!.end();
    this.killGroup("SIGTERM");
    const timer = setTimeout(() => this.killGroup("SIGKILL"), KILL_GRACE_MS);
    timer.unref();
    this.child.once("exit", () => clearTimeout(timer));
  }

  /** Signals the process group (the leader may be gone while what it started lives on). */
  private killGroup(signal: NodeJS.Signals) {
    if (this.exit || this.pid === null) return;
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }
}
