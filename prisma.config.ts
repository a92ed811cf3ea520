import { defineConfig } from "prisma/config";

// The URL is only needed by Prisma CLI commands that talk to a database (migrate deploy
// where the native engine exists); the app itself connects through lib/db.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/toolgate" },
});
