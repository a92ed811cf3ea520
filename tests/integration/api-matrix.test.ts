import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ROUTES, impliedErrors, type RouteDoc } from "../../lib/openapi/routes";
import { PERMISSIONS, ROLES, type Role } from "../../lib/auth/permissions";
import type { ToolgateProcess } from "../helpers/toolgate-process";
import type { TestUpstream } from "../helpers/test-upstream";
import { startTestbed, type Testbed } from "../helpers/testbed";
import { basic, bearer, signInSession, uniqueEmail, PASSWORD, type JsonResponse } from "../helpers/http";
import { spawnConnector, until } from "../helpers/stdio-servers";
import type { ChildProcess } from "node:child_process";

// Every route of the API registry (lib/openapi/routes.ts) held to the statuses its shape implies:
// its success, 400 for a bad body or query, 401 without valid credentials, 403 for a caller the
// route refuses (each role of the permission table, API keys on session-only routes, a person who
// belongs to no organization), 404 for an unknown id and for org A's ids used by org B's admin.
// A route without cases here fails the coverage test at the end. What each endpoint does is
// tested in its own file (api-servers, api-lists, api-audit, invitations, …).

interface Req {
  method?: string;
  path: string;
  body?: unknown;
  /** Headers of the caller, when not the route's default one. */
  as?: Record<string, string>;
}
interface Case {
  ok: () => Req;
  /** A 400: a malformed body or query, by a caller the route allows. */
  bad?: () => Req;
  /** A 404: an id that is nobody's (by a caller the route allows). */
  missing?: () => Req;
  /** A 404 by org B's admin with org A's ids (tenant isolation); default: the ok request. */
  foreign?: () => Req;
}

let bed: Testbed;
let app: ToolgateProcess;
let upstream: TestUpstream;
let api: Testbed["api"];
let sql: pg.Client;
const keys = {} as Record<Role, string> & { b: string; c: string; spare: string };
const sessions = {} as { a: Record<string, string>; joiner: Record<string, string>; homeless: Record<string, string> };
const ids = {} as {
  orgA: string;
  orgB: string;
  server: string;
  serverToDelete: string;
  serverWithoutUrl: string;
  grantInUse: string;
  grantToRotate: string;
  grantToRevoke: string;
  grantWithPolicy: string;
  member: string;
  adminMember: string;
  invitationToWithdraw: string;
  invitationPending: string;
  invitationToken: string;
  viewerKey: string;
  event: string;
  approvalToApprove: string;
  approvalToDeny: string;
  connectorServer: string;
  connectorKeyToRevoke: string;
  runningProcess: string;
  liveConnectorServer: string;
};
let liveConnector: ChildProcess | undefined;
const published = { version: "1", default: "deny", tools: { echo: {}, create_charge: { action: "require_approval" } } };

