import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";

// Role checks are declared per route (withOrgApi({ permission })); these tests hold each
// route to its declaration, and keep every organization's data out of every other's reach.
let app: ToolgateProcess;
let api: ReturnType<typeof apiClient>;
const keys: Record<string, string> = {};
let orgA: { adminEmail: string; keyId: string; membershipId: string; invitationId: string };

async function orgWithKeys(tag: string) {
  const email = uniqueEmail(tag);
  await api("POST", "/api/v1/signup", { email, password: PASSWORD });
  const mk = async (role: string) => (await api("POST", "/api/v1/api-keys", { name: `${tag}-${role}`, role }, basic(email, PASSWORD))).body;
  return { email, admin: await mk("admin"), pm: await mk("policy_manager"), viewer: await mk("viewer") };
}

beforeAll(async () => {
  app = await startToolgateProcess({ databaseUrl: await freshDatabase("roles") });
  api = apiClient(app.url);
  const a = await orgWithKeys("a");
  const b = await orgWithKeys("b");
  Object.assign(keys, { aAdmin: a.admin.key, aPm: a.pm.key, aViewer: a.viewer.key, bAdmin: b.admin.key });
  const members = (await api("GET", "/api/v1/members", undefined, bearer(a.admin.key))).body.items;
  const inv = (await api("POST", "/api/v1/invitations", { email: uniqueEmail("inv"), role: "viewer" }, bearer(a.admin.key))).body;
  orgA = { adminEmail: a.email, keyId: a.viewer.id, membershipId: members[0].id, invitationId: inv.invitation.id };
});
afterAll(async () => {
  await app?.stop();
});

const cases: { route: string; method: string; body?: unknown; allowed: string[] }[] = [
  { method: "GET", route: "/api/v1/members", allowed: ["aAdmin", "aPm", "aViewer"] },
  { method: "GET", route: "/api/v1/orgs/current", allowed: ["aAdmin", "aPm", "aViewer"] },
  { method: "GET", route: "/api/v1/api-keys", allowed: ["aAdmin"] },
  { method: "GET", route: "/api/v1/invitations", allowed: ["aAdmin"] },
  { method: "POST", route: "/api/v1/invitations", body: { email: "x@example.com", role: "viewer" }, allowed: ["aAdmin"] },
  { method: "POST", route: "/api/v1/api-keys", body: { name: "n" }, allowed: ["aAdmin"] },
  { method: "PATCH", route: "/api/v1/orgs/current", body: { name: "Renamed" }, allowed: ["aAdmin"] },
];

describe("role checks per route", () => {
  for (const c of cases) {
    for (const who of ["aAdmin", "aPm", "aViewer"]) {
      const expected = c.allowed.includes(who);
      it(`${c.method} ${c.route} as ${who} → ${expected ? "allowed" : "403"}`, async () => {
        const body = c.route === "/api/v1/invitations" && c.method === "POST" ? { email: uniqueEmail("i"), role: "viewer" } : c.body;
        const r = await api(c.method, c.route, body, bearer(keys[who]));
        if (expected) expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        else {
          expect(r.status).toBe(403);
          expect(r.body.error.code).toBe("forbidden");
        }
      });
    }
  }
});

describe("tenant isolation", () => {
  it("an admin of org B cannot revoke org A's key", async () => {
    const r = await api("DELETE", `/api/v1/api-keys/${orgA.keyId}`, undefined, bearer(keys.bAdmin));
    expect(r.status).toBe(404);
    expect((await api("GET", "/api/v1/members", undefined, bearer(keys.aViewer))).status).toBe(200);
  });
  it("an admin of org B cannot change or remove org A's members", async () => {
    expect((await api("PATCH", `/api/v1/members/${orgA.membershipId}`, { role: "viewer" }, bearer(keys.bAdmin))).status).toBe(404);
    expect((await api("DELETE", `/api/v1/members/${orgA.membershipId}`, undefined, bearer(keys.bAdmin))).status).toBe(404);
  });
  it("an admin of org B cannot withdraw org A's invitation, nor list it", async () => {
    expect((await api("DELETE", `/api/v1/invitations/${orgA.invitationId}`, undefined, bearer(keys.bAdmin))).status).toBe(404);
    const list = await api("GET", "/api/v1/invitations", undefined, bearer(keys.bAdmin));
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(orgA.invitationId);
  });
  it("org B sees only its own members", async () => {
    const members = (await api("GET", "/api/v1/members", undefined, bearer(keys.bAdmin))).body.items;
    expect(members.map((m: { user: { email: string } }) => m.user.email)).not.toContain(orgA.adminEmail);
  });
  it("a key cannot pick another organization with the org header", async () => {
    const bOrg = (await api("GET", "/api/v1/orgs/current", undefined, bearer(keys.bAdmin))).body.organization.id;
    const r = await api("GET", "/api/v1/orgs/current", undefined, { ...bearer(keys.aViewer), "x-toolgate-org": bOrg });
    expect(r.body.organization.id).not.toBe(bOrg);
  });
});

describe("the last admin", () => {
  it("cannot be demoted or removed", async () => {
    const r = await api("PATCH", `/api/v1/members/${orgA.membershipId}`, { role: "viewer" }, bearer(keys.aAdmin));
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/at least one admin/);
    expect((await api("DELETE", `/api/v1/members/${orgA.membershipId}`, undefined, bearer(keys.aAdmin))).status).toBe(409);
  });
});
