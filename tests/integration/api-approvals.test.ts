import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { startTestUpstream, type TestUpstream } from "../helpers/test-upstream";
import { apiClient, basic, bearer, signInSession, uniqueEmail, PASSWORD } from "../helpers/http";

// /api/v1/approvals and the approval webhook, against real PostgreSQL and a running Toolgate:
// requests are created by real agent calls through the gateway (SDK client → Toolgate → test
// upstream), decided through the API, and delivered to a local HTTP receiver that checks the
// signature. Retries wait 50/100/200/400 ms here (TOOLGATE_WEBHOOK_BACKOFF_MS) instead of 1–60 s.

let app: ToolgateProcess;
let upstream: TestUpstream;
let api: ReturnType<typeof apiClient>;
let sql: pg.Client;
let databaseUrl: string;
const k: Record<string, string> = {};
let serverId: string;
let grant: { id: string; token: string };
let otherGrant: { id: string; token: string };
let bServerId: string;
let bGrant: { id: string; token: string };
const clients: Client[] = [];
// Replicas share the encryption key (the webhook's secret is sealed with it) and the session secret.
const shared = { TOOLGATE_ENCRYPTION_KEY: `v1:${randomBytes(32).toString("base64")}`, NEXTAUTH_SECRET: randomBytes(24).toString("base64url"), TOOLGATE_WEBHOOK_BACKOFF_MS: "50,100,200,400" };

const POLICY = { version: "1", default: "allow", tools: { echo: { action: "require_approval", approval: { timeout_seconds: 600 } }, delete_file: { action: "require_approval" } } };

async function org(tag: string) {
  const email = uniqueEmail(tag);
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  const key = async (role: string) => (await api("POST", "/api/v1/api-keys", { name: `${role} key`, role }, basic(email, PASSWORD))).body.key as string;
  return { email, admin: await key("admin"), manager: await key("policy_manager"), viewer: await key("viewer") };
}

