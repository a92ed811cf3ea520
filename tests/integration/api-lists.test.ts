import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { ToolgateProcess } from "../helpers/toolgate-process";
import type { TestUpstream } from "../helpers/test-upstream";
import { startTestbed, type Testbed } from "../helpers/testbed";
import { basic, bearer, signInSession, uniqueEmail, PASSWORD, type JsonResponse } from "../helpers/http";

// Every list of /api/v1 answers {items, nextCursor}, takes a bounded `limit` and a `cursor`, and
// refuses malformed query values with a 400 naming the parameter; walking the pages gives the
// whole list once, in its order. Filters of GET /grants and GET /servers/{id}/tools included.
let bed: Testbed;
let app: ToolgateProcess;
let upstream: TestUpstream;
let api: Testbed["api"];
let sql: pg.Client;
let admin: Record<string, string>;
let session: Record<string, string>;
let orgId: string;
let serverId: string;
const servers: string[] = [];

type Item = Record<string, unknown>;

/** Every item, page after page of `limit`: each page no larger than asked, no item twice. */
async function walk(path: string, limit: number, as = admin): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const sep = path.includes("?") ? "&" : "?";
    const r: JsonResponse = await api("GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, as);
    expect(r.status, `${path}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(["items", "nextCursor"]);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
    if (cursor === null) return out;
    expect(r.body.items.length, `${path}: a page before the last is full`).toBe(limit);
  }
  throw new Error(`${path}: no end after 1000 pages`);
}

const identity = (i: Item) => JSON.stringify(i.id ?? i.name ?? i.version);

const LISTS: { name: string; path: () => string; min: number; as?: () => Record<string, string> }[] = [
  { name: "GET /servers", path: () => "/api/v1/servers", min: 4 },
  { name: "GET /servers/{id}/tools", path: () => `/api/v1/servers/${serverId}/tools`, min: 5 },
  { name: "GET /servers/{id}/policy/versions", path: () => `/api/v1/servers/${serverId}/policy/versions`, min: 3 },
  { name: "GET /grants", path: () => "/api/v1/grants", min: 3 },
  { name: "GET /members", path: () => "/api/v1/members", min: 3 },
  { name: "GET /invitations", path: () => "/api/v1/invitations", min: 3 },
  { name: "GET /api-keys", path: () => "/api/v1/api-keys", min: 3 },
  { name: "GET /orgs (a person in three)", path: () => "/api/v1/orgs", min: 3, as: () => session },
  { name: "GET /audit", path: () => "/api/v1/audit", min: 5 },
  { name: "GET /audit/admin", path: () => "/api/v1/audit/admin", min: 10 },
];

beforeAll(async () => {
  bed = await startTestbed("lists");
  ({ app, upstream, api, sql } = bed);
  const email = uniqueEmail("lists");
  orgId = (await api("POST", "/api/v1/signup", { email, password: PASSWORD })).body.organization.id;
  admin = bearer((await api("POST", "/api/v1/api-keys", { name: "admin" }, basic(email, PASSWORD))).body.key);
  for (const role of ["viewer", "policy_manager"]) await api("POST", "/api/v1/api-keys", { name: role, role }, admin);
  session = await signInSession(app.url, email, PASSWORD);
  for (const name of ["second org", "third org"]) expect((await api("POST", "/api/v1/orgs", { name }, session)).status).toBe(201);

  serverId = (await api("POST", "/api/v1/servers", { name: "synced", url: upstream.url }, admin)).body.server.id;
  servers.push(serverId);
  for (const name of ["b", "c", "d"]) servers.push((await api("POST", "/api/v1/servers", { name, url: upstream.url, sync: false }, admin)).body.server.id);
  for (const d of ["deny", "allow", "deny"]) expect((await api("PUT", `/api/v1/servers/${serverId}/policy`, { document: { version: "1", default: d } }, admin)).status).toBe(200);
  for (const label of ["one", "two", "three"]) await api("POST", `/api/v1/servers/${serverId}/grants`, { label }, admin);
  for (let i = 0; i < 3; i++) {
    const invited = uniqueEmail("member");
    const inv = await api("POST", "/api/v1/invitations", { email: invited, role: "viewer" }, admin);
    if (i < 2) await api("POST", "/api/v1/signup", { email: invited, password: PASSWORD, inviteToken: String(inv.body.url).split("/").pop() });
    else for (let j = 0; j < 3; j++) await api("POST", "/api/v1/invitations", { email: uniqueEmail("pending"), role: "viewer" }, admin);
  }
  // Audit events in the same millisecond too: the keyset must tell them apart by id.
  await sql.query(
    `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", method, tool, decision)
     SELECT 'evt_' || lpad(to_hex(n), 26, '0'), now() - ((n / 2) || ' seconds')::interval, $1, $2, 'tools/call', 'echo', 'allow'
     FROM generate_series(1, 7) n`,
    [orgId, serverId],
  );
}, 120_000);

afterAll(async () => {
  await bed?.close();
});

describe("every list: {items, nextCursor}, in pages", () => {
  for (const list of LISTS) {
    it(`${list.name}: pages of 1 and 2 walk the whole list once, in the order of one big page`, async () => {
      const as = list.as?.() ?? admin;
      const whole = await walk(list.path(), 1000, as);
      expect(whole.length).toBeGreaterThanOrEqual(list.min);
      expect(new Set(whole.map(identity)).size).toBe(whole.length);
      expect((await walk(list.path(), 1, as)).map(identity)).toEqual(whole.map(identity));
      expect((await walk(list.path(), 2, as)).map(identity)).toEqual(whole.map(identity));
    });

    it(`${list.name}: 400 naming the parameter for a bad limit or cursor`, async () => {
      const as = list.as?.() ?? admin;
      const sep = list.path().includes("?") ? "&" : "?";
      for (const [query, field] of [
        ["limit=0", "limit"],
        ["limit=1001", "limit"],
        ["limit=ten", "limit"],
        ["limit=2.5", "limit"],
        ["cursor=not-a-cursor", "cursor"],
        ["cursor=" + Buffer.from(JSON.stringify([1, 2, 3])).toString("base64url"), "cursor"],
      ]) {
        const r = await api("GET", `${list.path()}${sep}${query}`, undefined, as);
        expect(r.status, `${list.path()}?${query}`).toBe(400);
        expect(r.body.error.code).toBe("validation_failed");
        expect(Object.keys(r.body.error.details.fields), `${list.path()}?${query}`).toEqual([field]);
      }
    });
  }

  it("a cursor of one list is refused by a list sorted another way", async () => {
    const servers = await api("GET", "/api/v1/servers?limit=1", undefined, admin);
    const r = await api("GET", `/api/v1/grants?cursor=${servers.body.nextCursor}`, undefined, admin);
    expect(r.status).toBe(400);
    expect(r.body.error.details.fields.cursor).toMatch(/nextCursor/);
  });

  it("a cursor stays good when the item it stands on is deleted", async () => {
    const all = (await walk("/api/v1/servers", 1000)).map((s) => s.id as string);
    // The page's last server is deleted (not the synced one, which later tests use).
    const i = all[1] === serverId ? 2 : 1;
    const first = await api("GET", `/api/v1/servers?limit=${i + 1}`, undefined, admin);
    expect(first.body.items[i].id).toBe(all[i]);
    expect((await api("DELETE", `/api/v1/servers/${all[i]}`, undefined, admin)).status).toBe(204);
    const rest = await api("GET", `/api/v1/servers?limit=1000&cursor=${first.body.nextCursor}`, undefined, admin);
    expect(rest.body.items.map((s: Item) => s.id)).toEqual(all.slice(i + 1));
  });

  it("sizes: 100 by default, 1000 at most; a server's tools come 1000 to a page", async () => {
    await sql.query(
      `INSERT INTO "AuditEvent" (id, time, "orgId", "serverId", method, tool, decision)
       SELECT 'evt_b' || lpad(to_hex(n), 25, '0'), now() - interval '1 hour' - (n || ' ms')::interval, $1, $2, 'tools/call', 'echo', 'deny' FROM generate_series(1, 1001) n`,
      [orgId, serverId],
    );
    const page = await api("GET", "/api/v1/audit?decision=deny", undefined, admin);
    expect(page.body.items).toHaveLength(100);
    expect(page.body.nextCursor).not.toBeNull();
    expect((await api("GET", "/api/v1/audit?decision=deny&limit=1000", undefined, admin)).body.items).toHaveLength(1000);

    const many = (await api("POST", "/api/v1/servers", { name: "many tools", url: upstream.url, sync: false }, admin)).body.server.id;
    await sql.query(
      `INSERT INTO "Tool" ("serverId", name, "definitionHash", "riskCategory", "riskLevel")
       SELECT $1, 'tool_' || lpad(n::text, 4, '0'), 'h', 'Read', 'low' FROM generate_series(1, 1001) n`,
      [many],
    );
    const tools = await api("GET", `/api/v1/servers/${many}/tools`, undefined, admin);
    expect(tools.body.items).toHaveLength(1000);
    expect(tools.body.items[999].name).toBe("tool_1000");
    const last = await api("GET", `/api/v1/servers/${many}/tools?cursor=${tools.body.nextCursor}`, undefined, admin);
    expect(last.body).toEqual({ items: [expect.objectContaining({ name: "tool_1001" })], nextCursor: null });
  });
});

describe("filters are validated, not ignored", () => {
  it("GET /grants: serverId and active (true: live only, false: revoked only)", async () => {
    const all = (await walk("/api/v1/grants", 1000)) as { id: string; revokedAt: string | null; serverId: string }[];
    const revoked = all[0].id;
    expect((await api("DELETE", `/api/v1/grants/${revoked}`, undefined, admin)).status).toBe(204);
    const ids = async (q: string) => ((await api("GET", `/api/v1/grants?${q}`, undefined, admin)).body.items as { id: string }[]).map((g) => g.id);
    expect(await ids("active=false")).toEqual([revoked]);
    expect(await ids("active=true")).toEqual(all.map((g) => g.id).filter((id) => id !== revoked));
    expect(await ids(`serverId=${serverId}`)).toEqual(all.map((g) => g.id));
    expect(await ids(`serverId=${servers.find((id) => id !== serverId && all.every((g) => g.serverId !== id))}`)).toEqual([]);
    for (const [query, field] of [
      ["active=yes", "active"],
      ["active=1", "active"],
      ["serverId=gnt_123", "serverId"],
      ["serverId=", "serverId"],
    ]) {
      const r = await api("GET", `/api/v1/grants?${query}`, undefined, admin);
      expect(r.status, query).toBe(400);
      expect(Object.keys(r.body.error.details.fields), query).toEqual([field]);
    }
  });

  it("GET /servers/{id}/tools: includeRemoved=true|false", async () => {
    await sql.query(`UPDATE "Tool" SET "removedAt" = now() WHERE "serverId" = $1 AND name = 'internal_debug'`, [serverId]);
    const names = async (q: string) => ((await api("GET", `/api/v1/servers/${serverId}/tools${q}`, undefined, admin)).body.items as { name: string }[]).map((t) => t.name);
    expect(await names("")).not.toContain("internal_debug");
    expect(await names("?includeRemoved=false")).toEqual(await names(""));
    expect(await names("?includeRemoved=true")).toContain("internal_debug");
    for (const v of ["yes", "TRUE", ""]) {
      const r = await api("GET", `/api/v1/servers/${serverId}/tools?includeRemoved=${v}`, undefined, admin);
      expect(r.status, v).toBe(400);
      expect(r.body.error.details.fields.includeRemoved).toMatch(/true or false/);
    }
  });

  it("GET /audit and /audit/stats: server, grant, decision and times", async () => {
    for (const path of ["/api/v1/audit", "/api/v1/audit/stats"]) {
      for (const [query, field] of [
        ["decision=allow,maybe", "decision"],
        ["serverId=nope", "serverId"],
        ["grantId=srv_1", "grantId"],
        ["from=yesterday", "from"],
        ["to=2026-13-01", "to"],
      ]) {
        const r = await api("GET", `${path}?${query}`, undefined, admin);
        expect(r.status, `${path}?${query}`).toBe(400);
        expect(Object.keys(r.body.error.details.fields), `${path}?${query}`).toEqual([field]);
      }
    }
  });
});
