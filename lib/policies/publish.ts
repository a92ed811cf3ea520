import type { Db } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../api/errors";
import { validatePolicy } from "../../gateway/policy";
import { recordAdminChange, type Actor } from "../admin-audit/record";

/**
 * Publishes a policy document as a new version (creating the policy on first publish). The
 * document is validated as a whole first: a stored version is always valid.
 */
export async function publishPolicy(db: Db, actor: Actor, orgId: string, input: { policyId?: string; name?: string; document: unknown; message?: string }) {
  const checked = validatePolicy(input.document);
  if (!checked.ok) {
    throw new ApiError("validation_failed", `the policy is invalid: ${checked.errors[0].path || "/"}: ${checked.errors[0].message}`, { errors: checked.errors });
  }
  return db.$transaction(async (tx) => {
    const policy = input.policyId
      ? await tx.policy.findFirst({ where: { id: input.policyId, orgId } })
      : await tx.policy.create({ data: { orgId, name: input.name ?? "Policy" } });
    if (!policy) throw new ApiError("not_found", "no policy with this id");
    const version = (policy.currentVersion ?? 0) + 1;
    await tx.policyVersion.create({
      data: { policyId: policy.id, version, document: input.document as Prisma.InputJsonValue, message: input.message ?? null, createdById: actor.type === "user" ? actor.id : null },
    });
    await tx.policy.update({ where: { id: policy.id }, data: { currentVersion: version } });
    await recordAdminChange(tx, actor, { orgId, action: "policy.published", targetType: "policy", targetId: policy.id, details: { version, message: input.message ?? null } });
    return { policyId: policy.id, version };
  });
}