async function agent(token: string, server: string) {
  const client = new Client({ name: "approvals-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${server}`), { requestInit: { headers: bearer(token) } }));
  clients.push(client);
  return client;
}

const textOf = (r: unknown) => ((r as { content?: { text?: string }[] }).content?.[0]?.text ?? "") as string;
const approvalIdOf = (r: unknown) => /approval id (apr_[0-9a-f]+)/.exec(textOf(r))?.[1] as string;

/** An agent call that needs approval: the request's id, created by the gateway. */
async function requestApproval(token: string, server: string, args: Record<string, unknown>, tool = "echo") {
  const client = await agent(token, server);
  const r = await client.callTool({ name: tool, arguments: args });
  expect(textOf(r)).toContain("[APPROVAL REQUIRED]");
  return { client, id: approvalIdOf(r) };
}

async function setupServer(adminKey: string, name: string) {
  const id = (await api("POST", "/api/v1/servers", { name, url: upstream.url }, bearer(adminKey))).body.server.id as string;
  expect((await api("PUT", `/api/v1/servers/${id}/policy`, { document: POLICY }, bearer(adminKey))).status).toBe(200);
  return id;
}

async function newGrant(adminKey: string, server: string, label: string) {
  const r = await api("POST", `/api/v1/servers/${server}/grants`, { label }, bearer(adminKey));
  expect(r.status).toBe(201);
  return { id: r.body.id as string, token: r.body.token as string };
}

beforeAll(async () => {
  upstream = await startTestUpstream();
  databaseUrl = await freshDatabase("approvals");
  app = await startToolgateProcess({ databaseUrl, env: shared });
  api = apiClient(app.url);
  sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  const a = await org("appr-a");
  const b = await org("appr-b");
  Object.assign(k, { a: a.admin, aManager: a.manager, aViewer: a.viewer, b: b.admin, bViewer: b.viewer });
  serverId = await setupServer(k.a, "payments");
  grant = await newGrant(k.a, serverId, "billing-agent");
  otherGrant = await newGrant(k.a, serverId, "support-agent");
  bServerId = await setupServer(k.b, "other-org");
  bGrant = await newGrant(k.b, bServerId, "b-agent");
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await sql?.end();
  await app?.stop();
  await upstream?.close();
});

describe("GET /api/v1/approvals", () => {
  it("lists requests pending first, then newest, with everything an approver needs", async () => {
    const args = { message: "refund order 1234 for €1,250.00 — customer asked twice; ".repeat(3) };
    const first = await requestApproval(grant.token, serverId, args);
    const second = await requestApproval(otherGrant.token, serverId, { path: "/srv/data/report.csv" }, "delete_file");
    // Decide the first one: the second (pending) now comes first, although older ones come after.
    const third = await requestApproval(grant.token, serverId, { message: "a third call" });
    expect((await api("POST", `/api/v1/approvals/${third.id}/deny`, { comment: "not this one" }, bearer(k.aManager))).status).toBe(200);

    const r = await api("GET", "/api/v1/approvals", undefined, bearer(k.aViewer));
    expect(r.status).toBe(200);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.items.map((i: { id: string }) => i.id)).toEqual([second.id, first.id, third.id]);
    const item = r.body.items.find((i: { id: string }) => i.id === first.id);
    expect(item).toMatchObject({
      status: "pending",
      tool: "echo",
      args,
      server: { id: serverId, name: "payments" },
      grant: { id: grant.id, label: "billing-agent" },
      rulePointer: "/tools/echo/action",
      policyVersion: 1,
      decidedAt: null,
      decidedBy: null,
      comment: null,
      usedAt: null,
    });
    expect(item.argsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(item.risk).toEqual({ category: expect.any(String), level: expect.stringMatching(/^(low|medium|high|critical)$/) });
    expect(new Date(item.expiresAt).getTime() - new Date(item.requestedAt).getTime()).toBe(600_000);
    // The audit event of the agent's call links to the request.
    await expect.poll(async () => (await api("GET", `/api/v1/approvals/${first.id}`, undefined, bearer(k.aViewer))).body.auditEventIds.length, { timeout: 10_000 }).toBe(1);
    const ev = (await sql.query(`SELECT id, decision FROM "AuditEvent" WHERE "approvalId" = $1`, [first.id])).rows;
    expect((await api("GET", `/api/v1/approvals/${first.id}`, undefined, bearer(k.aViewer))).body.auditEventIds).toEqual(ev.map((e) => e.id));
    expect(ev[0].decision).toBe("require_approval");

    const denied = r.body.items.find((i: { id: string }) => i.id === third.id);
    expect(denied).toMatchObject({ status: "denied", comment: "not this one", decidedBy: { type: "api_key", name: "policy_manager key", email: null } });
  });

  it("filters by status, server, grant and tool, and pages with a cursor", async () => {
    const get = async (q: string) => (await api("GET", `/api/v1/approvals?${q}`, undefined, bearer(k.aViewer))).body.items as { id: string; status: string; tool: string; grant: { id: string } }[];
    expect((await get("status=pending")).every((i) => i.status === "pending")).toBe(true);
    expect((await get("status=denied")).map((i) => i.status)).toEqual(["denied"]);
    expect((await get("status=pending,denied")).length).toBe((await get("")).length);
    expect((await get(`grantId=${otherGrant.id}`)).map((i) => i.tool)).toEqual(["delete_file"]);
    expect((await get("tool=echo")).every((i) => i.tool === "echo")).toBe(true);
    expect((await get(`serverId=${serverId}`)).length).toBe(3);
    expect(await get(`serverId=${bServerId}`)).toEqual([]);

    const all = await get("");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await api("GET", `/api/v1/approvals?limit=1${cursor ? `&cursor=${cursor}` : ""}`, undefined, bearer(k.aViewer));
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((i) => i.id));
  });

  it("answers 400 for malformed filters, limit and cursor, naming the parameter", async () => {
    for (const [q, field] of [
      ["status=waiting", "status"],
      ["serverId=nope", "serverId"],
      ["grantId=srv_1", "grantId"],
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["cursor=notacursor", "cursor"],
    ]) {
      const r = await api("GET", `/api/v1/approvals?${q}`, undefined, bearer(k.aViewer));
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
      expect(Object.keys(r.body.error.details.fields)).toEqual([field]);
    }
  });

  it("answers 401 without credentials and counts pending requests for the badge", async () => {
    expect((await api("GET", "/api/v1/approvals")).status).toBe(401);
    expect((await api("GET", "/api/v1/approvals/count")).status).toBe(401);
    const pending = (await api("GET", "/api/v1/approvals?status=pending", undefined, bearer(k.aViewer))).body.items.length;
    const r = await api("GET", "/api/v1/approvals/count", undefined, bearer(k.aViewer));
    expect(r).toMatchObject({ status: 200, body: { pending } });
    expect(pending).toBeGreaterThan(0);
  });
});

describe("approve and deny", () => {
  it("approves with a comment: the agent's same call then passes once; the admin log has the decision", async () => {
    const args = { message: "pay invoice 77" };
    const { client, id } = await requestApproval(grant.token, serverId, args);
    const r = await api("POST", `/api/v1/approvals/${id}/approve`, { comment: "checked with finance" }, bearer(k.aManager));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, status: "approved", comment: "checked with finance", decidedBy: { type: "api_key", name: "policy_manager key" } });
    expect(r.body.decidedAt).toEqual(expect.any(String));

    const passed = await client.callTool({ name: "echo", arguments: args });
    expect(passed.isError).toBeFalsy();
    expect(textOf(passed)).toBe("pay invoice 77");
    const after = await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.aViewer));
    expect(after.body).toMatchObject({ status: "used" });
    expect(after.body.usedAt).toEqual(expect.any(String));

    const log = await api("GET", "/api/v1/audit/admin", undefined, bearer(k.a));
    expect(log.body.items.find((e: { action: string; targetId: string }) => e.action === "approval.approved" && e.targetId === id)).toBeTruthy();
  });

  it("approves without a comment; an admin may decide too", async () => {
    const { id } = await requestApproval(grant.token, serverId, { message: "no comment needed" });
    const r = await api("POST", `/api/v1/approvals/${id}/approve`, {}, bearer(k.a));
    expect(r).toMatchObject({ status: 200, body: { status: "approved", comment: null, decidedBy: { type: "api_key", name: "admin key" } } });
  });

  it("denies with a reason, which reaches the agent; a denial without a reason is a 400", async () => {
    const args = { path: "/etc/passwd" };
    const { client, id } = await requestApproval(grant.token, serverId, args, "delete_file");
    for (const body of [{}, { comment: "" }, { comment: "   " }]) {
      const r = await api("POST", `/api/v1/approvals/${id}/deny`, body, bearer(k.aManager));
      expect(r.status).toBe(400);
      expect(r.body.error.details.fields.comment).toMatch(/reason/);
    }
    expect((await api("POST", `/api/v1/approvals/${id}/deny`, "not json", bearer(k.aManager))).status).toBe(400);
    expect((await api("POST", `/api/v1/approvals/${id}/approve`, { comment: 5 }, bearer(k.aManager))).status).toBe(400);
    const r = await api("POST", `/api/v1/approvals/${id}/deny`, { comment: "never delete system files" }, bearer(k.aManager));
    expect(r).toMatchObject({ status: 200, body: { status: "denied", comment: "never delete system files" } });
    const retried = await client.callTool({ name: "delete_file", arguments: args });
    expect(retried.isError).toBe(true);
    expect(textOf(retried)).toContain("never delete system files");
  });

  it("answers 409 to the second decision, saying who decided first", async () => {
    const { id } = await requestApproval(grant.token, serverId, { message: "race" });
    const [x, y] = await Promise.all([
      api("POST", `/api/v1/approvals/${id}/approve`, { comment: "mine" }, bearer(k.aManager)),
      api("POST", `/api/v1/approvals/${id}/deny`, { comment: "no, mine" }, bearer(k.a)),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const lost = x.status === 409 ? x : y;
    const winner = x.status === 409 ? "admin key" : "policy_manager key";
    expect(lost.body.error.code).toBe("conflict");
    expect(lost.body.error.message).toMatch(new RegExp(`already decided .* by API key ${winner}$`));
    expect(lost.body.error.details.decidedBy).toMatchObject({ type: "api_key", name: winner });
    // Once more, later: still 409.
    expect((await api("POST", `/api/v1/approvals/${id}/approve`, {}, bearer(k.aManager))).status).toBe(409);
  });

  it("answers 403 to viewers and 401 without credentials, deciding nothing", async () => {
    const { id } = await requestApproval(grant.token, serverId, { message: "viewer tries" });
    expect((await api("POST", `/api/v1/approvals/${id}/approve`, {}, bearer(k.aViewer))).status).toBe(403);
    expect((await api("POST", `/api/v1/approvals/${id}/deny`, { comment: "x" }, bearer(k.aViewer))).status).toBe(403);
    expect((await api("POST", `/api/v1/approvals/${id}/approve`, {})).status).toBe(401);
    expect((await api("GET", `/api/v1/approvals/${id}`)).status).toBe(401);
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.aViewer))).body.status).toBe("pending");
  });
});

