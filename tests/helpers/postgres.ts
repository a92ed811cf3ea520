import pg from "pg";
import { inject } from "vitest";

// Integration tests share one embedded PostgreSQL started by tests/integration/global-setup.ts.
// Each test file gets databases of its own, cloned from a migrated template in milliseconds.
export async function freshDatabase(prefix = "t"): Promise<string> {
  const adminUrl = inject("pgAdminUrl");
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(inject("pgTemplateDb"))}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Points lib/db at a fresh database for tests that call lib/ functions directly. */
export async function useFreshDatabase(prefix?: string): Promise<string> {
  const url = await freshDatabase(prefix);
  process.env.DATABASE_URL = url;
  return url;
}
