import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../helpers/postgres";
import { startToolgateProcess, type ToolgateProcess } from "../helpers/toolgate-process";
import { apiClient, basic, bearer, uniqueEmail, PASSWORD } from "../helpers/http";

// The public bootstrap API against a real server (npm start's code path) and real PostgreSQL.
let app: ToolgateProcess;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  app = await startToolgateProcess({ databaseUrl: await freshDatabase("api") });
  api = apiClient(app.url);
});
afterAll(async () => {
  await app?.stop();
});

describe("GET /api/health", () => {
  it("200 with the database status", async () => {
    const r = await api("GET", "/api/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", database: { status: "ok" } });
  });
});

describe("POST /api/v1/signup", () => {
  it("201 creates the user and their organization", async () => {
    const email = uniqueEmail("Signup");
    const r = await api("POST", "/api/v1/signup", { email, password: PASSWORD, name: "Sam" });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ email: email.toLowerCase(), name: "Sam" });
    expect(r.body.user.id).toMatch(/^usr_/);
    expect(r.body.organization).toMatchObject({ name: "Sam's organization" });
    expect(r.body.organization.id).toMatch(/^org_/);
  });

  it("409 for a duplicate email, whatever its case", async () => {
    const email = uniqueEmail("dup");
    expect((await api("POST", "/api/v1/signup", { email, password: PASSWORD })).status).toBe(201);
    const r = await api("POST", "/api/v1/signup", { email: email.toUpperCase(), password: PASSWORD });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("conflict");
    expect(r.body.error.details.fields.email).toMatch(/already exists/);
  });

  it("400 with one message per bad field", async () => {
    const r = await api("POST", "/api/v1/signup", { email: "not-an-email", password: "short" });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("validation_failed");
    expect(Object.keys(r.body.error.details.fields).sort()).toEqual(["email", "password"]);
  });

  it("400 for a weak or email-equal password", async () => {
    const email = uniqueEmail("weak");
    const common = await api("POST", "/api/v1/signup", { email, password: "password123" });
    expect(common.body.error.details.fields.password).toMatch(/too common/);
    const same = await api("POST", "/api/v1/signup", { email, password: email });
    expect(same.body.error.details.fields.password).toMatch(/must not be your email/);
  });

  it("400 for malformed JSON and 415 for another content type", async () => {
    const bad = await api("POST", "/api/v1/signup", "{not json", { "content-type": "application/json" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const form = await api("POST", "/api/v1/signup", "email=a", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
  });

  it("400 for a JSON body of the wrong shape", async () => {
    for (const body of ["[]", "null", '"x"', '{"email":5,"password":[]}']) {
      const r = await api("POST", "/api/v1/signup", body, { "content-type": "application/json" });
      expect(r.status, body).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
  });
});

describe("POST /api/v1/api-keys", () => {
  it("201 with HTTP Basic: the key is shown once and works as a bearer token", async () => {
    const email = uniqueEmail("keys");
    await api("POST", "/api/v1/signup", { email, password: PASSWORD });
    const r = await api("POST", "/api/v1/api-keys", { name: "ci" }, basic(email, PASSWORD));
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^tgk_/);
    expect(r.body.key.startsWith(r.body.prefix)).toBe(true);
    expect(r.body.id).toMatch(/^key_/);

    const list = await api("GET", "/api/v1/api-keys", undefined, bearer(r.body.key));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(r.body.key);
  });

  it("401 for a wrong password, an unknown key and a revoked key", async () => {
    const email = uniqueEmail("keys401");
    await api("POST", "/api/v1/signup", { email, password: PASSWORD });
    expect((await api("POST", "/api/v1/api-keys", { name: "x" }, basic(email, "wrong password!"))).status).toBe(401);
    expect((await api("GET", "/api/v1/api-keys", undefined, bearer("tgk_nope"))).status).toBe(401);
    const created = (await api("POST", "/api/v1/api-keys", { name: "x" }, basic(email, PASSWORD))).body;
    expect((await api("DELETE", `/api/v1/api-keys/${created.id}`, undefined, bearer(created.key))).status).toBe(204);
    const after = await api("GET", "/api/v1/api-keys", undefined, bearer(created.key));
    expect(after.status).toBe(401);
    expect(after.body.error.message).toBe("invalid API key");
  });

  it("401 without credentials, 400 without a name", async () => {
    expect((await api("POST", "/api/v1/api-keys", { name: "x" })).status).toBe(401);
    const email = uniqueEmail("noname");
    await api("POST", "/api/v1/signup", { email, password: PASSWORD });
    const r = await api("POST", "/api/v1/api-keys", { name: "  " }, basic(email, PASSWORD));
    expect(r.status).toBe(400);
    expect(r.body.error.details.fields.name).toBeTruthy();
  });

  it("429 after 10 wrong passwords for one email, with Retry-After", async () => {
    const email = uniqueEmail("throttle");
    await api("POST", "/api/v1/signup", { email, password: PASSWORD });
    for (let i = 0; i < 10; i++) expect((await api("POST", "/api/v1/api-keys", { name: "x" }, basic(email, `wrong-${i}-password`))).status).toBe(401);
    const r = await api("POST", "/api/v1/api-keys", { name: "x" }, basic(email, PASSWORD));
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r.body.error.message).toMatch(/too many failed sign-in attempts/);
  });
});

describe("unknown API routes", () => {
  it("answer JSON 404", async () => {
    const r = await api("GET", "/api/v1/does-not-exist");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});
