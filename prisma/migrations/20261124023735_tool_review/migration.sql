-- AlterTable
ALTER TABLE "Server" ADD COLUMN     "reviewChangedTools" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Tool" ADD COLUMN     "previousDefinition" JSONB;
