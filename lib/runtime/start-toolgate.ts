import path from "node:path";
import { fileURLToPath } from "node:url";
import { readConfig } from "./config";
import { ensureSecrets } from "./secrets";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded-postgres";
import { startHttpServer, type NodeHandler, type HttpServerOptions } from "./http-server";
import { CONNECT_PATH } from "../../gateway/stdio/connector-protocol";

type UpgradeHandler = NonNullable<HttpServerOptions["upgradeHandler"]>;
const isConnectPath = (url: string | undefined) => url === CONNECT_PATH || !!url?.startsWith(`${CONNECT_PATH}?`);
import { applyMigrations } from "../db/migrations/apply";
import { disconnectDb } from "../db/client";
import { closeGateway, getGateway } from "../gateway/runtime";
import { startApprovalNotifier } from "../approvals/webhook";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface StartOptions {
  dev?: boolean;
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Serves /mcp/* (the gateway); wired by the gateway module. */
  mcpHandler?: NodeHandler;
}

export interface RunningToolgate {
  url: string;
  dataDir: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

export async function startToolgate(opts: StartOptions = {}): Promise<RunningToolgate> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const config = readConfig(env);
  const secrets = ensureSecrets(config.dataDir, env);
  // Read by lib/crypto and next-auth in this same process.
  process.env.TOOLGATE_ENCRYPTION_KEY = secrets.encryptionKey;
  process.env.NEXTAUTH_SECRET = secrets.authSecret;
  const publicUrl = config.TOOLGATE_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  process.env.NEXTAUTH_URL ??= publicUrl;
  process.env.TOOLGATE_PUBLIC_URL = publicUrl;

  // TOOLGATE_SKIP_BUILD=1 serves the existing build as is (test harnesses build once up front).
  if (!opts.dev && env.TOOLGATE_SKIP_BUILD !== "1") {
    const { ensureBuild } = await import("../../scripts/build");
    await ensureBuild({ log });
  }

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, password: secrets.postgresPassword, onProgress: log });
    databaseUrl = embedded.url;
  } else {
    log("using the PostgreSQL at DATABASE_URL");
  }
  process.env.DATABASE_URL = databaseUrl;

  try {
    const { applied } = await applyMigrations({
      databaseUrl,
      migrationsDir: path.join(ROOT, "prisma/migrations"),
      schemaPath: path.join(ROOT, "prisma/schema.prisma"),
      onProgress: log,
    });
    startApprovalNotifier();
    log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database schema is up to date");
    // TOOLGATE_GATEWAY_VIA_NEXT=1 sends /mcp/* through Next's route handler instead of the fast
    // path (for tests of the adapter, and to compare the two in the benchmark).
    const viaNext = env.TOOLGATE_GATEWAY_VIA_NEXT === "1";
    const mcpHandler = opts.mcpHandler ?? (viaNext ? undefined : (await getGateway()).handleNode);
    // Connectors (`toolgate connect`) dial in with a WebSocket on /connect.
    const upgradeHandler: UpgradeHandler = (req, socket, head) => {
      if (!isConnectPath(req.url)) return false;
      // First thing: an unheard socket error (the client resets the connection while the gateway
      // loads or the key is looked up) would be an uncaught exception that ends Toolgate.
      socket.on("error", () => socket.destroy());
      getGateway()
        .then((g) => g.connectors.handleUpgrade(req, socket, head))
        .catch(() => socket.destroy());
      return true;
    };
    const http = await startHttpServer({ dir: ROOT, port: config.PORT, host: config.HOST, dev: !!opts.dev, mcpHandler, upgradeHandler });
    return {
      url: publicUrl,
      dataDir: config.dataDir,
      databaseUrl,
      async stop() {
        await http.close();
        await closeGateway();
        await disconnectDb();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
