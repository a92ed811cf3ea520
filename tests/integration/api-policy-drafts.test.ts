import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";

// The policy builder's server side: each person's (or key's) own draft of a server's policy, and
// publishing against the version an edit started from (409 with what is live when it moved on).
let app: ToolgateProcess;
let api: ReturnType<typeof apiClient>;
const k: Record<string, string> = {};
let serverId: string;
const doc = (tools: Record<string, unknown>) => ({ version: "1", default: "deny", tools });

async function org(tag: string) {
  const email = uniqueEmail(tag);
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  const key = async (role: string) => (await api("POST", "/api/v1/api-keys", { name: role, role }, basic(email, PASSWORD))).body.key as string;
  return { admin: await key("admin"), pm: await key("policy_manager"), viewer: await key("viewer") };
}

beforeAll(async () => {
  app = await startToolgateProcess({ databaseUrl: await freshDatabase("drafts") });
  api = apiClient(app.url);
  const a = await org("a");
  const b = await org("b");
  Object.assign(k, { a: a.admin, aPm: a.pm, aViewer: a.viewer, b: b.admin });
  const created = await api("POST", "/api/v1/servers", { name: "drafts", url: "http://127.0.0.1:9/mcp", sync: false }, bearer(k.a));
  expect(created.status).toBe(201);
  serverId = created.body.server.id;
});
afterAll(async () => {
  await app?.stop();
});

describe("drafts", () => {
  const path = () => `/api/v1/servers/${serverId}/policy/draft`;

  it("200: null, then each caller's own text as saved (invalid JSON too), then 204 on delete", async () => {
    expect((await api("GET", path(), undefined, bearer(k.a))).body).toEqual({ draft: null });
    const saved = await api("PUT", path(), { text: '{ "version": "1", ', baseVersion: null }, bearer(k.a));
    expect(saved.status).toBe(200);
    expect(saved.body.draft).toMatchObject({ text: '{ "version": "1", ', baseVersion: null });
    expect((await api("PUT", path(), { text: "{}", baseVersion: 2 }, bearer(k.aPm))).status).toBe(200);
    expect((await api("GET", path(), undefined, bearer(k.a))).body.draft.text).toBe('{ "version": "1", ');
    expect((await api("GET", path(), undefined, bearer(k.aPm))).body.draft).toMatchObject({ text: "{}", baseVersion: 2 });
    expect((await api("DELETE", path(), undefined, bearer(k.a))).status).toBe(204);
    expect((await api("GET", path(), undefined, bearer(k.a))).body).toEqual({ draft: null });
    expect((await api("GET", path(), undefined, bearer(k.aPm))).body.draft).not.toBeNull();
  });

  it("400 for a bad body, 403 for viewers, 401 without a key, 404 for another org's server", async () => {
    expect((await api("PUT", path(), { text: 5 }, bearer(k.a))).status).toBe(400);
    expect((await api("GET", path(), undefined, bearer(k.aViewer))).status).toBe(403);
    expect((await api("PUT", path(), { text: "{}", baseVersion: null }, bearer(k.aViewer))).status).toBe(403);
    expect((await api("GET", path())).status).toBe(401);
    expect((await api("GET", path(), undefined, bearer(k.b))).status).toBe(404);
    expect((await api("PUT", path(), { text: "{}", baseVersion: null }, bearer(k.b))).status).toBe(404);
  });
});

describe("publish with baseVersion", () => {
  const put = (body: unknown, key = k.a) => api("PUT", `/api/v1/servers/${serverId}/policy`, body, bearer(key));

  it("200 when the base is current; 409 with the live version when someone published since; none given: no check", async () => {
    expect((await put({ document: doc({ a: {} }), baseVersion: null })).body.version).toBe(1);
    expect((await put({ document: doc({ b: {} }), baseVersion: 1, message: "second" })).body.version).toBe(2);
    const stale = await put({ document: doc({ c: {} }), baseVersion: 1 }, k.aPm);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("conflict");
    expect(stale.body.error.message).toMatch(/version 2 was published since this edit started from version 1/);
    expect(stale.body.error.details).toMatchObject({ currentVersion: 2, baseVersion: 1, document: doc({ b: {} }), message: "second" });
    const fresh = await put({ document: doc({ c: {} }), baseVersion: null });
    expect(fresh.status).toBe(409);
    expect(fresh.body.error.details.currentVersion).toBe(2);
    expect((await api("GET", `/api/v1/servers/${serverId}/policy`, undefined, bearer(k.a))).body.version).toBe(2);
    expect((await put({ document: doc({ c: {} }) })).body.version).toBe(3);
  });

  it("two publishes from the same base at once: one version, one 409", async () => {
    const [x, y] = await Promise.all([put({ document: doc({ x: {} }), baseVersion: 3 }), put({ document: doc({ y: {} }), baseVersion: 3 }, k.aPm)]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    expect((await api("GET", `/api/v1/servers/${serverId}/policy`, undefined, bearer(k.a))).body.version).toBe(4);
  });
});