describe("approvers named in the rule", () => {
  let named: { email: string; session: Record<string, string> };
  let other: { email: string; session: Record<string, string> };
  let namedServer: string;
  let namedGrant: { id: string; token: string };

  /** A person who joins organization A as a viewer, signed in. */
  async function viewer(tag: string) {
    const email = uniqueEmail(tag);
    const invited = await api("POST", "/api/v1/invitations", { email, role: "viewer" }, bearer(k.a));
    expect(invited.status).toBe(201);
    const inviteToken = String(invited.body.url).split("/").pop();
    expect((await api("POST", "/api/v1/signup", { email, password: PASSWORD, inviteToken })).status).toBe(201);
    return { email, session: await signInSession(app.url, email, PASSWORD) };
  }

  beforeAll(async () => {
    named = await viewer("named-viewer");
    other = await viewer("other-viewer");
    namedServer = (await api("POST", "/api/v1/servers", { name: "named approvers", url: upstream.url }, bearer(k.a))).body.server.id;
    // The rule names the viewer in capitals: emails compare without regard to case.
    const policy = {
      version: "1",
      default: "allow",
      tools: { echo: { action: "require_approval", approval: { approvers: [named.email.toUpperCase(), "nobody@example.com"] } }, delete_file: { action: "require_approval" } },
    };
    expect((await api("PUT", `/api/v1/servers/${namedServer}/policy`, { document: policy }, bearer(k.a))).status).toBe(200);
    namedGrant = await newGrant(k.a, namedServer, "named-agent");
  });

  const adminLogEntry = async (id: string) =>
    ((await api("GET", "/api/v1/audit/admin?limit=1000", undefined, bearer(k.a))).body.items as { action: string; targetId: string; actorLabel: string; details: Record<string, unknown> }[]).find(
      (e) => e.targetId === id && e.action.startsWith("approval."),
    );

  it("a viewer the rule names sees the buttons' right and approves; the admin log says so; the agent's call runs", async () => {
    const args = { message: "a named approver decides" };
    const { client, id } = await requestApproval(namedGrant.token, namedServer, args);
    const asNamed = await api("GET", `/api/v1/approvals/${id}`, undefined, named.session);
    expect(asNamed.body).toMatchObject({ status: "pending", approvers: [named.email, "nobody@example.com"], canDecide: true });
    const listed = (await api("GET", `/api/v1/approvals?serverId=${namedServer}`, undefined, named.session)).body.items.find((i: { id: string }) => i.id === id);
    expect(listed.canDecide).toBe(true);
    // Everyone else sees who may decide; only roles with approvals.decide may as well.
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, other.session)).body.canDecide).toBe(false);
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.aViewer))).body.canDecide).toBe(false);
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.aManager))).body.canDecide).toBe(true);

    const r = await api("POST", `/api/v1/approvals/${id}/approve`, { comment: "I own this one" }, named.session);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: "approved", canDecide: false, comment: "I own this one", decidedBy: { type: "user", email: named.email } });
    const passed = await client.callTool({ name: "echo", arguments: args });
    expect(passed.isError).toBeFalsy();
    expect(textOf(passed)).toBe(args.message);
    expect(await adminLogEntry(id)).toMatchObject({ action: "approval.approved", actorLabel: named.email, details: { via: "named_approver", comment: "I own this one" } });
  });

  it("a viewer the rule does not name gets 403, so does the named viewer on another rule's request, and an API key acting as viewer", async () => {
    const { id } = await requestApproval(namedGrant.token, namedServer, { message: "not for everyone" });
    const notNamed = await api("POST", `/api/v1/approvals/${id}/approve`, {}, other.session);
    expect(notNamed.status).toBe(403);
    expect(notNamed.body.error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/does not name you as an approver/) });
    expect((await api("POST", `/api/v1/approvals/${id}/deny`, { comment: "no" }, other.session)).status).toBe(403);
    // A key has no email: the rule cannot name it, whatever it lists.
    const key = await api("POST", `/api/v1/approvals/${id}/approve`, {}, bearer(k.aViewer));
    expect(key.status).toBe(403);
    expect(key.body.error.message).toMatch(/an API key cannot be named as an approver/);

    const del = await requestApproval(namedGrant.token, namedServer, { path: "/srv/report.csv" }, "delete_file");
    expect((await api("GET", `/api/v1/approvals/${del.id}`, undefined, named.session)).body).toMatchObject({ approvers: [], canDecide: false });
    expect((await api("POST", `/api/v1/approvals/${del.id}/approve`, {}, named.session)).status).toBe(403);
    expect((await api("GET", `/api/v1/approvals/${del.id}`, undefined, bearer(k.a))).body.status).toBe("pending");
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.a))).body.status).toBe("pending");

    // A policy manager decides by role; the named viewer, later, is told it was decided (409), not refused.
    expect((await api("POST", `/api/v1/approvals/${id}/deny`, { comment: "not today" }, bearer(k.aManager))).status).toBe(200);
    expect(await adminLogEntry(id)).toMatchObject({ action: "approval.denied", details: { via: "role" } });
    expect((await api("POST", `/api/v1/approvals/${id}/approve`, {}, named.session)).status).toBe(409);
  });
});

