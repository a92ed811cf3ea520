import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";

// The one Prisma client of the process. It is kept on globalThis because the custom server
// (loaded by tsx) and Next's bundled route handlers load this module separately in the same
// process; both must share one connection pool. Password hashes are omitted unless asked for.
type Db = ReturnType<typeof createClient>;
const globalForDb = globalThis as unknown as { __toolgateDb?: Db };

function createClient() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (npm start sets it after starting PostgreSQL)");
  const adapter = new PrismaPg({ connectionString: url, max: Number(process.env.TOOLGATE_DB_POOL ?? 10) });
  return new PrismaClient({ adapter, omit: { user: { passwordHash: true } } });
}

export function getDb(): Db {
  globalForDb.__toolgateDb ??= createClient();
  return globalForDb.__toolgateDb;
}

export async function disconnectDb() {
  await globalForDb.__toolgateDb?.$disconnect();
  globalForDb.__toolgateDb = undefined;
}

export type { Db };
