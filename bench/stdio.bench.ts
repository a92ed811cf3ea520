/**
 * Command-server benchmark: server-everything reached four ways by the SDK client:
 *   stdio direct      the client spawns it (StdioClientTransport)
 *   stdio via Toolgate  a command server: Streamable HTTP → gateway → stdio host → the program
 *   HTTP direct       server-everything in streamableHttp mode, no gateway
 *   HTTP via Toolgate  the same as a URL server
 * so that the stdio host's own cost shows as "stdio via Toolgate" against "HTTP via Toolgate"
 * (same client transport, same gateway). Reports a new session's cost (start + initialize +
 * first call), echo latency p50/p99 on one session, and calls per second with 8 sessions.
 *
 *   npm run bench:stdio                 # 300 sequential calls, 8 sessions × 5 s
 *   npm run bench:stdio -- --quick      # 100 calls, 8 sessions × 2 s
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ensureBuild } from "../scripts/build";
import { onCleanup, ROOT } from "./lib/children";
import { startBenchDatabase } from "./lib/database";
import { startToolgateProcess } from "./lib/toolgate-process";
import { startEverything } from "../tests/helpers/mcp-peers";

const quick = process.argv.includes("--quick");
const SEQUENTIAL = quick ? 100 : 300;
const PARALLEL_SESSIONS = 8;
const PARALLEL_SECONDS = quick ? 2 : 5;
const SESSION_STARTS = quick ? 3 : 5;
const log = (m: string) => console.log(`bench: ${m}`);
const entry = path.join(path.dirname(createRequire(path.join(ROOT, "package.json")).resolve("@modelcontextprotocol/server-everything/package.json")), "dist/index.js");

type Connect = () => Promise<Client>;

async function sessionStart(connect: Connect): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SESSION_STARTS; i++) {
    const t = performance.now();
    const c = await connect();
    await c.callTool({ name: "echo", arguments: { message: "first" } });
    times.push(performance.now() - t);
    await c.close();
  }
  return times;
}

async function latency(connect: Connect): Promise<number[]> {
  const c = await connect();
  for (let i = 0; i < 20; i++) await c.callTool({ name: "echo", arguments: { message: "warm" } });
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now();
    const r = (await c.callTool({ name: "echo", arguments: { message: `m${i}` } })) as { content: { text: string }[] };
    times.push(performance.now() - t);
    if (!r.content[0].text.includes(`m${i}`)) throw new Error(`wrong answer: ${JSON.stringify(r)}`);
  }
  await c.close();
  return times;
}

async function throughput(connect: Connect): Promise<number> {
  const clients = await Promise.all(Array.from({ length: PARALLEL_SESSIONS }, connect));
  const end = performance.now() + PARALLEL_SECONDS * 1000;
  let calls = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < end) {
        await c.callTool({ name: "echo", arguments: { message: "x" } });
        calls++;
      }
    }),
  );
  await Promise.all(clients.map((c) => c.close()));
  return calls / PARALLEL_SECONDS;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main() {
  await ensureBuild({ log });
  const db = await startBenchDatabase(log);
  const encryptionKey = `v1:${randomBytes(32).toString("base64")}`;
  process.env.DATABASE_URL = db.url;
  process.env.TOOLGATE_ENCRYPTION_KEY = encryptionKey;
  const { getDb, disconnectDb } = await import("../lib/db/client");
  const { signUp } = await import("../lib/orgs/sign-up");
  const { createServer, setServerPolicy } = await import("../lib/servers/create-server");
  const { publishPolicy } = await import("../lib/policies/publish");
  const { createGrant } = await import("../lib/grants/grants");
  const system = { type: "system" as const, id: null, label: "bench" };
  const dbc = getDb();
  const { organization } = await signUp(dbc, { email: `bench-${randomBytes(4).toString("hex")}@example.com`, password: randomBytes(18).toString("base64url") });
  const server = await createServer(dbc, system, organization.id, { name: "bench-stdio", kind: "command", command: process.execPath, args: [entry, "stdio"], maxProcesses: 50 });
  const { policyId } = await publishPolicy(dbc, system, organization.id, { name: "bench", document: { version: "1", default: "deny", tools: { echo: { limits: [{ counter: "echo", window: "minute", max: 10_000_000, scope: "grant" }] } } } });
  await setServerPolicy(dbc, system, organization.id, server.id, policyId);
  const grant = await createGrant(dbc, system, organization.id, { serverId: server.id, label: "bench" });
  const httpPeer = await startEverything("streamableHttp");
  const httpServer = await createServer(dbc, system, organization.id, { name: "bench-http", url: httpPeer.url });
  await setServerPolicy(dbc, system, organization.id, httpServer.id, policyId);
  const httpGrant = await createGrant(dbc, system, organization.id, { serverId: httpServer.id, label: "bench-http" });
  await disconnectDb();
  log("starting Toolgate (npm start, TOOLGATE_STDIO=on)");
  const app = await startToolgateProcess({ databaseUrl: db.url, env: { TOOLGATE_ENCRYPTION_KEY: encryptionKey, NEXTAUTH_SECRET: randomBytes(24).toString("base64url"), TOOLGATE_STDIO: "on", TOOLGATE_STDIO_MAX_PER_ORG: "100" }, nodeFlags: process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [] });
  const unregister = onCleanup(async () => {
    await app.stop();
    await httpPeer.close();
    await db.stop();
  });
  try {
    const http = (url: string, token?: string): Connect => async () => {
      const c = new Client({ name: "bench", version: "1" });
      await c.connect(new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}));
      return c;
    };
    const paths = {
      "stdio direct": async () => {
        const c = new Client({ name: "bench", version: "1" });
        await c.connect(new StdioClientTransport({ command: process.execPath, args: [entry, "stdio"], stderr: "ignore" }));
        return c;
      },
      "stdio via Toolgate": http(`http://127.0.0.1:${app.port}/mcp/${server.id}`, grant.token),
      "HTTP direct": http(httpPeer.url),
      "HTTP via Toolgate": http(`http://127.0.0.1:${app.port}/mcp/${httpServer.id}`, httpGrant.token),
    } satisfies Record<string, Connect>;
    type Key = keyof typeof paths;
    const results = {} as Record<Key, { start: number[]; lat: number[]; rate: number }>;
    for (const key of Object.keys(paths) as Key[]) {
      log(`${key}: session starts, ${SEQUENTIAL} sequential calls, ${PARALLEL_SESSIONS} sessions × ${PARALLEL_SECONDS} s`);
      results[key] = { start: await sessionStart(paths[key]), lat: await latency(paths[key]), rate: await throughput(paths[key]) };
    }
    console.log("");
    console.log(`| server-everything, SDK client | new session, median | echo p50 | echo p99 | calls/s, ${PARALLEL_SESSIONS} sessions |`);
    console.log("|---|---|---|---|---|");
    for (const key of Object.keys(paths) as Key[]) {
      const r = results[key];
      console.log(`| ${key} | ${ms(pct(r.start, 50))} | ${ms(pct(r.lat, 50))} | ${ms(pct(r.lat, 99))} | ${Math.round(r.rate)} |`);
    }
    const s = results["stdio via Toolgate"];
    const h = results["HTTP via Toolgate"];
    console.log("");
    console.log(`the stdio host's own cost (stdio via Toolgate against HTTP via Toolgate): echo p50 ${(pct(s.lat, 50) - pct(h.lat, 50)).toFixed(2)} ms more, throughput ${(s.rate / h.rate).toFixed(2)}×`);
  } finally {
    unregister();
    await app.stop();
    await httpPeer.close();
    await db.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
