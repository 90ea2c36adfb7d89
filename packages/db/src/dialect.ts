import { type Kysely, PostgresAdapter, sql, type CreateTableBuilder, type RawBuilder } from "kysely";

/**
 * The one place where SQL dialects differ. Migrations and queries call these helpers
 * instead of writing dialect-specific SQL.
 */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Adds an auto-incrementing integer primary key column named `id`.
 *
 * @example
 * await addId(db, db.schema.createTable("x")).addColumn("name", "text").execute();
 */
export function addId<T extends CreateTableBuilder<any, any>>(db: Kysely<any>, table: T): T {
  if (isPostgres(db)) {
    return table.addColumn("id", "integer", (c) => c.primaryKey().generatedByDefaultAsIdentity()) as T;
  }
  return table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()) as T;
}

/**
 * The column type of a floating-point number: `real` on SQLite (8 bytes there), `double precision`
 * on PostgreSQL, whose `real` is 4 bytes and would turn a weight of 0.3 into 0.30000001.
 *
 * @example
 * table.addColumn("score", realType(db), (c) => c.notNull())
 */
export function realType(db: Kysely<any>): "real" | "double precision" {
  return isPostgres(db) ? "double precision" : "real";
}

/** The current time as the ISO-8601 UTC text every timestamp column holds. */
export function nowIso(clock: () => Date = () => new Date()): string {
  return clock().toISOString();
}

/** Case-insensitive "contains" match, portable across SQLite and PostgreSQL. */
export function lowerLike(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** `lower(column)` as a raw builder, for use with `lowerLike`. */
export function lower(column: string): RawBuilder<string> {
  return sql<string>`lower(${sql.ref(column)})`;
}
