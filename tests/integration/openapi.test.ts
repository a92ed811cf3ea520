import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, COMPONENT_PREFIX, type OpenApiDocument } from "../../lib/openapi/document";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD, type JsonResponse } from "../helpers/http";
import { spawnConnector, until } from "../helpers/stdio-servers";

// The OpenAPI document: valid 3.1 in structure, every $ref resolving, every route file of
// app/api/v1 described (a new route without docs fails here), and the responses of a running
// Toolgate matching the documented schemas, status codes included (with `additionalProperties:
// false` on responses, so an undocumented field fails too).

const ROOT = path.resolve(import.meta.dirname, "../..");
const API_DIR = path.join(ROOT, "app/api/v1");
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const doc = buildOpenApiDocument();
const strictDoc = buildOpenApiDocument({ strictResponses: true });

function routeFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) routeFiles(full, out);
    else if (entry === "route.ts") out.push(full);
  }
  return out;
}

/** `app/api/v1/servers/[id]/route.ts` → `/api/v1/servers/{id}`; null for the catch-all. */
function openApiPath(file: string): string | null {
  const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  if (rel.some((s) => s.startsWith("[..."))) return null;
  return "/" + rel.map((s) => (s.startsWith("[") ? `{${s.slice(1, -1)}}` : s)).join("/");
}

function exportedMethods(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = new Set<string>();
  for (const m of text.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) found.add(m[1].toLowerCase());
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1].matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE)\b|^\s*(GET|POST|PUT|PATCH|DELETE)\s*(?:,|$)/gm)) found.add((n[1] ?? n[2]).toLowerCase());
  return [...found].sort();
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`external $ref ${ref}`);
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function allRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) allRefs(n, out);
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else allRefs(v, out);
    }
  }
  return out;
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 in structure", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    const ids = new Set<string>();
    const tags = new Set(doc.tags.map((t) => t.name));
    for (const [p, item] of Object.entries(doc.paths)) {
      expect(p.startsWith("/")).toBe(true);
      const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${p}`;
        expect(METHODS as readonly string[], where).toContain(method);
        expect(op.operationId, where).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
        expect(ids.has(op.operationId), `${where}: operationId ${op.operationId} used twice`).toBe(false);
        ids.add(op.operationId);
        expect(op.summary, where).toBeTruthy();
        for (const tag of op.tags) expect(tags.has(tag), `${where}: tag ${tag}`).toBe(true);
        // Every operation answers something, at least one success, each with a description.
        const statuses = Object.keys(op.responses);
        expect(statuses.length, where).toBeGreaterThan(0);
        expect(statuses.some((s) => /^2\d\d$/.test(s)), where).toBe(true);
        for (const [status, r] of Object.entries(op.responses)) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          expect(r.description, `${where} ${status}`).toBeTruthy();
          if (status !== "204") expect(r.content, `${where} ${status} has no content`).toBeDefined();
          else expect(r.content, `${where} 204 has content`).toBeUndefined();
        }
        // Path parameters: exactly the template's, all required; no duplicate parameters.
        const params = op.parameters ?? [];
        expect(params.filter((x) => x.in === "path").map((x) => x.name).sort(), where).toEqual([...templated].sort());
        for (const x of params) {
          expect(["path", "query"]).toContain(x.in);
          if (x.in === "path") expect(x.required).toBe(true);
          expect(x.schema, `${where} ${x.name}`).toBeTypeOf("object");
        }
        expect(new Set(params.map((x) => `${x.in}:${x.name}`)).size, where).toBe(params.length);
        // Security names schemes that exist; routes that need a caller say 401.
        for (const req of op.security) for (const name of Object.keys(req)) expect(doc.components.securitySchemes, where).toHaveProperty(name);
        if (op.security.length > 0) expect(statuses, where).toContain("401");
        if (op.requestBody) {
          expect(op.requestBody.content["application/json"]?.schema, where).toBeDefined();
          expect(statuses, `${where}: a JSON body can be refused`).toEqual(expect.arrayContaining(["400", "415"]));
        }
        for (const s of statuses.filter((x) => /^[45]/.test(x))) {
          expect(op.responses[s].content?.["application/json"]?.schema, `${where} ${s}`).toEqual({ $ref: `${COMPONENT_PREFIX}Error` });
        }
      }
    }
  });

  it("resolves every $ref, and every schema is valid JSON Schema 2020-12", () => {
    const refs = allRefs(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) expect(resolvePointer(doc, ref), ref).toBeDefined();
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(ajv.validateSchema(schema), `${name}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
    }
    // And they compile, references included.
    ajv.addSchema({ $id: "https://toolgate.test/openapi.json", components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) {
      expect(ajv.getSchema(`https://toolgate.test/openapi.json#/components/schemas/${name}`), name).toBeTypeOf("function");
    }
  });

  it("describes every route file under app/api/v1, and nothing else", () => {
    const onDisk = new Set<string>();
    for (const file of routeFiles(API_DIR)) {
      const p = openApiPath(file);
      if (p === null) continue;
      const methods = exportedMethods(file);
      expect(methods.length, `${path.relative(ROOT, file)} exports no handler the test can see`).toBeGreaterThan(0);
      for (const m of methods) {
        onDisk.add(`${m.toUpperCase()} ${p}`);
        expect(doc.paths[p]?.[m], `${m.toUpperCase()} ${p} (${path.relative(ROOT, file)}) is not in lib/openapi/routes.ts`).toBeDefined();
      }
    }
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.filter((d) => !onDisk.has(d)), "documented but no route file exports it").toEqual([]);
    expect(onDisk.size).toBe(documented.length);
  });

  it("is listed whole in docs/api.md", () => {
    const markdown = readFileSync(path.join(ROOT, "docs/api.md"), "utf8");
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) expect(markdown, `docs/api.md lacks ${method.toUpperCase()} ${p}`).toContain(`\`${method.toUpperCase()} ${p.replace("/api/v1", "")}\``);
    }
  });

  it("documents the policy document with the policy engine's own JSON Schema", () => {
    const policy = doc.components.schemas.PolicyDocument as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(policy.properties)).toEqual(expect.arrayContaining(["$schema", "version", "default", "tools", "categories", "all_tools", "hide"]));
    expect(policy.required).toEqual(expect.arrayContaining(["version", "default"]));
    const put = doc.components.schemas.PublishPolicyRequest as { properties: { document: unknown } };
    expect(put.properties.document).toEqual({ $ref: `${COMPONENT_PREFIX}PolicyDocument` });
  });
});

