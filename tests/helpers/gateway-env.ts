import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { freshDatabase } from "./postgres";
import { startToolgateProcess, type ToolgateProcess } from "./toolgate-process";
import { uniqueEmail, PASSWORD } from "./http";
import type { Db } from "../../lib/db/client";

// A gateway test world: a fresh database, Toolgate running as `npm start` runs it (and, when
// asked, a second instance serving /mcp through Next's route-handler adapter, on the same
// database and keys: a second replica), and helpers to seed orgs, servers, policies, grants.
export type EntryPoint = "fast" | "next";

export interface GatewayEnv {
  db: Db;
  instances: Record<EntryPoint, ToolgateProcess | undefined>;
  databaseUrl: string;
  newOrg(): Promise<{ orgId: string; actor: { type: "user"; id: string; label: string } }>;
  addServer(orgId: string, url: string, headers?: Record<string, string>): Promise<string>;
  /** A command server (the Toolgate instances need TOOLGATE_STDIO=on to run it). */
  addCommandServer(orgId: string, spec: { command: string; args: string[]; cwd?: string; env?: Record<string, string> }): Promise<string>;
  publish(orgId: string, document: unknown, opts?: { serverId?: string; policyId?: string }): Promise<string>;
  grant(orgId: string, serverId: string, label?: string, policyId?: string): Promise<{ id: string; token: string }>;
  gatewayUrl(entry: EntryPoint, serverId: string): string;
  connect(entry: EntryPoint, serverId: string, token: string): Promise<Client>;
  stop(): Promise<void>;
}

export async function startGatewayEnv(opts: { entries?: EntryPoint[]; env?: Record<string, string> } = {}): Promise<GatewayEnv> {
  const databaseUrl = await freshDatabase("gw");
  const encryptionKey = `v1:${randomBytes(32).toString("base64")}`;
  process.env.DATABASE_URL = databaseUrl;
  process.env.TOOLGATE_ENCRYPTION_KEY = encryptionKey;
  const shared = { TOOLGATE_ENCRYPTION_KEY: encryptionKey, NEXTAUTH_SECRET: randomBytes(24).toString("base64url"), ...opts.env };
  const entries = opts.entries ?? ["fast"];
  const started = await Promise.all(
    entries.map((e) => startToolgateProcess({ databaseUrl, env: e === "next" ? { ...shared, TOOLGATE_GATEWAY_VIA_NEXT: "1" } : shared })),
  );
  const instances = { fast: undefined, next: undefined } as GatewayEnv["instances"];
  entries.forEach((e, i) => (instances[e] = started[i]));
  const db = (await import("../../lib/db/client")).getDb();
  const { signUp } = await import("../../lib/orgs/sign-up");
  const { createServer, setServerPolicy } = await import("../../lib/servers/create-server");
  const { publishPolicy } = await import("../../lib/policies/publish");
  const { createGrant } = await import("../../lib/grants/grants");
  const clients: Client[] = [];

  const env: GatewayEnv = {
    db,
    instances,
    databaseUrl,
    async newOrg() {
      const r = await signUp(db, { email: uniqueEmail("gw"), password: PASSWORD });
      return { orgId: r.organization.id, actor: { type: "user", id: r.user.id, label: r.user.email } };
    },
    async addServer(orgId, url, headers) {
      return (await createServer(db, { type: "system", id: null, label: "test" }, orgId, { name: `srv-${randomBytes(4).toString("hex")}`, url, headers })).id;
    },
    async addCommandServer(orgId, spec) {
      return (await createServer(db, { type: "system", id: null, label: "test" }, orgId, { name: `cmd-${randomBytes(4).toString("hex")}`, kind: "command", ...spec })).id;
    },
    async publish(orgId, document, o = {}) {
      const { policyId } = await publishPolicy(db, { type: "system", id: null, label: "test" }, orgId, { policyId: o.policyId, name: `pol-${randomBytes(4).toString("hex")}`, document });
      if (o.serverId) await setServerPolicy(db, { type: "system", id: null, label: "test" }, orgId, o.serverId, policyId);
      return policyId;
    },
    async grant(orgId, serverId, label = "ci-runner", policyId) {
      const g = await createGrant(db, { type: "system", id: null, label: "test" }, orgId, { serverId, label, policyId });
      return { id: g.id, token: g.token };
    },
    gatewayUrl(entry, serverId) {
      const inst = instances[entry];
      if (!inst) throw new Error(`no ${entry} instance in this env`);
      return `${inst.url}/mcp/${serverId}`;
    },
    async connect(entry, serverId, token) {
      const client = new Client({ name: "gateway-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(env.gatewayUrl(entry, serverId)), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      await Promise.all(started.map((s) => s.stop()));
    },
  };
  return env;
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const c = (result as { content?: { type: string; text?: string }[] }).content;
  return c?.[0]?.text ?? "";
}
