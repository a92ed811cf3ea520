import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";
import { apiClient, basic, bearer, signInSession, uniqueEmail, PASSWORD } from "../helpers/http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { freePort } from "../../lib/runtime/free-port";

// The management API for servers, tools, policies, grants and the audit log: what each endpoint
// does, and its failures. Every route's 400/401/403/404 and tenant isolation: api-matrix.test.ts.
let app: ToolgateProcess;
let upstream: TestUpstream;
let api: ReturnType<typeof apiClient>;
const k: Record<string, string> = {};
let serverId: string;

async function org(tag: string) {
  const email = uniqueEmail(tag);
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  const key = async (role: string) => (await api("POST", "/api/v1/api-keys", { name: role, role }, basic(email, PASSWORD))).body.key as string;
  return { email, admin: await key("admin"), pm: await key("policy_manager"), viewer: await key("viewer") };
}

beforeAll(async () => {
  upstream = await startTestUpstream();
  app = await startToolgateProcess({ databaseUrl: await freshDatabase("apisrv") });
  api = apiClient(app.url);
  const a = await org("a");
  Object.assign(k, { a: a.admin, aPm: a.pm, aViewer: a.viewer, aEmail: a.email });
  const created = await api("POST", "/api/v1/servers", { name: "test upstream", url: upstream.url, headers: { "X-Api-Key": "k-123" } }, bearer(k.a));
  expect(created.status).toBe(201);
  serverId = created.body.server.id;
});
afterAll(async () => {
  await app?.stop();
  await upstream?.close();
});

