import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { newToken } from "../auth/tokens";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import { gatewayUrl } from "./snippets";

/** What creating (or rotating) a grant answers with, besides the token and the gateway URL. */
export const GRANT_CREATED_FIELDS = { id: true, label: true, serverId: true, policyId: true, tokenPrefix: true, createdAt: true } as const;

export interface NewGrant {
  serverId: string;
  label: string;
  policyId?: string | null;
  metadata?: Record<string, unknown>;
}

/** Creates a grant: a bearer token for one agent on one server. The token is returned once, with the gateway URL. */
export async function createGrant(db: Db, actor: Actor, orgId: string, input: NewGrant) {
  const { token, prefix, hash } = newToken("tgg");
  const grant = await db.$transaction(async (tx) => {
    if (!(await tx.server.findFirst({ where: { id: input.serverId, orgId }, select: { id: true } }))) throw new ApiError("not_found", "no server with this id");
    if (input.policyId && !(await tx.policy.findFirst({ where: { id: input.policyId, orgId }, select: { id: true } }))) throw new ApiError("not_found", "no policy with this id");
    const g = await tx.grant.create({
      data: {
        orgId,
        serverId: input.serverId,
        policyId: input.policyId ?? null,
        label: input.label,
        tokenPrefix: prefix,
        tokenHash: hash,
        metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
        createdById: actor.type === "user" ? actor.id : null,
      },
      select: GRANT_CREATED_FIELDS,
    });
    await recordAdminChange(tx, actor, { orgId, action: "grant.created", targetType: "grant", targetId: g.id, details: { label: input.label, serverId: input.serverId } });
    return g;
  });
  return { ...grant, token, gatewayUrl: gatewayUrl(grant.serverId) };
}

export async function revokeGrant(db: Db, actor: Actor, orgId: string, grantId: string) {
  await db.$transaction(async (tx) => {
    const r = await tx.grant.updateMany({ where: { id: grantId, orgId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (r.count === 0) throw new ApiError("not_found", "no active grant with this id");
    await recordAdminChange(tx, actor, { orgId, action: "grant.revoked", targetType: "grant", targetId: grantId });
  });
}
