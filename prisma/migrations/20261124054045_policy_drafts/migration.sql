-- CreateTable
CREATE TABLE "PolicyDraft" (
    "id" TEXT NOT NULL DEFAULT ('pdr_'::text || replace((gen_random_uuid())::text, '-'::text, ''::text)),
    "serverId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "baseVersion" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PolicyDraft_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PolicyDraft_serverId_ownerId_key" ON "PolicyDraft"("serverId", "ownerId");

-- AddForeignKey
ALTER TABLE "PolicyDraft" ADD CONSTRAINT "PolicyDraft_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "Server"("id") ON DELETE CASCADE ON UPDATE CASCADE;