describe("tenant isolation", () => {
  it("another organization's requests are not found, not listed, and cannot be decided", async () => {
    const { id } = await requestApproval(bGrant.token, bServerId, { message: "org b's secret call" });
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.aViewer))).status).toBe(404);
    expect((await api("POST", `/api/v1/approvals/${id}/approve`, {}, bearer(k.a))).status).toBe(404);
    expect((await api("POST", `/api/v1/approvals/${id}/deny`, { comment: "x" }, bearer(k.a))).status).toBe(404);
    expect((await api("GET", `/api/v1/approvals/apr_doesnotexist`, undefined, bearer(k.a))).status).toBe(404);
    const listed = (await api("GET", "/api/v1/approvals?limit=1000", undefined, bearer(k.a))).body.items.map((i: { id: string }) => i.id);
    expect(listed).not.toContain(id);
    expect((await api("GET", "/api/v1/approvals", undefined, bearer(k.bViewer))).body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect((await api("GET", "/api/v1/approvals/count", undefined, bearer(k.bViewer))).body).toEqual({ pending: 1 });
    expect((await api("GET", `/api/v1/approvals/${id}`, undefined, bearer(k.bViewer))).body.status).toBe("pending");
  });
});

// ---------------------------------------------------------------------------------------------

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver: answers each request with the next status of `plan` (then 200). */
async function receiver(plan: number[] = []) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.writeHead(plan.shift() ?? 200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, close: () => new Promise((r) => server.close(r)) };
}