describe("servers", () => {
  it("201: created, synced at once, the header value never returned", async () => {
    const r = await api("GET", `/api/v1/servers/${serverId}`, undefined, bearer(k.aViewer));
    expect(r.status).toBe(200);
    expect(r.body.server).toMatchObject({ name: "test upstream", headerNames: ["X-Api-Key"] });
    expect(JSON.stringify(r.body)).not.toContain("k-123");
    const list = await api("GET", "/api/v1/servers", undefined, bearer(k.a));
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([serverId]);
    expect(upstream.requests.some((h) => h["x-api-key"] === "k-123")).toBe(true);
  });

  it("400 for bad input, 409 for a duplicate name, 403 for non-admins", async () => {
    const bad = await api("POST", "/api/v1/servers", { name: "", url: "ftp://x" }, bearer(k.a));
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)).toContain("name");
    const badUrl = await api("POST", "/api/v1/servers", { name: "x", url: "ftp://x" }, bearer(k.a));
    expect(badUrl.body.error.details.fields.url).toMatch(/http/);
    const dup = await api("POST", "/api/v1/servers", { name: "test upstream", url: upstream.url, sync: false }, bearer(k.a));
    expect(dup.status).toBe(409);
    expect((await api("POST", "/api/v1/servers", { name: "y", url: upstream.url }, bearer(k.aPm))).status).toBe(403);
    expect((await api("POST", "/api/v1/servers", { name: "y", url: upstream.url })).status).toBe(401);
  });

  it("201 with the reason when the upstream cannot be reached: refused", async () => {
    const port = await freePort();
    const r = await api("POST", "/api/v1/servers", { name: "down", url: `http://127.0.0.1:${port}/mcp` }, bearer(k.a));
    expect(r.status).toBe(201);
    expect(r.body.sync).toMatchObject({ ok: false, error: { code: "upstream_error", details: { kind: "refused" } } });
    expect(r.body.sync.error.message).toMatch(/refused the connection/);
    const sync = await api("POST", `/api/v1/servers/${r.body.server.id}/sync`, undefined, bearer(k.a));
    expect(sync.status).toBe(502);
  });

  it("tools: every tool rated, with reasons and a recommended rule", async () => {
    const r = await api("GET", `/api/v1/servers/${serverId}/tools`, undefined, bearer(k.aViewer));
    expect(r.status).toBe(200);
    const byName = Object.fromEntries(r.body.items.map((t: { name: string }) => [t.name, t]));
    expect(byName.delete_file.risk).toMatchObject({ category: "Destructive", level: "critical" });
    expect(byName.create_charge.risk).toMatchObject({ category: "Financial", level: "critical" });
    expect(byName.start_dicom_import_job.risk).toMatchObject({ category: "Execute", level: "high" });
    expect(byName.echo.risk.reasons.length).toBeGreaterThan(0);
    expect(byName.delete_file.recommended.lane).not.toBe("allow");
  });

  it("reviewChangedTools is set when the server is created, and the admin log records it", async () => {
    const off = await api("POST", "/api/v1/servers", { name: "no review", url: upstream.url, sync: false, reviewChangedTools: false }, bearer(k.a));
    expect(off.body.server.reviewChangedTools).toBe(false);
    const on = await api("POST", "/api/v1/servers", { name: "with review", url: upstream.url, sync: false }, bearer(k.a));
    expect(on.body.server.reviewChangedTools).toBe(true);
    const log = (await api("GET", "/api/v1/audit/admin?limit=1000", undefined, bearer(k.a))).body.items as { action: string; targetId: string; details: Record<string, unknown> }[];
    const of = (id: string) => log.filter((e) => e.targetId === id).map((e) => [e.action, e.details.reviewChangedTools]);
    // One entry each, written with the server: no separate update after it.
    expect(of(off.body.server.id)).toEqual([["server.created", false]]);
    expect(of(on.body.server.id)).toEqual([["server.created", true]]);
  });

  it("two syncs of one server at once both succeed, and list each tool once", async () => {
    // A connector's sync on connect and a person's click can meet; the second used to fail (500)
    // on the tools the first had just inserted.
    const s = (await api("POST", "/api/v1/servers", { name: "concurrent sync", url: upstream.url, sync: false }, bearer(k.a))).body.server;
    const [one, two, three] = await Promise.all([1, 2, 3].map(() => api("POST", `/api/v1/servers/${s.id}/sync`, undefined, bearer(k.a))));
    expect([one.status, two.status, three.status]).toEqual([200, 200, 200]);
    expect([one, two, three].map((r) => r.body.added.length).sort((a, b) => b - a)).toEqual([one.body.total, 0, 0]);
    const tools = (await api("GET", `/api/v1/servers/${s.id}/tools`, undefined, bearer(k.a))).body.items as { name: string }[];
    expect(tools).toHaveLength(one.body.total);
  });

  it("PATCH and DELETE: admins only, 404 for unknown ids", async () => {
    const s = (await api("POST", "/api/v1/servers", { name: "temp", url: upstream.url, sync: false }, bearer(k.a))).body.server;
    expect((await api("PATCH", `/api/v1/servers/${s.id}`, { name: "renamed" }, bearer(k.aViewer))).status).toBe(403);
    expect((await api("PATCH", `/api/v1/servers/${s.id}`, { name: "renamed" }, bearer(k.a))).body.server.name).toBe("renamed");
    expect((await api("PATCH", `/api/v1/servers/${s.id}`, {}, bearer(k.a))).status).toBe(400);
    expect((await api("DELETE", `/api/v1/servers/${s.id}`, undefined, bearer(k.a))).status).toBe(204);
    expect((await api("GET", `/api/v1/servers/${s.id}`, undefined, bearer(k.a))).status).toBe(404);
  });
});

