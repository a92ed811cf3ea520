import { z } from "zod";

const headerName = z.string().trim().min(1, "header name is required").max(100).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "not a valid HTTP header name");
const forbiddenHeaders = new Set(["host", "content-length", "content-type", "accept", "mcp-session-id", "mcp-protocol-version", "connection", "transfer-encoding"]);

export const upstreamHeadersSchema = z
  .record(headerName, z.string().max(8192, "header value is too long"))
  .refine((h) => Object.keys(h).every((k) => !forbiddenHeaders.has(k.toLowerCase())), "these headers are set by the gateway itself and cannot be configured")
  .refine((h) => Object.keys(h).length <= 20, "at most 20 headers");

export const transportSchema = z.enum(["auto", "streamable_http", "sse"], { error: "transport must be auto, streamable_http or sse" });

export const serverKindSchema = z.enum(["url", "command", "connector"], { error: "kind must be url, command or connector" });

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a valid environment variable name").max(200);
export const processEnvSchema = z
  .record(envName, z.string().max(32_768, "value is too long"))
  .refine((e) => Object.keys(e).length <= 100, "at most 100 variables");

// Command and connector servers: how their processes run (docs/stdio-servers.md).
const processFields = {
  processMode: z.enum(["session", "shared"], { error: "processMode must be session or shared" }).optional(),
  idleTimeoutSeconds: z.number().int("a whole number of seconds").min(1, "at least 1 second").max(86_400, "at most a day").optional(),
  maxProcesses: z.number().int().min(1, "at least 1").max(1_000, "at most 1000").optional(),
};

const cwdSchema = z.string().trim().min(1).max(1000).refine((p) => p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p), "the working directory must be an absolute path");

const serverFields = z.object({
  name: z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters"),
  kind: serverKindSchema.optional(),
  url: z.string().trim().min(1, "url is required").max(2000, "url is too long").optional(),
  transport: transportSchema.optional(),
  headers: upstreamHeadersSchema.optional(),
  command: z.string().trim().min(1, "command is required").max(1000, "command is too long").optional(),
  args: z.array(z.string().max(4000, "argument is too long")).max(100, "at most 100 arguments").optional(),
  env: processEnvSchema.optional(),
  cwd: cwdSchema.optional(),
  ...processFields,
  reviewChangedTools: z.boolean().optional(),
  /** Connect and list tools right away (default true). */
  sync: z.boolean().optional(),
});

const URL_ONLY = ["url", "transport", "headers"] as const;
const COMMAND_ONLY = ["command", "args", "env", "cwd"] as const;

/** Which fields a kind takes: each kind's own are required or allowed, the others' refused by name. */
function checkKindFields(input: Partial<Record<string, unknown>> & { kind?: string }, ctx: z.RefinementCtx, kind: string) {
  const refuse = (fields: readonly string[], why: string) => {
    for (const f of fields) if (input[f] !== undefined) ctx.addIssue({ code: "custom", path: [f], message: why });
  };
  if (kind === "url") {
    refuse(COMMAND_ONLY, "only command servers take this field");
    if (["processMode", "idleTimeoutSeconds", "maxProcesses"].some((f) => input[f] !== undefined)) refuse(["processMode", "idleTimeoutSeconds", "maxProcesses"], "only command and connector servers run processes");
  } else if (kind === "command") {
    refuse(URL_ONLY, "a command server has no URL, transport or headers: its process is spoken to over stdio");
  } else {
    refuse(URL_ONLY, "a connector server is reached through its connector: it has no URL, transport or headers");
    refuse(COMMAND_ONLY, "a connector server runs the command given to `toolgate connect` on the connector's machine");
  }
}

export const createServerSchema = serverFields.superRefine((input, ctx) => {
  const kind = input.kind ?? "url";
  checkKindFields(input, ctx, kind);
  if (kind === "url" && input.url === undefined) ctx.addIssue({ code: "custom", path: ["url"], message: "url is required" });
  if (kind === "command" && input.command === undefined) ctx.addIssue({ code: "custom", path: ["command"], message: "command is required" });
});

// The kind of a server is fixed once created; the route checks the fields against it.
// `cwd: null` clears the working directory (the process then starts in Toolgate's own).
export const updateServerSchema = serverFields.omit({ sync: true, kind: true }).partial().extend({ cwd: cwdSchema.nullable().optional() });

export { checkKindFields };

export const toolCallSchema = z.object({
  tool: z.string().min(1, "tool is required").max(200),
  args: z.record(z.string(), z.unknown()).optional(),
});

export const simulateSchema = z.object({
  policy: z.unknown().optional(),
  call: toolCallSchema,
  grant: z.object({ label: z.string().max(200).optional(), metadata: z.record(z.string(), z.unknown()).optional() }).optional(),
});

// baseVersion: the version the edit started from (null: none); a stale one is a 409 with the current version.
export const putPolicySchema = z.object({ document: z.unknown(), message: z.string().max(500).optional(), baseVersion: z.number().int().min(1).nullable().optional() });

export const createGrantSchema = z.object({
  label: z.string().trim().min(1, "label is required").max(100, "label must be at most 100 characters"),
  policy: z.unknown().optional(),
  policyId: z.string().max(100).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const grantPolicySchema = z.object({ policy: z.unknown().optional(), policyId: z.string().max(100).nullable().optional() });

/** POST /servers/{id}/tools: the tools to mark as reviewed, by name. */
export const reviewToolsSchema = z.object({
  review: z.array(z.string().min(1, "a tool name is required").max(300)).min(1, "name at least one tool").max(1000, "at most 1000 tools at once"),
});

/** GET /servers/{id}/logs */
export const serverLogsQuery = z.object({
  after: z.coerce.number().int().min(0, "after must be 0 or more").optional(),
  limit: z.coerce.number().int().min(1).max(1000, "limit must be at most 1000").optional(),
});
