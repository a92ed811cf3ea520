import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { CliFailure, type System } from "./io";

/**
 * Where the CLI finds Toolgate: ~/.config/toolgate/config.json ($XDG_CONFIG_HOME when set),
 * written by `toolgate login` with mode 0600. TOOLGATE_URL and TOOLGATE_API_KEY override it
 * (for CI, where nothing is stored).
 */

export interface Credentials {
  url: string;
  apiKey: string;
}

export function configPath(sys: System): string {
  const base = sys.env.XDG_CONFIG_HOME || path.join(sys.homedir(), ".config");
  return path.join(base, "toolgate", "config.json");
}

export function readConfig(sys: System): Partial<Credentials> {
  const file = configPath(sys);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    return {
      url: typeof parsed.url === "string" ? parsed.url : undefined,
      apiKey: typeof parsed.apiKey === "string" ? parsed.apiKey : undefined,
    };
  } catch (error) {
    throw new CliFailure(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)} (run \`toolgate login\` again)`);
  }
}

export function writeConfig(sys: System, credentials: Credentials): string {
  const file = configPath(sys);
  sys.writeText(file, JSON.stringify(credentials, null, 2) + "\n", 0o600);
  return file;
}

export function removeConfig(sys: System): boolean {
  const file = configPath(sys);
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

/** `https://toolgate.example.com/` → `https://toolgate.example.com`; anything but http(s) is refused. */
export function normalizeUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.toString().replace(/\/+$/, "");
}

/** The URL and key to use: environment first, then the config file. */
export function resolveCredentials(sys: System): Credentials {
  const stored = readConfig(sys);
  const url = sys.env.TOOLGATE_URL || stored.url;
  const apiKey = sys.env.TOOLGATE_API_KEY || stored.apiKey;
  if (!url || !apiKey) {
    throw new CliFailure("not logged in: run `toolgate login --url <toolgate url> --key <api key>`, or set TOOLGATE_URL and TOOLGATE_API_KEY");
  }
  const normalized = normalizeUrl(url);
  if (!normalized) throw new CliFailure(`invalid Toolgate URL \`${url}\`: expected http(s)://host[:port]`);
  return { url: normalized, apiKey };
}