describe("policy", () => {
  it("PUT validates the whole document and keeps the previous version live", async () => {
    const ok = await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: { version: "1", default: "deny", tools: { echo: {} } }, message: "first" }, bearer(k.aPm));
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(1);
    const bad = await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: { version: "1", default: "maybe", tools: { echo: { limits: [{ counter: "c", window: "week", max: -1 }] } } } }, bearer(k.aPm));
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain("/default");
    expect(paths.some((p: string) => p.startsWith("/tools/echo/limits/0"))).toBe(true);
    const current = await api("GET", `/api/v1/servers/${serverId}/policy`, undefined, bearer(k.aViewer));
    expect(current.body).toMatchObject({ version: 1, document: { default: "deny" } });
    expect((await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: {} }, bearer(k.aViewer))).status).toBe(403);
    const versions = await api("GET", `/api/v1/servers/${serverId}/policy/versions`, undefined, bearer(k.aViewer));
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it("versions name who published them: a person, or an API key by its prefix; newest first, in pages", async () => {
    const s = (await api("POST", "/api/v1/servers", { name: "authored", url: upstream.url, sync: false }, bearer(k.a))).body.server;
    const doc = { version: "1", default: "deny" };
    expect((await api("PUT", `/api/v1/servers/${s.id}/policy`, { document: doc, message: "by key" }, bearer(k.aPm))).status).toBe(200);
    const session = await signInSession(app.url, k.aEmail, PASSWORD);
    const byPerson = await api("PUT", `/api/v1/servers/${s.id}/policy`, { document: { ...doc, tools: { echo: {} } }, message: "by person" }, session);
    expect(byPerson.status).toBe(200);
    const keys = (await api("GET", "/api/v1/api-keys", undefined, bearer(k.a))).body.items as { id: string; prefix: string; role: string }[];
    const pmKey = keys.find((x) => x.role === "policy_manager")!;
    const all = await api("GET", `/api/v1/servers/${s.id}/policy/versions`, undefined, bearer(k.aViewer));
    expect(all.body.nextCursor).toBeNull();
    const [v2, v1] = all.body.items;
    expect(v2).toMatchObject({ version: 2, message: "by person", author: { type: "user", email: k.aEmail.toLowerCase() } });
    expect(v2.author.id).toMatch(/^usr_/);
    expect(v1).toMatchObject({ version: 1, message: "by key", author: { type: "api_key", id: pmKey.id, name: `API key ${pmKey.prefix}`, email: null } });
    for (const v of all.body.items) expect(Date.parse(v.createdAt)).toBeGreaterThan(Date.now() - 600_000);
    const first = await api("GET", `/api/v1/servers/${s.id}/policy/versions?limit=1`, undefined, bearer(k.aViewer));
    expect(first.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    const second = await api("GET", `/api/v1/servers/${s.id}/policy/versions?limit=1&cursor=${first.body.nextCursor}`, undefined, bearer(k.aViewer));
    expect(second.body.items).toEqual([v1]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("simulate answers with the decision of a draft or the published policy", async () => {
    const draft = { version: "1", default: "allow", tools: { delete_file: { action: "deny", on_deny: "never" } } };
    const denied = await api("POST", `/api/v1/servers/${serverId}/policy/simulate`, { policy: draft, call: { tool: "delete_file", args: { path: "/" } } }, bearer(k.aViewer));
    expect(denied.body).toMatchObject({ effect: "deny", rule: "/tools/delete_file/action", message: "never" });
    const published = await api("POST", `/api/v1/servers/${serverId}/policy/simulate`, { call: { tool: "echo", args: { message: "x" } } }, bearer(k.aViewer));
    expect(published.body.effect).toBe("allow");
    const invalid = await api("POST", `/api/v1/servers/${serverId}/policy/simulate`, { policy: { version: "2" }, call: { tool: "echo" } }, bearer(k.aViewer));
    expect(invalid.status).toBe(400);
  });

  it("a server re-created with a deleted server's name can publish its policy", async () => {
    const first = (await api("POST", "/api/v1/servers", { name: "reused", url: upstream.url, sync: false }, bearer(k.a))).body.server;
    expect((await api("PUT", `/api/v1/servers/${first.id}/policy`, { document: { version: "1", default: "deny" } }, bearer(k.a))).status).toBe(200);
    expect((await api("DELETE", `/api/v1/servers/${first.id}`, undefined, bearer(k.a))).status).toBe(204);
    const second = (await api("POST", "/api/v1/servers", { name: "reused", url: upstream.url, sync: false }, bearer(k.a))).body.server;
    const put = await api("PUT", `/api/v1/servers/${second.id}/policy`, { document: { version: "1", default: "deny" } }, bearer(k.a));
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
  });

  it("recommended: a deny-by-default document that validates", async () => {
    const r = await api("GET", `/api/v1/servers/${serverId}/policy/recommended`, undefined, bearer(k.aViewer));
    expect(r.body.document.default).toBe("deny");
    expect(Object.keys(r.body.document.tools)).toContain("echo");
    const put = await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: r.body.document, message: "recommended" }, bearer(k.a));
    expect(put.status).toBe(200);
  });
});

