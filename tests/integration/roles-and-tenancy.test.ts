import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";

// What the per-route matrix (api-matrix.test.ts) does not show: a key stays in its own
// organization whatever header it sends, and an organization always keeps an admin.
let app: ToolgateProcess;
let api: ReturnType<typeof apiClient>;
const keys: Record<string, string> = {};
let orgA: { membershipId: string };

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
  orgA = { membershipId: members[0].id };
});
afterAll(async () => {
  await app?.stop();
});

describe("tenant isolation", () => {
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
