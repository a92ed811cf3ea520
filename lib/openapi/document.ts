import { z } from "zod";
import { policyJsonSchema } from "../../gateway/policy";
import { PERMISSIONS } from "../auth/permissions";
import { RESPONSE_SCHEMAS, PolicyDocumentRef } from "./schemas";
import { impliedErrors, ROUTES, TAGS, type ErrorStatus, type ResponseDoc, type RouteDoc, type SchemaPatch } from "./routes";

/**
 * The OpenAPI 3.1 document of /api/v1, built from the route registry (routes.ts), the zod
 * schemas the routes parse with (request bodies and query strings, `io: "input"`), the response
 * schemas (schemas.ts, `io: "output"`) and the policy document's JSON Schema. OpenAPI 3.1 uses
 * JSON Schema 2020-12, which is what zod 4 emits, so schemas go in unchanged apart from tidying.
 */

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  servers: { url: string; description?: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
};
export interface OpenApiParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema; example?: unknown }> };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: JsonSchema }> }>;
  "x-permission"?: string;
  "x-roles"?: readonly string[];
}

export const COMPONENT_PREFIX = "#/components/schemas/";
const ref = (name: string) => ({ $ref: `${COMPONENT_PREFIX}${name}` });

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: "Invalid request: `validation_failed` (per-field messages in `details.fields`), `invalid_json` or `bad_request`",
  401: "`unauthorized`: no credentials, or an invalid or revoked API key",
  403: "`forbidden`: the caller's role does not have the permission this route needs",
  404: "`not_found`: no such object in the caller's organization",
  409: "`conflict`",
  415: "`unsupported_media_type`: the body must be sent as `application/json`",
  429: "`rate_limited`: try again later (see `Retry-After` when present)",
  502: "`upstream_error`: the upstream MCP server could not be reached",
};

/** Drops what does not belong in an embedded schema and zod's long format regexes. */
function tidy(node: unknown, opts: { dropClosed: boolean }): unknown {
  if (Array.isArray(node)) return node.map((n) => tidy(n, opts));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  const obj = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    if (key === "$schema" || key === "$id") continue;
    if (key === "pattern" && typeof obj.format === "string") continue;
    if (key === "additionalProperties" && value === false && opts.dropClosed) continue;
    // zod bounds every integer by the safe range: true, and noise in a document.
    if ((key === "minimum" && value === Number.MIN_SAFE_INTEGER) || (key === "maximum" && value === Number.MAX_SAFE_INTEGER)) continue;
    if (NAME_MAPS.has(key) && value !== null && typeof value === "object" && !Array.isArray(value)) {
      // These hold names (a property may be called `$schema`), not keywords: tidy the values only.
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, tidy(sub, opts)]));
    } else if (key === "const" || key === "enum" || key === "default" || key === "examples") {
      out[key] = value;
    } else {
      out[key] = tidy(value, opts);
    }
  }
  return out;
}
const NAME_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

function patchProperties(schema: JsonSchema, patches: Record<string, SchemaPatch> | undefined): JsonSchema {
  if (!patches) return schema;
  const properties = { ...((schema.properties as Record<string, JsonSchema>) ?? {}) };
  for (const [name, patch] of Object.entries(patches)) {
    const base = properties[name];
    if (base === undefined) throw new Error(`openapi: no property \`${name}\` to describe`);
    // A $ref replaces the generated schema (zod only knows the field as `unknown`); the rest merges.
    properties[name] = "$ref" in patch ? { ...patch } : { ...base, ...patch };
  }
  return { ...schema, properties };
}

function inputSchema(schema: z.ZodType): JsonSchema {
  return tidy(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), { dropClosed: false }) as JsonSchema;
}

/** Named response schemas, with references between them (and to PolicyDocument). */
function responseComponents(strict: boolean): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id: name });
  registry.add(PolicyDocumentRef, { id: "PolicyDocument" });
  const { schemas } = z.toJSONSchema(registry, { io: "output", unrepresentable: "any", uri: (id) => `${COMPONENT_PREFIX}${id}` });
  const out: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(schemas)) out[name] = tidy(schema, { dropClosed: !strict }) as JsonSchema;
  return out;
}

function queryParameters(route: RouteDoc): OpenApiParameter[] {
  if (!route.query) return [];
  const schema = inputSchema(route.query);
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...rest } = s;
    const doc = route.queryDocs?.[name] ?? (description as string | undefined);
    return { name, in: "query" as const, required: required.has(name), ...(doc ? { description: doc } : {}), schema: rest };
  });
}

function pathParameters(route: RouteDoc): OpenApiParameter[] {
  const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  return names.map((name) => ({ name, in: "path" as const, required: true, description: route.params?.[name] ?? name, schema: { type: "string" } }));
}

