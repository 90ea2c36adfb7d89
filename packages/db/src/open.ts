import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";

export interface OpenDatabaseProps {
  /** `file:./data/aftercare.db`, `file::memory:`, a plain path, or `postgres://user:pw@host:5432/db`. */
  readonly url: string;
  /** Sets SQLite's `synchronous` pragma; NORMAL is durable with WAL except on power loss. */
  readonly synchronous?: "NORMAL" | "FULL";
}

/** True for a `postgres://` or `postgresql://` URL; anything else is SQLite. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Resolves a `file:` database URL to a filesystem path (or `:memory:`). */
export function sqlitePath(url: string): string {
  const raw = url.startsWith("file:") ? url.slice("file:".length) : url;
  if (raw === ":memory:" || raw === "") return ":memory:";
  return path.resolve(raw);
}

/** A database URL with its password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

// PostgreSQL answers count(*) and sum(integer) as int8 and avg() as numeric, both as strings by
// default; every value this app counts or averages fits a double, so both come back as numbers,
// as they do on SQLite.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * PostgreSQL settings read from the URL besides the usual ones: `schema` (the search_path, so
 * tests and several tenants can share one database) and `pool` (connections, default 10).
 */
function postgresPool(url: string): pg.Pool {
  const u = new URL(url);
  const schema = u.searchParams.get("schema");
  const max = Number(u.searchParams.get("pool") ?? 10);
  u.searchParams.delete("schema");
  u.searchParams.delete("pool");
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`DATABASE_URL: schema "${schema}" must be lower-case letters, digits and _`);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new Error("DATABASE_URL: pool must be a whole number from 1 to 1000");
  return new pg.Pool({
    connectionString: u.toString(),
    max,
    types: pgTypes,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
}

/**
 * Opens the database named by a URL: PostgreSQL for `postgres://…`, otherwise SQLite with WAL,
 * foreign keys and a busy timeout.
 *
 * @example
 * const db = openDatabase({ url: "file:./data/aftercare.db" });
 * const shared = openDatabase({ url: "postgres://aftercare:secret@db.internal:5432/aftercare" });
 */
export function openDatabase<DB = any>(props: OpenDatabaseProps): Kysely<DB> {
  if (isPostgresUrl(props.url)) return new Kysely<DB>({ dialect: new PostgresDialect({ pool: postgresPool(props.url) }) });
  const file = sqlitePath(props.url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma(`synchronous = ${props.synchronous ?? "NORMAL"}`);
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
}

/** Stands in for a ROLLBACK with no transaction open (what Kysely's SQLite driver calls: `reader`, `run`). */
const NO_OP = { reader: false, busy: false, run: () => ({ changes: 0, lastInsertRowid: 0 }) };

/**
 * A better-sqlite3 database whose prepared statements are kept by SQL text (the `max` most
 * recently used): Kysely prepares every query anew, and preparing costs as much as running a
 * small statement (≈ 15 % of a survey submission's server CPU, benchmark case 1). A statement
 * still being iterated is never handed out twice. The schema may change under a kept statement:
 * SQLite prepares it again by itself.
 */
export function withStatementCache(sqlite: Database.Database, max = 500): { prepare(sql: string): Database.Statement; close(): void } {
  const kept = new Map<string, Database.Statement>();
  return {
    prepare(sql: string) {
      // SQLite ends a transaction by itself after some failures (disk full, I/O error during
      // COMMIT). Kysely then sends ROLLBACK, which fails with "cannot rollback - no transaction is
      // active" and replaces the error that caused it; with no transaction it is a no-op here, so
      // the caller (and the log) gets the real cause. Found by test/hardening/faults-disk-full-http.
      if (sql === "rollback" && !sqlite.inTransaction) return NO_OP as unknown as Database.Statement;
      // Kysely opens every transaction with a plain (deferred) BEGIN. A deferred transaction that
      // reads and then writes fails with SQLITE_BUSY_SNAPSHOT, busy timeout or not, when another
      // process wrote in between (a second instance, the backup or move tool). Taking the write
      // lock at BEGIN makes the other process wait its turn instead. Within one process nothing
      // changes: Kysely already runs one transaction at a time on the one connection.
      // Found by test/scale-out's kill test: one instance's outbox claims kept failing.
      if (sql === "begin") sql = "begin immediate";
      const stmt = kept.get(sql);
      if (stmt && !stmt.busy) {
        // Most recently used last (Map keeps insertion order).
        kept.delete(sql);
        kept.set(sql, stmt);
        return stmt;
      }
      const fresh = sqlite.prepare(sql);
      if (!stmt) {
        kept.set(sql, fresh);
        if (kept.size > max) kept.delete(kept.keys().next().value as string);
      }
      return fresh;
    },
    close() {
      kept.clear();
      sqlite.close();
    },
  };
}
