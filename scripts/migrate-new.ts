// `npm run migrate:new -- <name>` (or `npx tsx scripts/migrate-new.ts <name>`): writes
// prisma/migrations/<timestamp>_<name>/migration.sql from the change to prisma/schema.prisma
// since the last migration. Prisma's `migrate dev` cannot run here (no native engine), so
// this diffs with Prisma's WebAssembly engine instead; see lib/db/migrations/create.ts.
//
// Options: --schema <file> (env TOOLGATE_SCHEMA_PATH), --migrations <dir>
// (env TOOLGATE_MIGRATIONS_DIR). Prints the new SQL file's path, or "no changes".
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createMigration } from "../lib/db/migrations/create";

const USAGE = "usage: migrate-new <name> [--schema prisma/schema.prisma] [--migrations prisma/migrations]";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function parseCommandLine() {
  try {
    return parseArgs({
      options: { schema: { type: "string" }, migrations: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`migrate-new: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) {
    console.error(`migrate-new: expected one migration name\n${USAGE}`);
    process.exit(2);
  }
  // Relative paths from flags or env are taken from the working directory; the defaults
  // are the repository's, wherever the command runs from.
  const schemaPath = path.resolve(
    values.schema ?? process.env.TOOLGATE_SCHEMA_PATH ?? path.join(repoRoot, "prisma/schema.prisma"),
  );
  const migrationsDir = path.resolve(
    values.migrations ?? process.env.TOOLGATE_MIGRATIONS_DIR ?? path.join(repoRoot, "prisma/migrations"),
  );
  const result = await createMigration({ schemaPath, migrationsDir, name: positionals[0] });
  if (!result.created) {
    console.log("no changes");
    return;
  }
  const relative = path.relative(process.cwd(), result.sqlPath);
  console.log(relative.startsWith("..") ? result.sqlPath : relative);
}

main().catch((error: Error) => {
  console.error(`migrate-new: ${error.message}`);
  process.exit(1);
});
