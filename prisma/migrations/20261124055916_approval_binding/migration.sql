-- AlterTable
ALTER TABLE "Approval" ADD COLUMN     "ruleDigest" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Approval_status_expiresAt_idx" ON "Approval"("status", "expiresAt");

-- Identical pending calls share one request: at most one pending request per exact call
-- (a partial unique index, which Prisma's schema cannot express; the gateway inserts with
-- ON CONFLICT DO NOTHING against it, so two replicas asking at once create one request).
CREATE UNIQUE INDEX "Approval_one_pending_per_call" ON "Approval" ("grantId", "serverId", "tool", "argsDigest", "ruleDigest") WHERE "status" = 'pending';
