-- CreateEnum
CREATE TYPE "ServerKind" AS ENUM ('url', 'command', 'connector');

-- CreateEnum
CREATE TYPE "ProcessMode" AS ENUM ('session', 'shared');

-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "args" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "command" TEXT,
ADD COLUMN     "connectorSeenAt" TIMESTAMP(3),
ADD COLUMN     "cwd" TEXT,
ADD COLUMN     "envNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "envSealed" TEXT,
ADD COLUMN     "idleTimeoutSeconds" INTEGER NOT NULL DEFAULT 600,
ADD COLUMN     "kind" "ServerKind" NOT NULL DEFAULT 'url',
ADD COLUMN     "maxProcesses" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "processMode" "ProcessMode" NOT NULL DEFAULT 'session';

-- AlterTable
ALTER TABLE "Approval" ADD COLUMN     "approvers" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "operation" TEXT;

-- CreateTable
CREATE TABLE "ConnectorKey" (
    "id" TEXT NOT NULL DEFAULT ('ckey_'::text || replace((gen_random_uuid())::text, '-'::text, ''::text)),
    "orgId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ConnectorKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConnectorKey_hash_key" ON "ConnectorKey"("hash");

-- CreateIndex
CREATE INDEX "ConnectorKey_orgId_serverId_idx" ON "ConnectorKey"("orgId", "serverId");

-- AddForeignKey
ALTER TABLE "ConnectorKey" ADD CONSTRAINT "ConnectorKey_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
