import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { validatePolicy } from "../../gateway/policy";
import { recordAdminChange, type Actor } from "../admin-audit/record";
import { validateForServer, validOrThrow } from "./validate";

/**
 * Publishes a policy document as a new version (creating the policy on first publish). The
 * document is validated as a whole first: a stored version is always valid. With `serverId`, the
 * server whose tools it governs, its operation names are checked against those tools too.
 *
 * `baseVersion` is the version the editor started from (null: none was published). When given,
 * the publish is refused with a conflict carrying the current version if someone else published
 * since, so that two people editing at once never overwrite each other unknowingly.
 */
export async function publishPolicy(
  db: Db,
  actor: Actor,
  orgId: string,
  input: { policyId?: string; name?: string; document: unknown; message?: string; baseVersion?: number | null; serverId?: string },
) {
  if (input.serverId !== undefined) await validateForServer(db, input.serverId, input.document);
  else validOrThrow(validatePolicy(input.document));
  return db.$transaction(async (tx) => {
    const policy = input.policyId
      ? await tx.policy.findFirst({ where: { id: input.policyId, orgId } })
      : await tx.policy.create({ data: { orgId, name: input.name ?? "Policy" } });
    if (!policy) throw new ApiError("not_found", "no policy with this id");
    if (input.policyId) await tx.$executeRaw`SELECT 1 FROM "Policy" WHERE id = ${policy.id} FOR UPDATE`;
    const current = input.policyId ? ((await tx.policy.findUniqueOrThrow({ where: { id: policy.id }, select: { currentVersion: true } })).currentVersion ?? null) : null;
    if (input.baseVersion !== undefined && input.baseVersion !== current) await throwConflict(tx, policy.id, current, input.baseVersion);
    const version = (current ?? 0) + 1;
    await tx.policyVersion.create({
      data: { policyId: policy.id, version, document: input.document as Prisma.InputJsonValue, message: input.message ?? null, createdById: actor.type === "user" ? actor.id : null },
    });
    await tx.policy.update({ where: { id: policy.id }, data: { currentVersion: version } });
    await recordAdminChange(tx, actor, { orgId, action: "policy.published", targetType: "policy", targetId: policy.id, details: { version, message: input.message ?? null } });
    return { policyId: policy.id, version };
  });
}

/** The 409 of a stale publish: what is live now, so the editor can show the difference. */
async function throwConflict(tx: Prisma.TransactionClient, policyId: string, current: number | null, base: number | null): Promise<never> {
  const live = current === null ? null : await tx.policyVersion.findUnique({ where: { policyId_version: { policyId, version: current } } });
  throw new ApiError(
    "conflict",
    `version ${current} was published since this edit started from ${base === null ? "no version" : `version ${base}`}: review the difference, then publish again`,
    { currentVersion: current, baseVersion: base, document: live?.document ?? null, message: live?.message ?? null, publishedAt: live?.createdAt ?? null, createdById: live?.createdById ?? null },
  );
}