describe("grants", () => {
  it("create shows the token once; list never does; rotate and revoke", async () => {
    const created = await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "ci-runner" }, bearer(k.aPm));
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^tgg_/);
    expect(created.body.gatewayUrl).toMatch(new RegExp(`/mcp/${serverId}$`));
    const list = await api("GET", "/api/v1/grants", undefined, bearer(k.aViewer));
    expect(list.body.items.some((g: { id: string }) => g.id === created.body.id)).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    const rotated = await api("POST", `/api/v1/grants/${created.body.id}/rotate`, undefined, bearer(k.aPm));
    expect(rotated.body.token).not.toBe(created.body.token);
    // The same answer as creation: the grant, its new token, and the gateway URL to use it with.
    expect(rotated.body).toEqual({ ...created.body, token: expect.stringMatching(/^tgg_/), tokenPrefix: rotated.body.token.slice(0, created.body.tokenPrefix.length) });
    expect(rotated.body.gatewayUrl).toBe(created.body.gatewayUrl);
    expect((await api("POST", `/api/v1/grants/${created.body.id}/rotate`, undefined, bearer(k.aViewer))).status).toBe(403);
    expect((await api("DELETE", `/api/v1/grants/${created.body.id}`, undefined, bearer(k.aPm))).status).toBe(204);
    expect((await api("DELETE", `/api/v1/grants/${created.body.id}`, undefined, bearer(k.aPm))).status).toBe(404);
    expect((await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "" }, bearer(k.aPm))).status).toBe(400);
  });

  it("an invalid own policy is refused before any grant exists", async () => {
    const before = (await api("GET", "/api/v1/grants", undefined, bearer(k.a))).body.items.length;
    const r = await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "bad-policy", policy: { version: "1" } }, bearer(k.a));
    expect(r.status).toBe(400);
    expect((await api("GET", "/api/v1/grants", undefined, bearer(k.a))).body.items.length).toBe(before);
  });

  it("a grant can carry its own policy", async () => {
    const g = (await api("POST", `/api/v1/servers/${serverId}/grants`, { label: "own" }, bearer(k.a))).body;
    const r = await api("PUT", `/api/v1/grants/${g.id}/policy`, { policy: { version: "1", default: "allow" } }, bearer(k.a));
    expect(r.status).toBe(200);
    expect(r.body.policyId).toMatch(/^pol_/);
    const bad = await api("PUT", `/api/v1/grants/${g.id}/policy`, { policy: { version: "1" } }, bearer(k.a));
    expect(bad.status).toBe(400);
  });
});

describe("audit", () => {
  it("lists, filters, pages and exports", async () => {
    const r = await api("GET", "/api/v1/audit?limit=5", undefined, bearer(k.aViewer));
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body.items)).toBe(true);
    expect((await api("GET", "/api/v1/audit?from=yesterday", undefined, bearer(k.aViewer))).status).toBe(400);
    const csv = await fetch(`${app.url}/api/v1/audit?format=csv`, { headers: bearer(k.aViewer) });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\n")[0]).toMatch(/^id,time,serverId/);
    const admin = await api("GET", "/api/v1/audit/admin?limit=100", undefined, bearer(k.aViewer));
    expect(admin.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["server.created", "server.synced", "policy.published", "grant.created", "grant.rotated", "grant.revoked"]));
    const stats = await api("GET", "/api/v1/audit/stats", undefined, bearer(k.aViewer));
    expect(stats.body).toHaveProperty("series");
  });
});

