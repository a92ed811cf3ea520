import type { Db } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { seal } from "../crypto/secret-box";
import { recordAdminChange, type Actor } from "../admin-audit/record";

export interface NewServer {
  name: string;
  kind?: "url" | "command" | "connector";
  url?: string;
  /** Command servers (docs/stdio-servers.md): the executable, its arguments, environment (sealed) and directory. */
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string | null;
  processMode?: "session" | "shared";
  idleTimeoutSeconds?: number;
  maxProcesses?: number;
  transport?: "auto" | "streamable_http" | "sse";
  /** Upstream credentials, e.g. { Authorization: "Bearer …" }; stored sealed, never shown again. */
  headers?: Record<string, string>;
  policyId?: string | null;
  /** Deny new or changed tools until a policy manager reviews them (default true). */
  reviewChangedTools?: boolean;
}

export async function createServer(db: Db, actor: Actor, orgId: string, input: NewServer) {
  const headers = input.headers ?? {};
  const env = input.env ?? {};
  const kind = input.kind ?? "url";
  try {
    return await db.$transaction(async (tx) => {
      const server = await tx.server.create({
        data: {
          orgId,
          name: input.name,
          kind,
          url: input.url ?? null,
          transport: input.transport ?? "auto",
          headersSealed: Object.keys(headers).length ? seal(JSON.stringify(headers)) : null,
          headerNames: Object.keys(headers),
          command: input.command ?? null,
          args: input.args ?? [],
          cwd: input.cwd ?? null,
          envSealed: Object.keys(env).length ? seal(JSON.stringify(env)) : null,
          envNames: Object.keys(env),
          ...(input.processMode ? { processMode: input.processMode } : {}),
          ...(input.idleTimeoutSeconds ? { idleTimeoutSeconds: input.idleTimeoutSeconds } : {}),
          ...(input.maxProcesses ? { maxProcesses: input.maxProcesses } : {}),
          policyId: input.policyId ?? null,
          reviewChangedTools: input.reviewChangedTools ?? true,
        },
        select: { id: true, name: true, kind: true, url: true, transport: true, headerNames: true, policyId: true, createdAt: true },
      });
      const what = kind === "url" ? { url: input.url } : kind === "command" ? { command: input.command, args: input.args ?? [], envNames: Object.keys(env) } : {};
      await recordAdminChange(tx, actor, { orgId, action: "server.created", targetType: "server", targetId: server.id, details: { name: input.name, kind, ...what, reviewChangedTools: input.reviewChangedTools ?? true } });
      return server;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError("conflict", `a server named \`${input.name}\` already exists`, { fields: { name: "already used in this organization" } });
    }
    throw err;
  }
}

export async function setServerPolicy(db: Db, actor: Actor, orgId: string, serverId: string, policyId: string | null) {
  await db.$transaction(async (tx) => {
    if (policyId && !(await tx.policy.findFirst({ where: { id: policyId, orgId }, select: { id: true } }))) throw new ApiError("not_found", "no policy with this id");
    const r = await tx.server.updateMany({ where: { id: serverId, orgId }, data: { policyId } });
    if (r.count === 0) throw new ApiError("not_found", "no server with this id");
    await recordAdminChange(tx, actor, { orgId, action: "server.policy_set", targetType: "server", targetId: serverId, details: { policyId } });
  });
}