describe("a running Toolgate answers as documented", () => {
  let app: ToolgateProcess;
  let upstream: TestUpstream;
  let api: ReturnType<typeof apiClient>;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: "https://toolgate.test/openapi.json", components: strictDoc.components });
  const checked = new Set<string>();

  /** Checks one answer against the document: its status must be listed, its body must match. */
  function conforms(method: string, template: string, r: JsonResponse, contentType = "application/json") {
    const op = (strictDoc as OpenApiDocument).paths[template]?.[method.toLowerCase()];
    const where = `${method} ${template} → ${r.status}`;
    expect(op, `${method} ${template} is not documented`).toBeDefined();
    const response = op!.responses[String(r.status)];
    expect(response, `${where} is not a documented status (body ${JSON.stringify(r.body).slice(0, 300)})`).toBeDefined();
    checked.add(`${method} ${template} ${r.status}`);
    if (r.status === 204) return;
    const schema = response.content?.[contentType]?.schema as Record<string, unknown> | undefined;
    expect(schema, `${where}: no ${contentType} schema`).toBeDefined();
    if (schema) {
      // References made absolute, so that an inline schema (anyOf of named ones) compiles on its own.
      const absolute = JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"https://toolgate.test/openapi.json#/'));
      const validate = ajv.compile(absolute);
      const ok = validate(r.body);
      expect(ok, `${where}: ${ajv.errorsText(validate.errors, { separator: "\n" })}\n${JSON.stringify(r.body, null, 1).slice(0, 1500)}`).toBe(true);
    }
  }

  let adminKey: string;
  let viewerKey: string;
  let email: string;

  beforeAll(async () => {
    upstream = await startTestUpstream();
    app = await startToolgateProcess({ databaseUrl: await freshDatabase("openapi") });
    api = apiClient(app.url);
  });
  afterAll(async () => {
    await app?.stop();
    await upstream?.close();
  });

  it("serves the document publicly and cacheably, and renders it at /docs/api without third-party scripts", async () => {
    const res = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.headers.get("cache-control")).toMatch(/public/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    checked.add("GET /api/v1/openapi.json 200");
    const page = await fetch(`${app.url}/docs/api`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Toolgate management API");
    for (const op of ["List servers", "Publish a new version", "The decision log"]) expect(html).toContain(op);
    expect(html).toContain('id="schema-PolicyDocument"');
    const external = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]).filter((src) => /^(https?:)?\/\//.test(src));
    expect(external).toEqual([]);
  });

  it("account, members, invitations and keys", async () => {
    email = uniqueEmail("openapi");
    const signup = await api("POST", "/api/v1/signup", { email, password: PASSWORD, organizationName: "Docs" });
    conforms("POST", "/api/v1/signup", signup);
    conforms("POST", "/api/v1/signup", await api("POST", "/api/v1/signup", { email, password: PASSWORD }));
    conforms("POST", "/api/v1/signup", await api("POST", "/api/v1/signup", { email: "nope", password: "x" }));
    conforms("POST", "/api/v1/signup", await api("POST", "/api/v1/signup", "email=x", { "content-type": "application/x-www-form-urlencoded" }));

    const created = await api("POST", "/api/v1/api-keys", { name: "admin" }, basic(email, PASSWORD));
    conforms("POST", "/api/v1/api-keys", created);
    adminKey = created.body.key;
    const viewer = await api("POST", "/api/v1/api-keys", { name: "viewer", role: "viewer" }, bearer(adminKey));
    conforms("POST", "/api/v1/api-keys", viewer);
    viewerKey = viewer.body.key;
    conforms("POST", "/api/v1/api-keys", await api("POST", "/api/v1/api-keys", { name: "x" }, basic(email, "wrong password")));
    conforms("POST", "/api/v1/api-keys", await api("POST", "/api/v1/api-keys", { name: "x" }, bearer(viewerKey)));
    conforms("GET", "/api/v1/api-keys", await api("GET", "/api/v1/api-keys", undefined, bearer(adminKey)));
    const spare = await api("POST", "/api/v1/api-keys", { name: "spare" }, bearer(adminKey));
    conforms("DELETE", "/api/v1/api-keys/{id}", await api("DELETE", `/api/v1/api-keys/${spare.body.id}`, undefined, bearer(adminKey)));
    conforms("DELETE", "/api/v1/api-keys/{id}", await api("DELETE", `/api/v1/api-keys/${spare.body.id}`, undefined, bearer(adminKey)));

    conforms("GET", "/api/v1/orgs", await api("GET", "/api/v1/orgs", undefined, bearer(viewerKey)));
    conforms("GET", "/api/v1/orgs", await api("GET", "/api/v1/orgs"));
    conforms("POST", "/api/v1/orgs", await api("POST", "/api/v1/orgs", { name: "other" }, bearer(adminKey)));
    conforms("GET", "/api/v1/orgs/current", await api("GET", "/api/v1/orgs/current", undefined, bearer(viewerKey)));
    conforms("PATCH", "/api/v1/orgs/current", await api("PATCH", "/api/v1/orgs/current", { name: "Docs, renamed" }, bearer(adminKey)));
    conforms("PATCH", "/api/v1/orgs/current", await api("PATCH", "/api/v1/orgs/current", { name: "" }, bearer(adminKey)));
    conforms("PATCH", "/api/v1/orgs/current", await api("PATCH", "/api/v1/orgs/current", { name: "x" }, bearer(viewerKey)));
    conforms("PUT", "/api/v1/orgs/current", await api("PUT", "/api/v1/orgs/current", { orgId: "org_x" }, bearer(adminKey)));
    conforms("POST", "/api/v1/invitations/accept", await api("POST", "/api/v1/invitations/accept", { token: "x" }, bearer(adminKey)));

    const invited = uniqueEmail("invited");
    const inv = await api("POST", "/api/v1/invitations", { email: invited, role: "policy_manager" }, bearer(adminKey));
    conforms("POST", "/api/v1/invitations", inv);
    conforms("POST", "/api/v1/invitations", await api("POST", "/api/v1/invitations", { email, role: "viewer" }, bearer(adminKey)));
    conforms("GET", "/api/v1/invitations", await api("GET", "/api/v1/invitations", undefined, bearer(adminKey)));
    const token = String(inv.body.url).split("/").pop();
    conforms("POST", "/api/v1/signup", await api("POST", "/api/v1/signup", { email: invited, password: PASSWORD, inviteToken: token }));
    const other = await api("POST", "/api/v1/invitations", { email: uniqueEmail("withdrawn"), role: "viewer" }, bearer(adminKey));
    conforms("DELETE", "/api/v1/invitations/{id}", await api("DELETE", `/api/v1/invitations/${other.body.invitation.id}`, undefined, bearer(adminKey)));
    conforms("DELETE", "/api/v1/invitations/{id}", await api("DELETE", `/api/v1/invitations/${other.body.invitation.id}`, undefined, bearer(adminKey)));

    const members = await api("GET", "/api/v1/members", undefined, bearer(viewerKey));
    conforms("GET", "/api/v1/members", members);
    const me = members.body.items.find((m: { user: { email: string } }) => m.user.email === email);
    const them = members.body.items.find((m: { user: { email: string } }) => m.user.email === invited);
    conforms("PATCH", "/api/v1/members/{id}", await api("PATCH", `/api/v1/members/${me.id}`, { role: "viewer" }, bearer(adminKey)));
    conforms("PATCH", "/api/v1/members/{id}", await api("PATCH", `/api/v1/members/${them.id}`, { role: "viewer" }, bearer(adminKey)));
    conforms("PATCH", "/api/v1/members/{id}", await api("PATCH", `/api/v1/members/${them.id}`, { role: "owner" }, bearer(adminKey)));
    conforms("PATCH", "/api/v1/members/{id}", await api("PATCH", "/api/v1/members/mem_nope", { role: "viewer" }, bearer(adminKey)));
    conforms("DELETE", "/api/v1/members/{id}", await api("DELETE", `/api/v1/members/${me.id}`, undefined, bearer(adminKey)));
    conforms("DELETE", "/api/v1/members/{id}", await api("DELETE", `/api/v1/members/${them.id}`, undefined, bearer(adminKey)));
  });

  it("servers, tools, policies, grants and the audit log", async () => {
    const a = bearer(adminKey);
    const v = bearer(viewerKey);
    const created = await api("POST", "/api/v1/servers", { name: "docs upstream", url: upstream.url, headers: { "X-Api-Key": "k" } }, a);
    conforms("POST", "/api/v1/servers", created);
    expect(created.body.sync.ok).toBe(true);
    const id = created.body.server.id as string;
    conforms("POST", "/api/v1/servers", await api("POST", "/api/v1/servers", { name: "docs upstream", url: upstream.url, sync: false }, a));
    const unsynced = await api("POST", "/api/v1/servers", { name: "later", url: upstream.url, sync: false, reviewChangedTools: false }, a);
    conforms("POST", "/api/v1/servers", unsynced);
    conforms("POST", "/api/v1/servers", await api("POST", "/api/v1/servers", { name: "x", url: "ftp://x" }, a));
    conforms("POST", "/api/v1/servers", await api("POST", "/api/v1/servers", { name: "x", url: upstream.url }, v));
    conforms("GET", "/api/v1/servers", await api("GET", "/api/v1/servers?limit=1", undefined, v));
    conforms("GET", "/api/v1/servers", await api("GET", "/api/v1/servers?limit=0", undefined, v));
    conforms("GET", "/api/v1/servers/{id}", await api("GET", `/api/v1/servers/${id}`, undefined, v));
    conforms("GET", "/api/v1/servers/{id}", await api("GET", "/api/v1/servers/srv_nope", undefined, v));
    conforms("PATCH", "/api/v1/servers/{id}", await api("PATCH", `/api/v1/servers/${unsynced.body.server.id}`, { name: "later, renamed" }, a));
    conforms("PATCH", "/api/v1/servers/{id}", await api("PATCH", `/api/v1/servers/${unsynced.body.server.id}`, { name: "docs upstream" }, a));
    conforms("POST", "/api/v1/servers/{id}/sync", await api("POST", `/api/v1/servers/${id}/sync`, undefined, a));
    conforms("GET", "/api/v1/servers/{id}/tools", await api("GET", `/api/v1/servers/${id}/tools?includeRemoved=true`, undefined, v));
    conforms("POST", "/api/v1/servers/{id}/tools", await api("POST", `/api/v1/servers/${id}/tools`, { review: ["echo"] }, a));
    conforms("POST", "/api/v1/servers/{id}/tools", await api("POST", `/api/v1/servers/${id}/tools`, { review: [] }, a));
    conforms("DELETE", "/api/v1/servers/{id}", await api("DELETE", `/api/v1/servers/${unsynced.body.server.id}`, undefined, a));

    // Command and connector servers (this Toolgate has command servers off: a connector needs nothing of it).
    conforms("GET", "/api/v1/servers/kinds", await api("GET", "/api/v1/servers/kinds", undefined, v));
    conforms("POST", "/api/v1/servers", await api("POST", "/api/v1/servers", { name: "cmd", kind: "command", command: "node" }, a));
    const connector = await api("POST", "/api/v1/servers", { name: "laptop", kind: "connector", processMode: "shared" }, a);
    conforms("POST", "/api/v1/servers", connector);
    expect(connector.body.connectorKey.secret).toMatch(/^tgc_/);
    const cid = connector.body.server.id as string;
    conforms("GET", "/api/v1/servers/{id}", await api("GET", `/api/v1/servers/${cid}`, undefined, v));
    conforms("PATCH", "/api/v1/servers/{id}", await api("PATCH", `/api/v1/servers/${cid}`, { url: "https://example.com/mcp" }, a));
    conforms("GET", "/api/v1/servers/{id}/processes", await api("GET", `/api/v1/servers/${cid}/processes`, undefined, v));
    conforms("GET", "/api/v1/servers/{id}/logs", await api("GET", `/api/v1/servers/${cid}/logs?after=0`, undefined, a));
    conforms("GET", "/api/v1/servers/{id}/logs", await api("GET", `/api/v1/servers/${cid}/logs?after=-1`, undefined, a));
    conforms("GET", "/api/v1/servers/{id}/logs", await api("GET", `/api/v1/servers/${cid}/logs`, undefined, v));
    const newKey = await api("POST", `/api/v1/servers/${cid}/connector-keys`, undefined, a);
    conforms("POST", "/api/v1/servers/{id}/connector-keys", newKey);
    conforms("POST", "/api/v1/servers/{id}/connector-keys", await api("POST", `/api/v1/servers/${id}/connector-keys`, undefined, a));
    conforms("GET", "/api/v1/servers/{id}/connector-keys", await api("GET", `/api/v1/servers/${cid}/connector-keys`, undefined, a));
    conforms("DELETE", "/api/v1/servers/{id}/connector-keys/{keyId}", await api("DELETE", `/api/v1/servers/${cid}/connector-keys/${newKey.body.key.id}`, undefined, a));
    conforms("DELETE", "/api/v1/servers/{id}/connector-keys/{keyId}", await api("DELETE", `/api/v1/servers/${cid}/connector-keys/ckey_nope`, undefined, a));
    conforms("GET", "/api/v1/servers", await api("GET", "/api/v1/servers", undefined, v));
    // A running process (the connector runs server-everything; one session open), then stopped.
    const live = spawnConnector(app.url, connector.body.connectorKey.secret).child;
    try {
      await until("the connector online", async () => (await api("GET", `/api/v1/servers/${cid}`, undefined, v)).body.server.connector.online);
      // The sync on connect runs a process of its own for a moment: let it finish first.
      await until("the sync on connect done", async () => {
        const [server, procs] = await Promise.all([api("GET", `/api/v1/servers/${cid}`, undefined, v), api("GET", `/api/v1/servers/${cid}/processes`, undefined, v)]);
        return server.body.server.lastSyncAt !== null && procs.body.items.length === 0;
      });
      const grantToken = (await api("POST", `/api/v1/servers/${cid}/grants`, { label: "docs" }, a)).body.token as string;
      const session = new Client({ name: "docs-live", version: "1.0.0" });
      await session.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${cid}`), { requestInit: { headers: bearer(grantToken) } }));
      const running = await until("its process", async () => {
        const r = await api("GET", `/api/v1/servers/${cid}/processes`, undefined, v);
        return r.body.items.length > 0 && r;
      });
      conforms("GET", "/api/v1/servers/{id}/processes", running);
      conforms("GET", "/api/v1/servers/{id}", await api("GET", `/api/v1/servers/${cid}`, undefined, v));
      conforms("DELETE", "/api/v1/servers/{id}/processes/{processId}", await api("DELETE", `/api/v1/servers/${cid}/processes/${running.body.items[0].id}`, undefined, a));
      conforms("DELETE", "/api/v1/servers/{id}/processes/{processId}", await api("DELETE", `/api/v1/servers/${cid}/processes/${running.body.items[0].id}`, undefined, a));
      conforms("GET", "/api/v1/servers/{id}/logs", await api("GET", `/api/v1/servers/${cid}/logs`, undefined, a));
      await session.close();
    } finally {
      live.kill("SIGKILL");
    }

    conforms("GET", "/api/v1/servers/{id}/policy", await api("GET", `/api/v1/servers/${id}/policy`, undefined, v));
    conforms("GET", "/api/v1/servers/{id}/policy/versions", await api("GET", `/api/v1/servers/${id}/policy/versions`, undefined, v));
    conforms("POST", "/api/v1/servers/{id}/policy/simulate", await api("POST", `/api/v1/servers/${id}/policy/simulate`, { call: { tool: "echo" } }, v));
    const recommended = await api("GET", `/api/v1/servers/${id}/policy/recommended`, undefined, v);
    conforms("GET", "/api/v1/servers/{id}/policy/recommended", recommended);
    const document = { ...recommended.body.document, tools: { ...recommended.body.document.tools, echo: {} } };
    conforms("PUT", "/api/v1/servers/{id}/policy", await api("PUT", `/api/v1/servers/${id}/policy`, { document, message: "docs" }, a));
    const invalid = await api("PUT", `/api/v1/servers/${id}/policy`, { document: { version: "1", default: "maybe" } }, a);
    conforms("PUT", "/api/v1/servers/{id}/policy", invalid);
    expect(invalid.body.error.details.errors[0].path).toBe("/default");
    conforms("GET", "/api/v1/servers/{id}/policy", await api("GET", `/api/v1/servers/${id}/policy`, undefined, v));
    conforms("GET", "/api/v1/servers/{id}/policy/versions", await api("GET", `/api/v1/servers/${id}/policy/versions`, undefined, v));
    const simulated = await api("POST", `/api/v1/servers/${id}/policy/simulate`, { call: { tool: "create_charge", args: { amount: 5, currency: "usd" } } }, v);
    conforms("POST", "/api/v1/servers/{id}/policy/simulate", simulated);
    const limited = await api("POST", `/api/v1/servers/${id}/policy/simulate`, { call: { tool: "start_dicom_import_job" } }, v);
    conforms("POST", "/api/v1/servers/{id}/policy/simulate", limited);
    expect(limited.body.limits.length).toBeGreaterThan(0);

    // The builder's draft: the caller's own, any text while it is being edited.
    conforms("GET", "/api/v1/servers/{id}/policy/draft", await api("GET", `/api/v1/servers/${id}/policy/draft`, undefined, a));
    conforms("PUT", "/api/v1/servers/{id}/policy/draft", await api("PUT", `/api/v1/servers/${id}/policy/draft`, { text: '{ "version": "1", ', baseVersion: 1 }, a));
    conforms("GET", "/api/v1/servers/{id}/policy/draft", await api("GET", `/api/v1/servers/${id}/policy/draft`, undefined, a));
    conforms("PUT", "/api/v1/servers/{id}/policy/draft", await api("PUT", `/api/v1/servers/${id}/policy/draft`, { text: 42 }, a));
    conforms("GET", "/api/v1/servers/{id}/policy/draft", await api("GET", `/api/v1/servers/${id}/policy/draft`, undefined, v));
    conforms("DELETE", "/api/v1/servers/{id}/policy/draft", await api("DELETE", `/api/v1/servers/${id}/policy/draft`, undefined, a));

    const grant = await api("POST", `/api/v1/servers/${id}/grants`, { label: "docs agent", metadata: { team: "docs" } }, a);
    conforms("POST", "/api/v1/servers/{id}/grants", grant);
    conforms("POST", "/api/v1/servers/{id}/grants", await api("POST", "/api/v1/servers/srv_nope/grants", { label: "x" }, a));
    conforms("GET", "/api/v1/grants", await api("GET", `/api/v1/grants?serverId=${id}&active=true`, undefined, v));
    const own = await api("POST", `/api/v1/servers/${id}/grants`, { label: "own" }, a);
    conforms("PUT", "/api/v1/grants/{id}/policy", await api("PUT", `/api/v1/grants/${own.body.id}/policy`, { policy: { version: "1", default: "allow" } }, a));
    conforms("PUT", "/api/v1/grants/{id}/policy", await api("PUT", `/api/v1/grants/${own.body.id}/policy`, { policyId: null }, a));
    conforms("POST", "/api/v1/grants/{id}/rotate", await api("POST", `/api/v1/grants/${own.body.id}/rotate`, undefined, a));
    conforms("DELETE", "/api/v1/grants/{id}", await api("DELETE", `/api/v1/grants/${own.body.id}`, undefined, a));
    conforms("DELETE", "/api/v1/grants/{id}", await api("DELETE", `/api/v1/grants/${own.body.id}`, undefined, a));
    conforms("POST", "/api/v1/grants/{id}/rotate", await api("POST", `/api/v1/grants/${own.body.id}/rotate`, undefined, a));

    // Two calls through the gateway, one allowed and one denied, for the audit log.
    const client = new Client({ name: "openapi-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${id}`), { requestInit: { headers: bearer(grant.body.token) } }));
    await client.callTool({ name: "echo", arguments: { message: "hi" } });
    await client.callTool({ name: "delete_file", arguments: { path: "/tmp/x" } });
    await client.close();
    let page: JsonResponse = { status: 0, headers: new Headers(), body: null };
    for (let i = 0; i < 50; i++) {
      page = await api("GET", `/api/v1/audit?serverId=${id}`, undefined, v);
      if (page.body.items?.length >= 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(page.body.items.length).toBe(2);
    conforms("GET", "/api/v1/audit", page);
    conforms("GET", "/api/v1/audit", await api("GET", "/api/v1/audit?format=json&decision=allow,deny", undefined, v));
    conforms("GET", "/api/v1/audit", await api("GET", "/api/v1/audit?from=yesterday", undefined, v));
    const csv = await fetch(`${app.url}/api/v1/audit?format=csv`, { headers: v });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    conforms("GET", "/api/v1/audit", { status: csv.status, headers: csv.headers, body: await csv.text() }, "text/csv");
    conforms("GET", "/api/v1/audit/stats", await api("GET", `/api/v1/audit/stats?serverId=${id}`, undefined, v));
    const replayed = await api("POST", `/api/v1/servers/${id}/policy/replay`, { policy: { ...document, hide: ["echo"] }, days: 1 }, v);
    conforms("POST", "/api/v1/servers/{id}/policy/replay", replayed);
    expect(replayed.body.totals).toMatchObject({ calls: 2, changed: 1, newlyHidden: 1 });
    conforms("POST", "/api/v1/servers/{id}/policy/replay", await api("POST", `/api/v1/servers/${id}/policy/replay`, { policy: { version: "1", default: "maybe" } }, v));
    conforms("GET", "/api/v1/audit/admin", await api("GET", "/api/v1/audit/admin?limit=500", undefined, v));
    conforms("GET", "/api/v1/audit/admin", await api("GET", "/api/v1/audit/admin"));
    conforms("POST", "/api/v1/servers/{id}/sync", await api("POST", `/api/v1/servers/${id}/sync`, undefined, v));
  });

  it("approval requests, decisions and the webhook", async () => {
    const a = bearer(adminKey);
    const v = bearer(viewerKey);
    const created = await api("POST", "/api/v1/servers", { name: "approvals upstream", url: upstream.url }, a);
    const id = created.body.server.id as string;
    await api("PUT", `/api/v1/servers/${id}/policy`, { document: { version: "1", default: "allow", tools: { echo: { action: "require_approval" } } } }, a);
    const grant = await api("POST", `/api/v1/servers/${id}/grants`, { label: "approvals agent" }, a);
    const client = new Client({ name: "openapi-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${id}`), { requestInit: { headers: bearer(grant.body.token) } }));
    const ids: string[] = [];
    for (const message of ["one", "two", "three"]) {
      const r = await client.callTool({ name: "echo", arguments: { message } });
      ids.push(/approval id (apr_[0-9a-f]+)/.exec((r.content as { text: string }[])[0].text)![1]);
    }
    await client.close();

    conforms("GET", "/api/v1/approvals", await api("GET", `/api/v1/approvals?serverId=${id}&limit=2`, undefined, v));
    conforms("GET", "/api/v1/approvals", await api("GET", "/api/v1/approvals?status=nope", undefined, v));
    conforms("GET", "/api/v1/approvals/count", await api("GET", "/api/v1/approvals/count", undefined, v));
    conforms("GET", "/api/v1/approvals/{id}", await api("GET", `/api/v1/approvals/${ids[0]}`, undefined, v));
    conforms("GET", "/api/v1/approvals/{id}", await api("GET", "/api/v1/approvals/apr_nope", undefined, v));
    conforms("POST", "/api/v1/approvals/{id}/approve", await api("POST", `/api/v1/approvals/${ids[0]}/approve`, { comment: "ok" }, a));
    conforms("POST", "/api/v1/approvals/{id}/approve", await api("POST", `/api/v1/approvals/${ids[1]}/approve`, {}, v));
    conforms("POST", "/api/v1/approvals/{id}/deny", await api("POST", `/api/v1/approvals/${ids[1]}/deny`, { comment: "no" }, a));
    conforms("POST", "/api/v1/approvals/{id}/deny", await api("POST", `/api/v1/approvals/${ids[2]}/deny`, {}, a));
    const conflict = await api("POST", `/api/v1/approvals/${ids[0]}/deny`, { comment: "too late" }, a);
    expect(conflict.status).toBe(409);
    conforms("POST", "/api/v1/approvals/{id}/deny", conflict);
    conforms("GET", "/api/v1/approvals", await api("GET", `/api/v1/approvals?serverId=${id}`, undefined, v));

    const receiver = http.createServer((req, res) => req.resume().on("end", () => res.end("ok")));
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      conforms("GET", "/api/v1/approval-webhook", await api("GET", "/api/v1/approval-webhook", undefined, a));
      conforms("POST", "/api/v1/approval-webhook/test", await api("POST", "/api/v1/approval-webhook/test", undefined, a));
      conforms("PUT", "/api/v1/approval-webhook", await api("PUT", "/api/v1/approval-webhook", { url }, a));
      conforms("PUT", "/api/v1/approval-webhook", await api("PUT", "/api/v1/approval-webhook", { url: "nope" }, a));
      conforms("PUT", "/api/v1/approval-webhook", await api("PUT", "/api/v1/approval-webhook", { url }, v));
      conforms("POST", "/api/v1/approval-webhook/test", await api("POST", "/api/v1/approval-webhook/test", undefined, a));
      conforms("POST", "/api/v1/approval-webhook/secret", await api("POST", "/api/v1/approval-webhook/secret", undefined, a));
      conforms("GET", "/api/v1/approval-webhook", await api("GET", "/api/v1/approval-webhook", undefined, a));
      conforms("DELETE", "/api/v1/approval-webhook", await api("DELETE", "/api/v1/approval-webhook", undefined, a));
      conforms("DELETE", "/api/v1/approval-webhook", await api("DELETE", "/api/v1/approval-webhook", undefined, a));
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it("every documented success answer was seen (session-only routes excepted)", () => {
    const sessionOnly = ["POST /api/v1/orgs", "PUT /api/v1/orgs/current", "POST /api/v1/invitations/accept"];
    const missing: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${p}`;
        if (sessionOnly.includes(key)) continue;
        for (const status of Object.keys(op.responses).filter((s) => s.startsWith("2"))) {
          if (!checked.has(`${key} ${status}`)) missing.push(`${key} ${status}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
