import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";

export interface OpenDatabaseProps {
  /** `file:./data/aftercare.db`, `file::memory:`, or a plain path. */
  readonly url: string;
  /** Sets SQLite's `synchronous` pragma; NORMAL is durable with WAL except on power loss. */
  readonly synchronous?: "NORMAL" | "FULL";
}

/** Resolves a `file:` database URL to a filesystem path (or `:memory:`). */
export function sqlitePath(url: string): string {
  const raw = url.startsWith("file:") ? url.slice("file:".length) : url;
  if (raw === ":memory:" || raw === "") return ":memory:";
  return path.resolve(raw);
}

/**
 * Opens the database named by a URL, with WAL, foreign keys and a busy timeout.
 *
 * @example
 * const db = openDatabase({ url: "file:./data/aftercare.db" });
 */
export function openDatabase<DB = any>(props: OpenDatabaseProps): Kysely<DB> {
  if (props.url.startsWith("postgres:") || props.url.startsWith("postgresql:")) {
    throw new Error("PostgreSQL is not supported yet: DATABASE_URL must be a file: URL");
  }
  const file = sqlitePath(props.url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma(`synchronous = ${props.synchronous ?? "NORMAL"}`);
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}