const hmac = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("approval webhook", () => {
  let secret: string;

  it("is for admins: policy managers and viewers get 403", async () => {
    expect((await api("GET", "/api/v1/approval-webhook", undefined, bearer(k.aManager))).status).toBe(403);
    expect((await api("PUT", "/api/v1/approval-webhook", { url: "http://127.0.0.1:9/x" }, bearer(k.aViewer))).status).toBe(403);
    expect((await api("PUT", "/api/v1/approval-webhook", { url: "ftp://example.com/x" }, bearer(k.a))).status).toBe(400);
    expect((await api("POST", "/api/v1/approval-webhook/test", undefined, bearer(k.a))).status).toBe(404);
  });

  it("delivers new and decided requests, signed, with a Slack-compatible text and the structured call", async () => {
    const rx = await receiver();
    try {
      const put = await api("PUT", "/api/v1/approval-webhook", { url: rx.url }, bearer(k.a));
      expect(put.status).toBe(200);
      expect(put.body.webhook).toMatchObject({ url: rx.url, enabled: true });
      expect(put.body.secret).toMatch(/^whsec_/);
      secret = put.body.secret;
      // The secret is shown once: changing the URL does not show it again, nor does GET.
      expect((await api("PUT", "/api/v1/approval-webhook", { url: rx.url, enabled: true }, bearer(k.a))).body.secret).toBeNull();
      expect(JSON.stringify((await api("GET", "/api/v1/approval-webhook", undefined, bearer(k.a))).body)).not.toContain(secret);
      const stored = (await sql.query(`SELECT "secretSealed" FROM "ApprovalWebhook"`)).rows[0].secretSealed as string;
      expect(stored).not.toContain(secret.slice(6));

      const args = { message: "wire $9,000 to ACME <urgent> & now" };
      const { id } = await requestApproval(grant.token, serverId, args);
      await expect.poll(() => rx.got.length, { timeout: 10_000 }).toBe(1);
      const [req] = rx.got;
      expect(req.headers["x-toolgate-event"]).toBe("approval.requested");
      expect(req.headers["x-toolgate-signature"]).toBe(hmac(secret, req.body));
      expect(req.headers["content-type"]).toBe("application/json");
      const payload = JSON.parse(req.body);
      expect(req.headers["x-toolgate-delivery"]).toBe(payload.deliveryId);
      expect(payload).toMatchObject({
        event: "approval.requested",
        approval: { id, tool: "echo", args, server: { id: serverId, name: "payments" }, grant: { id: grant.id, label: "billing-agent" }, url: `${app.url}/approvals/${id}`, status: "pending" },
      });
      expect(payload.text).toContain(`<${app.url}/approvals/${id}|Review the call>`);
      expect(payload.text).toContain("billing-agent");

      expect((await api("POST", `/api/v1/approvals/${id}/deny`, { comment: "not without a PO" }, bearer(k.aManager))).status).toBe(200);
      await expect.poll(() => rx.got.length, { timeout: 10_000 }).toBe(2);
      const decided = JSON.parse(rx.got[1].body);
      expect(rx.got[1].headers["x-toolgate-event"]).toBe("approval.decided");
      expect(rx.got[1].headers["x-toolgate-signature"]).toBe(hmac(secret, rx.got[1].body));
      expect(decided).toMatchObject({ event: "approval.decided", approval: { id, status: "denied", comment: "not without a PO", decidedBy: "API key policy_manager key" } });
      expect(decided.text).toContain("was denied by API key policy_manager key: “not without a PO”");

      // A test event, answered at once; every attempt is in the log.
      const test = await api("POST", "/api/v1/approval-webhook/test", undefined, bearer(k.a));
      expect(test).toMatchObject({ status: 200, body: { attempt: 1, statusCode: 200, ok: true, error: null } });
      expect(rx.got[2].headers["x-toolgate-event"]).toBe("test");
      expect(rx.got[2].headers["x-toolgate-signature"]).toBe(hmac(secret, rx.got[2].body));
      const log = await api("GET", "/api/v1/approval-webhook", undefined, bearer(k.a));
      expect(log.body.deliveries.map((d: { event: string; statusCode: number }) => [d.event, d.statusCode])).toEqual([
        ["test", 200],
        ["approval.decided", 200],
        ["approval.requested", 200],
      ]);
    } finally {
      await rx.close();
    }
  });

  it("retries a failing receiver with backoff: two 503s, then delivered on the third attempt", async () => {
    const rx = await receiver([503, 503]);
    try {
      expect((await api("PUT", "/api/v1/approval-webhook", { url: rx.url }, bearer(k.a))).status).toBe(200);
      const { id } = await requestApproval(grant.token, serverId, { message: "retry me" });
      await expect.poll(() => rx.got.length, { timeout: 10_000 }).toBe(3);
      // The same delivery each time (same id, same signed body).
      expect(new Set(rx.got.map((g) => g.headers["x-toolgate-delivery"])).size).toBe(1);
      expect(new Set(rx.got.map((g) => g.body)).size).toBe(1);
      expect(rx.got.every((g) => g.headers["x-toolgate-signature"] === hmac(secret, g.body))).toBe(true);
      await expect
        .poll(async () => (await sql.query(`SELECT attempt, "statusCode", error FROM "WebhookDelivery" WHERE "approvalId" = $1 ORDER BY attempt`, [id])).rows, { timeout: 10_000 })
        .toEqual([
          { attempt: 1, statusCode: 503, error: "HTTP 503" },
          { attempt: 2, statusCode: 503, error: "HTTP 503" },
          { attempt: 3, statusCode: 200, error: null },
        ]);
      const shown = (await api("GET", "/api/v1/approval-webhook", undefined, bearer(k.a))).body.deliveries.filter((d: { approvalId: string }) => d.approvalId === id);
      expect(shown.map((d: { attempt: number }) => d.attempt)).toEqual([3, 2, 1]);
    } finally {
      await rx.close();
    }
  });

  it("gives up after five attempts on an unreachable receiver, and never on a 4xx", async () => {
    const rx = await receiver([400]);
    const dead = await receiver();
    await dead.close();
    try {
      expect((await api("PUT", "/api/v1/approval-webhook", { url: dead.url }, bearer(k.a))).status).toBe(200);
      const { id } = await requestApproval(grant.token, serverId, { message: "nobody listens" });
      // Each attempt answered by an error (a row with neither status nor error is one still scheduled).
      await expect
        .poll(async () => (await sql.query(`SELECT attempt, "statusCode", error IS NOT NULL AS failed FROM "WebhookDelivery" WHERE "approvalId" = $1 ORDER BY attempt`, [id])).rows.map((r) => [r.attempt, r.statusCode, r.failed]), { timeout: 10_000 })
        .toEqual([1, 2, 3, 4, 5].map((n) => [n, null, true]));

      expect((await api("PUT", "/api/v1/approval-webhook", { url: rx.url }, bearer(k.a))).status).toBe(200);
      const second = await requestApproval(grant.token, serverId, { message: "bad request" });
      await expect.poll(() => rx.got.length, { timeout: 10_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 800));
      expect(rx.got.length).toBe(1);
      expect((await sql.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "approvalId" = $1`, [second.id])).rows[0].n).toBe(1);
    } finally {
      await rx.close();
    }
  });

  it("rotates the secret (shown once) and sends nothing while disabled", async () => {
    const rx = await receiver();
    try {
      expect((await api("PUT", "/api/v1/approval-webhook", { url: rx.url, enabled: false }, bearer(k.a))).status).toBe(200);
      await requestApproval(grant.token, serverId, { message: "while disabled" });
      await new Promise((r) => setTimeout(r, 500));
      expect(rx.got.length).toBe(0);
      const rotated = await api("POST", "/api/v1/approval-webhook/secret", undefined, bearer(k.a));
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(secret);
      expect((await api("POST", "/api/v1/approval-webhook/test", undefined, bearer(k.a))).body.ok).toBe(true);
      expect(rx.got[0].headers["x-toolgate-signature"]).toBe(hmac(rotated.body.secret, rx.got[0].body));
      expect((await api("DELETE", "/api/v1/approval-webhook", undefined, bearer(k.a))).status).toBe(204);
      expect((await api("GET", "/api/v1/approval-webhook", undefined, bearer(k.a))).body.webhook).toBeNull();
    } finally {
      await rx.close();
    }
  });

  it("delivers once per request when the gateway runs through Next's route-handler adapter too", async () => {
    const viaNext = await startToolgateProcess({ databaseUrl, env: { ...shared, TOOLGATE_GATEWAY_VIA_NEXT: "1" } });
    const rx = await receiver();
    try {
      expect((await api("PUT", "/api/v1/approval-webhook", { url: rx.url, enabled: true }, bearer(k.a))).status).toBe(200);
      const client = new Client({ name: "approvals-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${viaNext.url}/mcp/${serverId}`), { requestInit: { headers: bearer(grant.token) } }));
      clients.push(client);
      const r = await client.callTool({ name: "echo", arguments: { message: "through next" } });
      const id = approvalIdOf(r);
      expect(id).toMatch(/^apr_/);
      await expect.poll(() => rx.got.length, { timeout: 10_000 }).toBe(1);
      expect(JSON.parse(rx.got[0].body).approval.id).toBe(id);
      // A decision through that instance's API is announced once as well.
      expect((await apiClient(viaNext.url)("POST", `/api/v1/approvals/${id}/approve`, {}, bearer(k.a))).status).toBe(200);
      await expect.poll(() => rx.got.length, { timeout: 10_000 }).toBe(2);
      await new Promise((res) => setTimeout(res, 500));
      expect(rx.got.map((g) => g.headers["x-toolgate-event"])).toEqual(["approval.requested", "approval.decided"]);
    } finally {
      await rx.close();
      await viaNext.stop();
    }
  });

  it("two first saves at once: both succeed, one creates the webhook and gets the secret", async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = await org(`hook-race-${round}`);
      const answers = await Promise.all(
        Array.from({ length: 4 }, (_, i) => api("PUT", "/api/v1/approval-webhook", { url: `http://127.0.0.1:9/hook-${i}` }, bearer(fresh.admin))),
      );
      expect(answers.map((r) => r.status), JSON.stringify(answers.map((r) => r.body))).toEqual([200, 200, 200, 200]);
      const secrets = answers.map((r) => r.body.secret).filter((x) => x !== null);
      expect(secrets).toEqual([expect.stringMatching(/^whsec_/)]);
      const log = (await api("GET", "/api/v1/audit/admin?limit=100", undefined, bearer(fresh.admin))).body.items.map((e: { action: string }) => e.action);
      expect(log.filter((x: string) => x === "webhook.created")).toHaveLength(1);
      expect(log.filter((x: string) => x === "webhook.updated")).toHaveLength(3);
      // One webhook, with one of the URLs saved.
      expect((await api("GET", "/api/v1/approval-webhook", undefined, bearer(fresh.admin))).body.webhook.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/hook-[0-3]$/);
    }
  });

  it("resumes a retry after the process that scheduled it died mid-backoff", async () => {
    // A Toolgate of its own on a database of its own (no other replica's sweeper to step in), with
    // a 10-minute wait before the second attempt; the receiver refuses the first.
    const resumeDb = await freshDatabase("webhook-resume");
    const doomed = await startToolgateProcess({ databaseUrl: resumeDb, env: { ...shared, TOOLGATE_WEBHOOK_BACKOFF_MS: "600000,600000,600000,600000" } });
    const rx = await receiver([503]);
    const other = new pg.Client({ connectionString: resumeDb });
    await other.connect();
    try {
      const call = apiClient(doomed.url);
      const email = uniqueEmail("resume");
      await call("POST", "/api/v1/signup", { email, password: PASSWORD });
      const admin = (await call("POST", "/api/v1/api-keys", { name: "admin", role: "admin" }, basic(email, PASSWORD))).body.key as string;
      const server = (await call("POST", "/api/v1/servers", { name: "resume", url: upstream.url }, bearer(admin))).body.server.id as string;
      expect((await call("PUT", `/api/v1/servers/${server}/policy`, { document: POLICY }, bearer(admin))).status).toBe(200);
      const token = (await call("POST", `/api/v1/servers/${server}/grants`, { label: "resume-agent" }, bearer(admin))).body.token as string;
      const put = await call("PUT", "/api/v1/approval-webhook", { url: rx.url }, bearer(admin));
      const hookSecret = put.body.secret as string;

      const client = new Client({ name: "approvals-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${doomed.url}/mcp/${server}`), { requestInit: { headers: bearer(token) } }));
      const id = approvalIdOf(await client.callTool({ name: "echo", arguments: { message: "survive a crash" } }));
      await client.close();
      const rows = async () => (await other.query(`SELECT attempt, "statusCode", error FROM "WebhookDelivery" WHERE "approvalId" = $1 ORDER BY attempt`, [id])).rows;
      // Attempt 1 refused; attempt 2 scheduled (no answer yet), then the process is killed.
      await expect.poll(rows, { timeout: 10_000 }).toEqual([
        { attempt: 1, statusCode: 503, error: "HTTP 503" },
        { attempt: 2, statusCode: null, error: null },
      ]);
      await doomed.stop("SIGKILL");
      expect(rx.got).toHaveLength(1);
      // The wait is over (as if 11 minutes had passed).
      await other.query(`UPDATE "WebhookDelivery" SET "createdAt" = "createdAt" - interval '11 minutes' WHERE "approvalId" = $1 AND attempt = 2`, [id]);

      // Another process (a fresh copy of the modules, nothing in memory) resumes it. Two sweeps at
      // once: the attempt is made once.
      vi.resetModules();
      const { disconnectDb, getDb } = await import("../../lib/db/client");
      await disconnectDb();
      process.env.DATABASE_URL = resumeDb;
      process.env.TOOLGATE_ENCRYPTION_KEY = shared.TOOLGATE_ENCRYPTION_KEY;
      const { resumeWebhookDeliveries } = await import("../../lib/approvals/webhook-delivery");
      const made = await Promise.all([resumeWebhookDeliveries(getDb()), resumeWebhookDeliveries(getDb())]);
      expect(made.sort()).toEqual([0, 1]);
      await disconnectDb();

      expect(rx.got).toHaveLength(2);
      expect(rx.got[1].headers["x-toolgate-delivery"]).toBe(rx.got[0].headers["x-toolgate-delivery"]);
      expect(rx.got[1].headers["x-toolgate-signature"]).toBe(hmac(hookSecret, rx.got[1].body));
      expect(JSON.parse(rx.got[1].body)).toMatchObject({ event: "approval.requested", approval: { id, tool: "echo", args: { message: "survive a crash" } } });
      expect(await rows()).toEqual([
        { attempt: 1, statusCode: 503, error: "HTTP 503" },
        { attempt: 2, statusCode: 200, error: null },
      ]);
    } finally {
      await doomed.stop();
      await other.end();
      await rx.close();
    }
  });

  it("refuses private addresses when TOOLGATE_ALLOW_PRIVATE_UPSTREAMS=false (the upstream rule)", async () => {
    const { putWebhook } = await import("../../lib/approvals/webhook");
    const { getDb } = await import("../../lib/db/client");
    process.env.DATABASE_URL = databaseUrl;
    const orgId = (await sql.query(`SELECT "orgId" FROM "Server" WHERE id = $1`, [serverId])).rows[0].orgId as string;
    const before = process.env.TOOLGATE_ALLOW_PRIVATE_UPSTREAMS;
    process.env.TOOLGATE_ALLOW_PRIVATE_UPSTREAMS = "false";
    try {
      for (const url of ["http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://10.1.2.3/x"]) {
        await expect(putWebhook(getDb(), { type: "system", id: null, label: "test" }, orgId, { url, enabled: true })).rejects.toMatchObject({ code: "validation_failed" });
      }
    } finally {
      if (before === undefined) delete process.env.TOOLGATE_ALLOW_PRIVATE_UPSTREAMS;
      else process.env.TOOLGATE_ALLOW_PRIVATE_UPSTREAMS = before;
    }
  });
});
