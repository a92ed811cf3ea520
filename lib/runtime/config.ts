import path from "node:path";
import { z } from "zod";

// Every setting Toolgate reads from the environment, parsed once with clear errors.
// The README's configuration table lists the same names.
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  TOOLGATE_DATA_DIR: z.string().default(".toolgate"),
  TOOLGATE_PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().optional(),
  TOOLGATE_ENCRYPTION_KEY: z.string().optional(),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
  GOOGLE_ID: z.string().optional(),
  GOOGLE_SECRET: z.string().optional(),
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().optional(),
  // Command servers (docs/stdio-servers.md): off unless the operator turns them on.
  TOOLGATE_STDIO: z.enum(["off", "allowlist", "on"], { error: "TOOLGATE_STDIO must be off, allowlist or on" }).default("off"),
  TOOLGATE_STDIO_ALLOWLIST: z.string().optional(),
  TOOLGATE_STDIO_MAX_PER_ORG: z.coerce.number().int().min(1).max(10_000).default(20),
  TOOLGATE_STDIO_PASS_ENV: z.string().optional(),
});

export type RuntimeConfig = z.infer<typeof EnvSchema> & { dataDir: string };

export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.TOOLGATE_DATA_DIR) };
}
