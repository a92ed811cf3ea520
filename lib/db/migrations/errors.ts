/** A migration could not be applied, or the migration history forbids applying any. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";

  constructor(
    message: string,
    /** The migration at fault, when there is one. */
    readonly migrationName?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * What `prisma migrate resolve --rolled-back <name>` does, spelled out as SQL because the
 * native engine that command needs is not always available.
 */
export function rolledBackHint(migrationName: string): string {
  const name = migrationName.replaceAll("'", "''");
  return (
    `once the cause is fixed, mark it rolled back with ` +
    `\`UPDATE "_prisma_migrations" SET "rolled_back_at" = now() WHERE "migration_name" = '${name}' AND "finished_at" IS NULL\`` +
    ` (or \`prisma migrate resolve --rolled-back ${migrationName}\`) and apply again`
  );
}
