import { z } from "zod";

const headerName = z.string().trim().min(1, "header name is required").max(100).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "not a valid HTTP header name");
const forbiddenHeaders = new Set(["host", "content-length", "content-type", "accept", "mcp-session-id", "mcp-protocol-version", "connection", "transfer-encoding"]);

export const upstreamHeadersSchema = z
  .record(headerName, z.string().max(8192, "header value is too long"))
  .refine((h) => Object.keys(h).every((k) => !forbiddenHeaders.has(k.toLowerCase())), "these headers are set by the gateway itself and cannot be configured")
  .refine((h) => Object.keys(h).length <= 20, "at most 20 headers");

export const transportSchema = z.enum(["auto", "streamable_http", "sse"], { error: "transport must be auto, streamable_http or sse" });

export const createServerSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100, "name must be at most 100 characters"),
  url: z.string().trim().min(1, "url is required").max(2000, "url is too long"),
  transport: transportSchema.optional(),
  headers: upstreamHeadersSchema.optional(),
  reviewChangedTools: z.boolean().optional(),
  /** Connect and list tools right away (default true). */
  sync: z.boolean().optional(),
});

export const updateServerSchema = createServerSchema.omit({ sync: true }).partial();

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
