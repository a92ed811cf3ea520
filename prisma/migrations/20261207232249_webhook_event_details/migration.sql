-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "details" JSONB;