async function signUp(tag: string, inviteToken?: string) {
  const email = uniqueEmail(tag);
  const r = await api("POST", "/api/v1/signup", { email, password: PASSWORD, ...(inviteToken ? { inviteToken } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { email, orgId: r.body.organization.id as string };
}
async function keyOf(email: string, role: Role) {
  const r = await api("POST", "/api/v1/api-keys", { name: `matrix-${role}`, role }, basic(email, PASSWORD));
  return r.body as { id: string; key: string };
}
async function invite(email: string) {
  const r = await api("POST", "/api/v1/invitations", { email, role: "viewer" }, bearer(keys.admin));
  return { id: r.body.invitation.id as string, token: String(r.body.url).split("/").pop()! };
}

beforeAll(async () => {
  bed = await startTestbed("matrix");
  ({ app, upstream, api, sql } = bed);

  const a = await signUp("matrix-a");
  const b = await signUp("matrix-b");
  ids.orgA = a.orgId;
  ids.orgB = b.orgId;
  for (const role of ROLES) keys[role] = (await keyOf(a.email, role)).key;
  const viewer = (await api("GET", "/api/v1/api-keys", undefined, bearer(keys.admin))).body.items.find((k: { role: string }) => k.role === "viewer");
  ids.viewerKey = viewer.id;
  keys.spare = (await keyOf(a.email, "viewer")).id;
  keys.b = (await keyOf(b.email, "admin")).key;
  sessions.a = await signInSession(app.url, a.email, PASSWORD);

  // A member to change and remove; a person who joins by invitation; one left in no organization.
  const memberEmail = uniqueEmail("member");
  const m = await invite(memberEmail);
  expect((await api("POST", "/api/v1/signup", { email: memberEmail, password: PASSWORD, inviteToken: m.token })).status).toBe(201);
  const homelessEmail = uniqueEmail("homeless");
  const h = await invite(homelessEmail);
  expect((await api("POST", "/api/v1/signup", { email: homelessEmail, password: PASSWORD, inviteToken: h.token })).status).toBe(201);
  const members = (await api("GET", "/api/v1/members", undefined, bearer(keys.admin))).body.items as { id: string; user: { email: string } }[];
  ids.member = members.find((x) => x.user.email === memberEmail)!.id;
  ids.adminMember = members.find((x) => x.user.email === a.email)!.id;
  sessions.homeless = await signInSession(app.url, homelessEmail, PASSWORD);
  const homelessMembership = members.find((x) => x.user.email === homelessEmail)!.id;
  expect((await api("DELETE", `/api/v1/members/${homelessMembership}`, undefined, bearer(keys.admin))).status).toBe(204);
  const joiner = await signUp("joiner");
  sessions.joiner = await signInSession(app.url, joiner.email, PASSWORD);
  keys.c = (await keyOf(joiner.email, "admin")).key; // an organization with nothing in it
  ids.invitationToken = (await invite(joiner.email)).token;
  ids.invitationToWithdraw = (await invite(uniqueEmail("withdrawn"))).id;
  ids.invitationPending = (await invite(uniqueEmail("pending"))).id;

  // Servers, a policy, grants, and two decisions in the audit log.
  const created = await api("POST", "/api/v1/servers", { name: "matrix upstream", url: upstream.url }, bearer(keys.admin));
  expect(created.body.sync?.ok, JSON.stringify(created.body)).toBe(true);
  ids.server = created.body.server.id;
  ids.serverToDelete = (await api("POST", "/api/v1/servers", { name: "to delete", url: upstream.url, sync: false }, bearer(keys.admin))).body.server.id;
  ids.serverWithoutUrl = (await api("POST", "/api/v1/servers", { name: "no url", url: upstream.url, sync: false }, bearer(keys.admin))).body.server.id;
  await sql.query(`UPDATE "Server" SET url = NULL, transport = 'stdio' WHERE id = $1`, [ids.serverWithoutUrl]);
  const connector = await api("POST", "/api/v1/servers", { name: "matrix connector", kind: "connector" }, bearer(keys.admin));
  ids.connectorServer = connector.body.server.id;
  ids.connectorKeyToRevoke = connector.body.connectorKey.id;
  // A process to stop: a second connector server, its connector running server-everything, one session open.
  const live = await api("POST", "/api/v1/servers", { name: "matrix live connector", kind: "connector" }, bearer(keys.admin));
  liveConnector = spawnConnector(app.url, live.body.connectorKey.secret).child;
  await until("the connector online", async () => (await api("GET", `/api/v1/servers/${live.body.server.id}`, undefined, bearer(keys.admin))).body.server.connector.online);
  // The sync on connect runs a process of its own for a moment: let it finish, or it would be the one picked below.
  await until("the sync on connect done", async () => {
    const [server, procs] = await Promise.all([api("GET", `/api/v1/servers/${live.body.server.id}`, undefined, bearer(keys.admin)), api("GET", `/api/v1/servers/${live.body.server.id}/processes`, undefined, bearer(keys.admin))]);
    return server.body.server.lastSyncAt !== null && procs.body.items.length === 0;
  });
  const liveGrant = (await api("POST", `/api/v1/servers/${live.body.server.id}/grants`, { label: "matrix" }, bearer(keys.admin))).body.token as string;
  const session = new Client({ name: "matrix-live", version: "1.0.0" });
  await session.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${live.body.server.id}`), { requestInit: { headers: bearer(liveGrant) } }));
  ids.liveConnectorServer = live.body.server.id;
  ids.runningProcess = (await until("its process", async () => (await api("GET", `/api/v1/servers/${live.body.server.id}/processes`, undefined, bearer(keys.admin))).body.items[0]?.id)) as string;
  expect((await api("PUT", `/api/v1/servers/${ids.server}/policy`, { document: published }, bearer(keys.admin))).status).toBe(200);
  const grant = async (label: string) => (await api("POST", `/api/v1/servers/${ids.server}/grants`, { label }, bearer(keys.admin))).body as { id: string; token: string };
  const inUse = await grant("in use");
  ids.grantInUse = inUse.id;
  ids.grantToRotate = (await grant("to rotate")).id;
  ids.grantToRevoke = (await grant("to revoke")).id;
  ids.grantWithPolicy = (await grant("own policy")).id;
  const client = new Client({ name: "matrix", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp/${ids.server}`), { requestInit: { headers: bearer(inUse.token) } }));
  await client.callTool({ name: "echo", arguments: { message: "hi" } });
  await client.callTool({ name: "delete_file", arguments: { path: "/tmp/x" } });
  // Two calls waiting for a person (distinct arguments: the same ones wait on the same request).
  const approval = async (amount: number) => {
    const r = (await client.callTool({ name: "create_charge", arguments: { amount, currency: "eur" } })) as { content: { text: string }[] };
    return /approval id (apr_[0-9a-f]+)/.exec(r.content[0].text)![1];
  };
  ids.approvalToApprove = await approval(5);
  ids.approvalToDeny = await approval(6);
  expect(ids.approvalToDeny).not.toBe(ids.approvalToApprove);
  await client.close();
  // Org B has an approval webhook (org A's is set up by the PUT case).
  const hook = upstream.url.replace(/\/mcp$/, "/hook");
  expect((await api("PUT", "/api/v1/approval-webhook", { url: hook }, bearer(keys.b))).status).toBe(200);
  for (let i = 0; i < 100; i++) {
    const r = await sql.query(`SELECT id FROM "AuditEvent" WHERE "serverId" = $1 ORDER BY time`, [ids.server]);
    if (r.rows.length >= 2) {
      ids.event = r.rows[0].id;
      break;
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  expect(ids.event).toMatch(/^evt_/);
}, 180_000);

afterAll(async () => {
  liveConnector?.kill("SIGKILL");
  await bed?.close();
});

const S = () => ids.server;
const cases: Record<string, Case> = {
  "POST /api/v1/signup": {
    ok: () => ({ path: "/api/v1/signup", body: { email: uniqueEmail("matrix-signup"), password: PASSWORD } }),
    bad: () => ({ path: "/api/v1/signup", body: { email: "not an email", password: PASSWORD } }),
  },
  "GET /api/v1/orgs": { ok: () => ({ path: "/api/v1/orgs" }), bad: () => ({ path: "/api/v1/orgs?limit=0" }) },
  "POST /api/v1/orgs": {
    ok: () => ({ path: "/api/v1/orgs", body: { name: "Joiner's second" }, as: sessions.joiner }),
    bad: () => ({ path: "/api/v1/orgs", body: { name: "" }, as: sessions.joiner }),
  },
  "GET /api/v1/orgs/current": { ok: () => ({ path: "/api/v1/orgs/current" }) },
  "PUT /api/v1/orgs/current": {
    ok: () => ({ path: "/api/v1/orgs/current", body: { orgId: ids.orgA }, as: sessions.a }),
    bad: () => ({ path: "/api/v1/orgs/current", body: { orgId: "" }, as: sessions.a }),
    missing: () => ({ path: "/api/v1/orgs/current", body: { orgId: ids.orgB }, as: sessions.a }),
  },
  "PATCH /api/v1/orgs/current": { ok: () => ({ path: "/api/v1/orgs/current", body: { name: "Matrix A" } }), bad: () => ({ path: "/api/v1/orgs/current", body: { name: "" } }) },
  "GET /api/v1/members": { ok: () => ({ path: "/api/v1/members" }), bad: () => ({ path: "/api/v1/members?cursor=nope" }) },
  "PATCH /api/v1/members/{id}": {
    ok: () => ({ path: `/api/v1/members/${ids.member}`, body: { role: "policy_manager" } }),
    bad: () => ({ path: `/api/v1/members/${ids.member}`, body: { role: "owner" } }),
    missing: () => ({ path: "/api/v1/members/mem_nope", body: { role: "viewer" } }),
  },
  "DELETE /api/v1/members/{id}": { ok: () => ({ path: `/api/v1/members/${ids.member}` }), missing: () => ({ path: "/api/v1/members/mem_nope" }) },
  "GET /api/v1/invitations": { ok: () => ({ path: "/api/v1/invitations" }), bad: () => ({ path: "/api/v1/invitations?limit=1001" }) },
  "POST /api/v1/invitations": {
    ok: () => ({ path: "/api/v1/invitations", body: { email: uniqueEmail("invited"), role: "viewer" } }),
    bad: () => ({ path: "/api/v1/invitations", body: { email: "nope", role: "viewer" } }),
  },
  "DELETE /api/v1/invitations/{id}": { ok: () => ({ path: `/api/v1/invitations/${ids.invitationToWithdraw}` }), missing: () => ({ path: "/api/v1/invitations/inv_nope" }) },
  "POST /api/v1/invitations/accept": {
    ok: () => ({ path: "/api/v1/invitations/accept", body: { token: ids.invitationToken }, as: sessions.joiner }),
    bad: () => ({ path: "/api/v1/invitations/accept", body: { token: "" }, as: sessions.joiner }),
  },
  "GET /api/v1/api-keys": { ok: () => ({ path: "/api/v1/api-keys" }), bad: () => ({ path: "/api/v1/api-keys?limit=x" }) },
  "POST /api/v1/api-keys": { ok: () => ({ path: "/api/v1/api-keys", body: { name: "matrix" } }), bad: () => ({ path: "/api/v1/api-keys", body: { name: "" } }) },
  "DELETE /api/v1/api-keys/{id}": {
    ok: () => ({ path: `/api/v1/api-keys/${keys.spare}` }),
    missing: () => ({ path: "/api/v1/api-keys/key_nope" }),
    foreign: () => ({ path: `/api/v1/api-keys/${ids.viewerKey}` }),
  },
  "GET /api/v1/servers": { ok: () => ({ path: "/api/v1/servers" }), bad: () => ({ path: "/api/v1/servers?limit=-1" }) },
  "POST /api/v1/servers": {
    ok: () => ({ path: "/api/v1/servers", body: { name: "matrix new", url: upstream.url, sync: false } }),
    bad: () => ({ path: "/api/v1/servers", body: { name: "", url: upstream.url } }),
  },
  "GET /api/v1/servers/{id}": { ok: () => ({ path: `/api/v1/servers/${S()}` }), missing: () => ({ path: "/api/v1/servers/srv_nope" }) },
  "PATCH /api/v1/servers/{id}": {
    ok: () => ({ path: `/api/v1/servers/${ids.serverToDelete}`, body: { name: "to delete, renamed" } }),
    bad: () => ({ path: `/api/v1/servers/${ids.serverToDelete}`, body: {} }),
    missing: () => ({ path: "/api/v1/servers/srv_nope", body: { name: "x" } }),
    foreign: () => ({ path: `/api/v1/servers/${S()}`, body: { name: "taken over" } }),
  },
  "DELETE /api/v1/servers/{id}": {
    ok: () => ({ path: `/api/v1/servers/${ids.serverToDelete}` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope" }),
    foreign: () => ({ path: `/api/v1/servers/${S()}` }),
  },
  "GET /api/v1/servers/kinds": { ok: () => ({ path: "/api/v1/servers/kinds" }) },
  "GET /api/v1/servers/{id}/processes": { ok: () => ({ path: `/api/v1/servers/${ids.connectorServer}/processes` }), missing: () => ({ path: "/api/v1/servers/srv_nope/processes" }) },
  "DELETE /api/v1/servers/{id}/processes/{processId}": {
    ok: () => ({ path: `/api/v1/servers/${ids.liveConnectorServer}/processes/${ids.runningProcess}` }),
    missing: () => ({ path: `/api/v1/servers/${ids.liveConnectorServer}/processes/proc_nope` }),
  },
  "GET /api/v1/servers/{id}/logs": {
    ok: () => ({ path: `/api/v1/servers/${ids.connectorServer}/logs?after=0` }),
    bad: () => ({ path: `/api/v1/servers/${ids.connectorServer}/logs?after=-1` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/logs" }),
  },
  "GET /api/v1/servers/{id}/connector-keys": {
    ok: () => ({ path: `/api/v1/servers/${ids.connectorServer}/connector-keys` }),
    bad: () => ({ path: `/api/v1/servers/${S()}/connector-keys` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/connector-keys" }),
  },
  "POST /api/v1/servers/{id}/connector-keys": {
    ok: () => ({ path: `/api/v1/servers/${ids.connectorServer}/connector-keys` }),
    bad: () => ({ path: `/api/v1/servers/${S()}/connector-keys` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/connector-keys" }),
  },
  "DELETE /api/v1/servers/{id}/connector-keys/{keyId}": {
    ok: () => ({ path: `/api/v1/servers/${ids.connectorServer}/connector-keys/${ids.connectorKeyToRevoke}` }),
    missing: () => ({ path: `/api/v1/servers/${ids.connectorServer}/connector-keys/ckey_nope` }),
  },
  "POST /api/v1/servers/{id}/sync": {
    ok: () => ({ path: `/api/v1/servers/${S()}/sync` }),
    bad: () => ({ path: `/api/v1/servers/${ids.serverWithoutUrl}/sync` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/sync" }),
  },
  "GET /api/v1/servers/{id}/tools": {
    ok: () => ({ path: `/api/v1/servers/${S()}/tools` }),
    bad: () => ({ path: `/api/v1/servers/${S()}/tools?includeRemoved=yes` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/tools" }),
  },
  "POST /api/v1/servers/{id}/tools": {
    ok: () => ({ path: `/api/v1/servers/${S()}/tools`, body: { review: ["echo"] } }),
    bad: () => ({ path: `/api/v1/servers/${S()}/tools`, body: { review: [] } }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/tools", body: { review: ["echo"] } }),
  },
  "GET /api/v1/servers/{id}/policy": { ok: () => ({ path: `/api/v1/servers/${S()}/policy` }), missing: () => ({ path: "/api/v1/servers/srv_nope/policy" }) },
  "PUT /api/v1/servers/{id}/policy": {
    ok: () => ({ path: `/api/v1/servers/${S()}/policy`, body: { document: published, message: "matrix" } }),
    bad: () => ({ path: `/api/v1/servers/${S()}/policy`, body: { document: { version: "1", default: "maybe" } } }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/policy", body: { document: published } }),
  },
  "GET /api/v1/servers/{id}/policy/draft": { ok: () => ({ path: `/api/v1/servers/${S()}/policy/draft` }), missing: () => ({ path: "/api/v1/servers/srv_nope/policy/draft" }) },
  "PUT /api/v1/servers/{id}/policy/draft": {
    ok: () => ({ path: `/api/v1/servers/${S()}/policy/draft`, body: { text: "{", baseVersion: null } }),
    bad: () => ({ path: `/api/v1/servers/${S()}/policy/draft`, body: { text: 5, baseVersion: null } }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/policy/draft", body: { text: "{}", baseVersion: null } }),
  },
  "DELETE /api/v1/servers/{id}/policy/draft": { ok: () => ({ path: `/api/v1/servers/${S()}/policy/draft` }), missing: () => ({ path: "/api/v1/servers/srv_nope/policy/draft" }) },
  "GET /api/v1/servers/{id}/policy/versions": {
    ok: () => ({ path: `/api/v1/servers/${S()}/policy/versions` }),
    bad: () => ({ path: `/api/v1/servers/${S()}/policy/versions?cursor=WyJ4Il0` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/policy/versions" }),
  },
  "POST /api/v1/servers/{id}/policy/simulate": {
    ok: () => ({ path: `/api/v1/servers/${S()}/policy/simulate`, body: { call: { tool: "echo", args: { message: "x" } } } }),
    bad: () => ({ path: `/api/v1/servers/${S()}/policy/simulate`, body: { call: {} } }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/policy/simulate", body: { call: { tool: "echo" } } }),
  },
  "POST /api/v1/servers/{id}/policy/replay": {
    ok: () => ({ path: `/api/v1/servers/${S()}/policy/replay`, body: { policy: published } }),
    bad: () => ({ path: `/api/v1/servers/${S()}/policy/replay`, body: { policy: published, days: 99 } }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/policy/replay", body: { policy: published } }),
  },
  "GET /api/v1/servers/{id}/policy/recommended": {
    ok: () => ({ path: `/api/v1/servers/${S()}/policy/recommended` }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/policy/recommended" }),
  },
  "POST /api/v1/servers/{id}/grants": {
    ok: () => ({ path: `/api/v1/servers/${S()}/grants`, body: { label: "matrix agent" } }),
    bad: () => ({ path: `/api/v1/servers/${S()}/grants`, body: { label: "" } }),
    missing: () => ({ path: "/api/v1/servers/srv_nope/grants", body: { label: "x" } }),
  },
  "GET /api/v1/grants": { ok: () => ({ path: "/api/v1/grants" }), bad: () => ({ path: "/api/v1/grants?active=yes" }) },
  "DELETE /api/v1/grants/{id}": {
    ok: () => ({ path: `/api/v1/grants/${ids.grantToRevoke}` }),
    missing: () => ({ path: "/api/v1/grants/gnt_nope" }),
    foreign: () => ({ path: `/api/v1/grants/${ids.grantInUse}` }),
  },
  "POST /api/v1/grants/{id}/rotate": { ok: () => ({ path: `/api/v1/grants/${ids.grantToRotate}/rotate` }), missing: () => ({ path: "/api/v1/grants/gnt_nope/rotate" }) },
  "PUT /api/v1/grants/{id}/policy": {
    ok: () => ({ path: `/api/v1/grants/${ids.grantWithPolicy}/policy`, body: { policy: { version: "1", default: "allow" } } }),
    bad: () => ({ path: `/api/v1/grants/${ids.grantWithPolicy}/policy`, body: { policyId: 5 } }),
    missing: () => ({ path: "/api/v1/grants/gnt_nope/policy", body: { policyId: null } }),
  },
  "GET /api/v1/audit": { ok: () => ({ path: "/api/v1/audit" }), bad: () => ({ path: "/api/v1/audit?decision=maybe" }) },
  "GET /api/v1/audit/stats": { ok: () => ({ path: "/api/v1/audit/stats" }), bad: () => ({ path: "/api/v1/audit/stats?from=yesterday" }) },
  "GET /api/v1/audit/admin": { ok: () => ({ path: "/api/v1/audit/admin" }), bad: () => ({ path: "/api/v1/audit/admin?cursor=%E2%9C%97" }) },
  "GET /api/v1/approvals": { ok: () => ({ path: "/api/v1/approvals" }), bad: () => ({ path: "/api/v1/approvals?status=maybe" }) },
  "GET /api/v1/approvals/count": { ok: () => ({ path: "/api/v1/approvals/count" }) },
  "GET /api/v1/approvals/{id}": { ok: () => ({ path: `/api/v1/approvals/${ids.approvalToApprove}` }), missing: () => ({ path: "/api/v1/approvals/apr_nope" }) },
  "POST /api/v1/approvals/{id}/approve": {
    ok: () => ({ path: `/api/v1/approvals/${ids.approvalToApprove}/approve`, body: { comment: "fine" } }),
    bad: () => ({ path: `/api/v1/approvals/${ids.approvalToApprove}/approve`, body: { comment: 5 } }),
    missing: () => ({ path: "/api/v1/approvals/apr_nope/approve", body: {} }),
  },
  "POST /api/v1/approvals/{id}/deny": {
    ok: () => ({ path: `/api/v1/approvals/${ids.approvalToDeny}/deny`, body: { comment: "not now" } }),
    bad: () => ({ path: `/api/v1/approvals/${ids.approvalToDeny}/deny`, body: {} }),
    missing: () => ({ path: "/api/v1/approvals/apr_nope/deny", body: { comment: "x" } }),
  },
  // The webhook is the organization's own: a 404 is an organization without one (C's).
  "GET /api/v1/approval-webhook": { ok: () => ({ path: "/api/v1/approval-webhook" }) },
  "PUT /api/v1/approval-webhook": {
    ok: () => ({ path: "/api/v1/approval-webhook", body: { url: upstream.url.replace(/\/mcp$/, "/hook"), enabled: true } }),
    bad: () => ({ path: "/api/v1/approval-webhook", body: { url: "" } }),
  },
  "DELETE /api/v1/approval-webhook": {
    ok: () => ({ path: "/api/v1/approval-webhook", as: bearer(keys.b) }),
    missing: () => ({ path: "/api/v1/approval-webhook", as: bearer(keys.c) }),
  },
  "POST /api/v1/approval-webhook/secret": { ok: () => ({ path: "/api/v1/approval-webhook/secret" }), missing: () => ({ path: "/api/v1/approval-webhook/secret", as: bearer(keys.c) }) },
  "POST /api/v1/approval-webhook/test": { ok: () => ({ path: "/api/v1/approval-webhook/test" }), missing: () => ({ path: "/api/v1/approval-webhook/test", as: bearer(keys.c) }) },
  "GET /api/v1/openapi.json": { ok: () => ({ path: "/api/v1/openapi.json" }) },
};

const CHECKED_STATUSES = new Set([400, 401, 403, 404]);
const seen = new Set<string>();
const keyOfRoute = (r: RouteDoc) => `${r.method} ${r.path}`;

/** The least privileged role the route allows (its success is shown by the smallest grant). */
function okRole(route: RouteDoc): Role | null {
  if (route.auth.kind !== "org") return null;
  const allowed = PERMISSIONS[route.auth.permission] as readonly Role[];
  return [...ROLES].reverse().find((r) => allowed.includes(r)) ?? null;
}

function callerOf(route: RouteDoc, req: Req): Record<string, string> {
  if (req.as) return req.as;
  const role = okRole(route);
  return role ? bearer(keys[role]) : route.auth.kind === "user" ? bearer(keys.viewer) : {};
}

async function send(route: RouteDoc, req: Req, headers: Record<string, string>): Promise<JsonResponse> {
  return api(req.method ?? route.method, req.path, req.body, headers);
}

async function expectStatus(route: RouteDoc, req: Req, headers: Record<string, string>, status: number, what: string) {
  const r = await send(route, req, headers);
  expect(r.status, `${route.method} ${req.path} ${what}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(status);
  if (status >= 400) expect(r.body?.error?.code, `${what}: the error shape`).toBeTypeOf("string");
  seen.add(`${keyOfRoute(route)} ${status}`);
  return r;
}

for (const route of ROUTES) {
  const key = keyOfRoute(route);
  const c = cases[key];
  const implied = new Set(impliedErrors(route));
  const success = Number(Object.keys(route.responses)[0]);
  if (!c) continue; // the coverage test names it
  describe(key, () => {
    if (implied.has(401)) {
      it("401 without credentials, or with an unknown key", async () => {
        await expectStatus(route, c.ok(), {}, 401, "without credentials");
        await expectStatus(route, c.ok(), bearer("tgk_0000000000000000000000000000000000000000"), 401, "with an unknown key");
      });
    }
    if (route.auth.kind === "user" && route.auth.sessionOnly) {
      it("403 for an API key (session only)", async () => {
        await expectStatus(route, { ...c.ok(), as: undefined }, bearer(keys.admin), 403, "as an API key");
      });
    }
    if (route.auth.kind === "org") {
      const allowed = PERMISSIONS[route.auth.permission] as readonly Role[];
      it(`roles: ${allowed.join(", ")} pass, the others get 403`, async () => {
        for (const role of ROLES) {
          if (allowed.includes(role)) {
            if (role === okRole(route)) continue; // its success test shows it
            // A request that passes authorization without changing anything: an invalid one, or
            // one for an unknown id, or (reads) the request itself.
            const probe = c.bad?.() ?? c.missing?.() ?? (route.method === "GET" ? c.ok() : null);
            if (!probe) continue;
            const r = await send(route, probe, bearer(keys[role]));
            expect([401, 403], `${key} as ${role}: ${JSON.stringify(r.body).slice(0, 200)}`).not.toContain(r.status);
          } else {
            const r = await expectStatus(route, c.ok(), bearer(keys[role]), 403, `as ${role}`);
            expect(r.body.error.code).toBe("forbidden");
          }
        }
        if (allowed.length === ROLES.length) {
          // Every role may: only a person who belongs to no organization is refused.
          await expectStatus(route, c.ok(), sessions.homeless, 403, "as a person in no organization");
        }
      });
    }
    if (c.bad) {
      it("400 for a malformed request", async () => {
        const req = c.bad!();
        const r = await expectStatus(route, req, callerOf(route, req), 400, "malformed");
        expect(["validation_failed", "invalid_json", "bad_request"]).toContain(r.body.error.code);
      });
    }
    if (c.missing || implied.has(404)) {
      it("404 for an unknown id, and for org A's ids asked by org B's admin", async () => {
        if (c.missing) {
          const req = c.missing();
          await expectStatus(route, req, callerOf(route, req), 404, "unknown id");
        }
        if (route.path.includes("{")) {
          const r = await expectStatus(route, { ...(c.foreign ?? c.ok)(), as: undefined }, bearer(keys.b), 404, "org B's admin, org A's id");
          expect(JSON.stringify(r.body)).not.toContain(ids.orgA);
        }
      });
    }
    it(`${success} for the documented success`, async () => {
      const req = c.ok();
      await expectStatus(route, req, callerOf(route, req), success, "success");
    });
  });
}

describe("coverage", () => {
  it("every route has cases, and each of its success, 400, 401, 403 and 404 answers was seen", () => {
    expect(ROUTES.map(keyOfRoute).filter((k) => !cases[k]), "routes without cases in api-matrix.test.ts").toEqual([]);
    expect(Object.keys(cases).filter((k) => !ROUTES.some((r) => keyOfRoute(r) === k)), "cases of routes that no longer exist").toEqual([]);
    const missing: string[] = [];
    for (const route of ROUTES) {
      const expected = [Number(Object.keys(route.responses)[0]), ...impliedErrors(route).filter((s) => CHECKED_STATUSES.has(s))];
      for (const status of expected) if (!seen.has(`${keyOfRoute(route)} ${status}`)) missing.push(`${keyOfRoute(route)} ${status}`);
    }
    expect(missing).toEqual([]);
  });
});

describe("tenant isolation: org B's admin sees nothing of org A's", () => {
  it("in any list, nor through filters and positions naming org A's ids", async () => {
    const secrets = [ids.orgA, ids.server, ids.grantInUse, ids.adminMember, ids.invitationPending, ids.viewerKey, ids.event, ids.approvalToApprove];
    for (const path of ["/api/v1/orgs", "/api/v1/members", "/api/v1/invitations", "/api/v1/api-keys", "/api/v1/servers", "/api/v1/grants", "/api/v1/audit", "/api/v1/audit/admin", "/api/v1/audit/stats", "/api/v1/approvals"]) {
      const r = await api("GET", path, undefined, bearer(keys.b));
      expect(r.status, path).toBe(200);
      for (const id of secrets) expect(JSON.stringify(r.body), `${path} shows ${id}`).not.toContain(id);
    }
    expect((await api("GET", `/api/v1/grants?serverId=${ids.server}`, undefined, bearer(keys.b))).body.items).toEqual([]);
    expect((await api("GET", `/api/v1/audit?serverId=${ids.server}`, undefined, bearer(keys.b))).body.items).toEqual([]);
    expect((await api("GET", `/api/v1/audit?grantId=${ids.grantInUse}`, undefined, bearer(keys.b))).body.items).toEqual([]);
    expect((await api("GET", `/api/v1/approvals?serverId=${ids.server}`, undefined, bearer(keys.b))).body.items).toEqual([]);
    expect((await api("GET", "/api/v1/approvals/count", undefined, bearer(keys.b))).body).toEqual({ pending: 0 });
    const stats = await api("GET", `/api/v1/audit/stats?serverId=${ids.server}&from=2000-01-01T00:00:00Z`, undefined, bearer(keys.b));
    expect(stats.body).toMatchObject({ series: [], topTools: [], topDeniedRules: [] });
    const after = await api("GET", `/api/v1/audit?after=${ids.event}`, undefined, bearer(keys.b));
    expect(after.status).toBe(400);
    expect(after.body.error.details.fields.after).toMatch(/no event/);
    // A cursor made of org A's sort key pages org B's own rows only.
    const aPage = await api("GET", "/api/v1/audit?limit=1", undefined, bearer(keys.admin));
    const bPage = await api("GET", `/api/v1/audit?cursor=${aPage.body.nextCursor}`, undefined, bearer(keys.b));
    expect(bPage.status).toBe(200);
    expect(bPage.body.items).toEqual([]);
  });
});
