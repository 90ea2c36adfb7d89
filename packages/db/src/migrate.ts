import { type Kysely, type Migration, Migrator, sql } from "kysely";
import { isPostgres } from "./dialect";

/** One owner of migrations: the core, a package, or a plugin (by id). */
export interface MigrationSet {
  /** Owner id; the migrations table is `kysely_migration_<id>`. */
  readonly id: string;
  /** Static record of migrations, keyed by ISO-dated names; frozen once landed. */
  readonly migrations: Readonly<Record<string, Migration>>;
}

export interface MigrationReport {
  readonly id: string;
  readonly applied: readonly string[];
}

/** The table that records which of a set's migrations ran. */
export function migrationTableName(id: string): string {
  return `kysely_migration_${id.replace(/-/g, "_")}`;
}

/**
 * Runs every set's pending migrations in order, each set with its own migration table.
 * Throws with the failing set and migration named. On SQLite a set's pending migrations and
 * their records run in one transaction (Kysely only does that itself on PostgreSQL), so a
 * failure leaves nothing half-applied and a second process waits instead of racing.
 *
 * @example
 * await migrateAll(db, [{ id: "core", migrations: coreMigrations }]);
 */
export async function migrateAll(db: Kysely<any>, sets: readonly MigrationSet[]): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = [];
  for (const set of sets) {
    if (isPostgres(db)) {
      reports.push(await migrateSet(db, set));
      continue;
    }
    reports.push(
      await db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const report = await migrateSet(conn, set);
          await sql`commit`.execute(conn);
          return report;
        } catch (error) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        }
      }),
    );
  }
  return reports;
}

async function migrateSet(db: Kysely<any>, set: MigrationSet): Promise<MigrationReport> {
  const table = migrationTableName(set.id);
  // On PostgreSQL the bookkeeping tables live in the connection's own schema: named explicitly,
  // because Kysely otherwise finds a same-named table in any schema and skips creating its own.
  const schema = isPostgres(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema : undefined;
  const migrator = new Migrator({
    db,
    migrationTableSchema: schema,
    provider: { getMigrations: async () => ({ ...set.migrations }) },
    migrationTableName: table,
    migrationLockTableName: `${table}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    const name = failed ? ` in migration "${failed.migrationName}"` : "";
    throw new Error(`Migrations of "${set.id}" failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { id: set.id, applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
