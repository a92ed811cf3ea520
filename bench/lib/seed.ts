import { randomBytes } from "node:crypto";
import { ECHO_TOOL } from "./mcp";

// The benchmark's tenant, seeded through the same lib/ functions the dashboard uses: one org, one
// server pointing at the echo upstream, a policy that allows the echo tool under a rate limit it
// never reaches (so the limiter reserves and commits on every call), and one grant per path.
export const BENCH_POLICY = {
  version: "1",
  default: "deny",
  tools: {
    [ECHO_TOOL]: { limits: [{ counter: "echo_rate", window: "minute", max: 10_000_000, scope: "grant" }] },
  },
};

export interface Seeded {
  serverId: string;
  grants: Record<string, { id: string; token: string }>;
}

/** Needs process.env.DATABASE_URL and TOOLGATE_ENCRYPTION_KEY set (lib/db and lib/crypto read them). */
export async function seed(upstreamUrl: string, grantLabels: string[]): Promise<Seeded> {
  const { getDb, disconnectDb } = await import("../../lib/db/client");
  const { signUp } = await import("../../lib/orgs/sign-up");
  const { createServer, setServerPolicy } = await import("../../lib/servers/create-server");
  const { publishPolicy } = await import("../../lib/policies/publish");
  const { createGrant } = await import("../../lib/grants/grants");
  const db = getDb();
  const system = { type: "system" as const, id: null, label: "bench" };
  try {
    const { organization } = await signUp(db, { email: `bench-${randomBytes(4).toString("hex")}@example.com`, password: randomBytes(18).toString("base64url") });
    const orgId = organization.id;
    const server = await createServer(db, system, orgId, { name: "bench-echo", url: upstreamUrl });
    const { policyId } = await publishPolicy(db, system, orgId, { name: "bench", document: BENCH_POLICY });
    await setServerPolicy(db, system, orgId, server.id, policyId);
    const grants: Seeded["grants"] = {};
    for (const label of grantLabels) {
      const g = await createGrant(db, system, orgId, { serverId: server.id, label });
      grants[label] = { id: g.id, token: g.token };
    }
    return { serverId: server.id, grants };
  } finally {
    await disconnectDb();
  }
}