describe("tools pending review: the simulator answers as the gateway does", () => {
  it("a new tool is denied by both with the same message and rule until it is reviewed", async () => {
    const changing = await startTestUpstream();
    try {
      const s = (await api("POST", "/api/v1/servers", { name: "changing", url: changing.url }, bearer(k.a))).body.server;
      expect((await api("PUT", `/api/v1/servers/${s.id}/policy`, { document: { version: "1", default: "allow" } }, bearer(k.a))).status).toBe(200);
      changing.addTool("fresh_tool");
      expect((await api("POST", `/api/v1/servers/${s.id}/sync`, undefined, bearer(k.a))).body.added).toEqual(["fresh_tool"]);
      const tools = (await api("GET", `/api/v1/servers/${s.id}/tools`, undefined, bearer(k.aViewer))).body.items as { name: string; pendingReview: boolean }[];
      expect(tools.filter((t) => t.pendingReview).map((t) => t.name)).toEqual(["fresh_tool"]);

      const simulate = (body: unknown) => api("POST", `/api/v1/servers/${s.id}/policy/simulate`, body, bearer(k.aViewer));
      const simulated = (await simulate({ call: { tool: "fresh_tool" } })).body;
      expect(simulated).toMatchObject({ effect: "deny", rule: null, reason: "tool pending review", pendingReview: true, knownTool: true });
      // The agent is told since when the tool waits and what changed.
      expect(simulated.message).toMatch(/^fresh_tool is pending review since \d{4}-\d\d-\d\dT[\d:.]+Z \(it is new\): /);
      // Whatever the draft says: the gateway checks review before any policy.
      expect((await simulate({ policy: { version: "1", default: "allow", tools: { fresh_tool: {} } }, call: { tool: "fresh_tool" } })).body).toMatchObject({ effect: "deny", pendingReview: true });
      expect((await simulate({ call: { tool: "echo", args: { message: "x" } } })).body).toMatchObject({ effect: "allow", pendingReview: false });

      // The gateway: the same decision, message and rule, in the answer and in the audit log.
      const grant = (await api("POST", `/api/v1/servers/${s.id}/grants`, { label: "review-test" }, bearer(k.a))).body;
      const client = new Client({ name: "review-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${s.id}`), { requestInit: { headers: bearer(grant.token) } }));
      const denied = (await client.callTool({ name: "fresh_tool", arguments: {} })) as { isError?: boolean; content: { text: string }[] };
      expect(denied.isError).toBe(true);
      expect(denied.content[0].text).toContain(simulated.message);
      let events: { decision: string; rulePointer: string | null; message: string | null }[] = [];
      for (let i = 0; i < 100 && events.length === 0; i++) {
        events = (await api("GET", `/api/v1/audit?serverId=${s.id}&tool=fresh_tool`, undefined, bearer(k.aViewer))).body.items;
        if (events.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(events).toEqual([expect.objectContaining({ decision: simulated.effect, rulePointer: simulated.rule, message: simulated.message })]);

      // Reviewed: the policy decides again, in both.
      expect((await api("POST", `/api/v1/servers/${s.id}/tools`, { review: ["fresh_tool"] }, bearer(k.aPm))).body.reviewed).toBe(1);
      expect((await simulate({ call: { tool: "fresh_tool" } })).body).toMatchObject({ effect: "allow", pendingReview: false });
      let allowed = false;
      for (let i = 0; i < 100 && !allowed; i++) {
        allowed = ((await client.callTool({ name: "fresh_tool", arguments: {} })) as { isError?: boolean }).isError !== true;
        if (!allowed) await new Promise((r) => setTimeout(r, 200));
      }
      expect(allowed).toBe(true);
      await client.close();
    } finally {
      await changing.close();
    }
  });
});