function security(route: RouteDoc): Record<string, string[]>[] {
  const auth = route.auth;
  if (auth.kind === "public") return [];
  if (auth.kind === "user" && auth.sessionOnly) return [{ session: [] }];
  const schemes: Record<string, string[]>[] = [{ apiKey: [] }, { session: [] }];
  return auth.kind === "org" && auth.allowBasic ? [...schemes, { basic: [] }] : schemes;
}

function describeAuth(route: RouteDoc): string {
  const auth = route.auth;
  if (auth.kind === "public") return "Public: no authentication.";
  if (auth.kind === "user") return auth.sessionOnly ? "Dashboard sessions only (API keys get 403)." : "Any signed-in person or API key.";
  return `Needs \`${auth.permission}\` (${PERMISSIONS[auth.permission].join(", ")}).${auth.allowBasic ? " Also accepts HTTP Basic email:password." : ""}`;
}

function successResponse(doc: ResponseDoc) {
  const content: Record<string, { schema: JsonSchema }> = {};
  if (doc.schema) content["application/json"] = { schema: Array.isArray(doc.schema) ? { anyOf: doc.schema.map(ref) } : ref(doc.schema) };
  for (const [type, alt] of Object.entries(doc.alternatives ?? {})) content[type] = { schema: { ...alt.schema, description: alt.description } };
  const headers = doc.headers
    ? Object.fromEntries(Object.entries(doc.headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]))
    : undefined;
  return { description: doc.description, ...(headers ? { headers } : {}), ...(doc.schema ? { content } : {}) };
}

function operation(route: RouteDoc): OpenApiOperation {
  const responses: OpenApiOperation["responses"] = {};
  for (const [status, doc] of Object.entries(route.responses)) responses[status] = successResponse(doc);
  for (const status of impliedErrors(route)) {
    const note = route.errors?.[status];
    const description = note ? `${ERROR_TEXT[status].split(":")[0]}: ${note}` : ERROR_TEXT[status];
    responses[String(status)] = { description, content: { "application/json": { schema: ref("Error") } } };
  }
  const parameters = [...pathParameters(route), ...queryParameters(route)];
  const op: OpenApiOperation = {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, describeAuth(route)].filter(Boolean).join("\n\n"),
    tags: [route.tag],
    security: security(route),
    ...(parameters.length ? { parameters } : {}),
    responses,
  };
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { "application/json": { schema: ref(route.body.name), ...(route.body.example !== undefined ? { example: route.body.example } : {}) } },
    };
  }
  if (route.auth.kind === "org") {
    op["x-permission"] = route.auth.permission;
    op["x-roles"] = PERMISSIONS[route.auth.permission];
  }
  return op;
}

export interface BuildOptions {
  /** Keep `additionalProperties: false` on response objects (tests check no field goes undocumented). */
  strictResponses?: boolean;
}

export function buildOpenApiDocument(opts: BuildOptions = {}): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = responseComponents(opts.strictResponses ?? false);
  schemas.PolicyDocument = {
    ...(tidy(policyJsonSchema(), { dropClosed: false }) as JsonSchema),
    description: "A policy document, version 1 (see docs/policy-language.md). Every object is closed: a misspelt field is an error.",
  };
  schemas.OpenApiDocument = { type: "object", description: "An OpenAPI 3.1 document", required: ["openapi", "info", "paths"] };
  const paths: OpenApiDocument["paths"] = {};
  for (const route of ROUTES) {
    if (route.body) {
      if (schemas[route.body.name] !== undefined) throw new Error(`openapi: schema name \`${route.body.name}\` used twice`);
      schemas[route.body.name] = patchProperties(inputSchema(route.body.schema), route.body.fields);
    }
    const item = (paths[route.path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`openapi: ${route.method} ${route.path} described twice`);
    item[method] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Toolgate management API",
      version: "v1",
      description:
        "Manage MCP servers, policies, grants and the audit log of a Toolgate organization. JSON in and out; authenticate with an organization API key (`Authorization: Bearer tgk_…`) or a dashboard session. Lists are paged with `limit` and `cursor` (pass the previous page's `nextCursor`). Every error is `{error:{code,message,details?}}`.",
    },
    servers: [{ url: "/", description: "this Toolgate" }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ apiKey: [] }, { session: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", bearerFormat: "tgk_…", description: "An organization API key (Settings → API keys, or POST /api/v1/api-keys). It acts with the role it was created with." },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "The dashboard's session cookie; the organization is the one chosen in the dashboard (or `X-Toolgate-Org`)." },
        basic: { type: "http", scheme: "basic", description: "email:password, accepted only where stated (to create a first API key)" },
      },
    },
  };
}

let cached: OpenApiDocument | undefined;
/** The document as served (built once per process). */
export function openApiDocument(): OpenApiDocument {
  return (cached ??= buildOpenApiDocument());
}
