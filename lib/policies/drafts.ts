import type { Db } from "../db/client";
import type { Actor } from "../admin-audit/record";
import { getServerOrThrow } from "../servers/queries";
import { ApiError } from "../api/errors";

// Builder drafts: one per person (or API key) and server, saved as they edit. A draft is private
// work in progress, so it is not an admin change and writes no admin log row; publishing does.

function ownerOf(actor: Actor): string {
  if (!actor.id) throw new ApiError("forbidden", "drafts belong to a person or an API key");
  return actor.id;
}

export async function getPolicyDraft(db: Db, actor: Actor, orgId: string, serverId: string) {
  await getServerOrThrow(db, orgId, serverId);
  const draft = await db.policyDraft.findUnique({ where: { serverId_ownerId: { serverId, ownerId: ownerOf(actor) } }, select: { text: true, baseVersion: true, updatedAt: true } });
  return { draft };
}

export async function savePolicyDraft(db: Db, actor: Actor, orgId: string, serverId: string, input: { text: string; baseVersion: number | null }) {
  await getServerOrThrow(db, orgId, serverId);
  const data = { text: input.text, baseVersion: input.baseVersion };
  return db.policyDraft.upsert({
    where: { serverId_ownerId: { serverId, ownerId: ownerOf(actor) } },
    create: { serverId, ownerId: ownerOf(actor), ...data },
    update: data,
    select: { text: true, baseVersion: true, updatedAt: true },
  });
}

export async function deletePolicyDraft(db: Db, actor: Actor, orgId: string, serverId: string) {
  await getServerOrThrow(db, orgId, serverId);
  await db.policyDraft.deleteMany({ where: { serverId, ownerId: ownerOf(actor) } });
}
