// Direct access to the app's SQLite file, for checks the UI cannot show (row counts, clocks).
import crypto from "node:crypto";
import Database from "better-sqlite3";

/** Runs `fn` with a connection to the app's database (WAL: safe next to the running server). */
export function withDb<T>(dbFile: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile, { fileMustExist: true, timeout: 5_000 });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function countRows(dbFile: string, table: string): number {
  if (!/^[a-z_0-9]+$/.test(table)) throw new Error(`bad table name ${table}`);
  return withDb(dbFile, (db) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
}

/** The id the sessions table stores for a cookie token (its SHA-256, as the app does). */
export function sessionIdFor(token: string): string {
  return crypto.createHash("sha256").update(decodeURIComponent(token)).digest("hex");
}
