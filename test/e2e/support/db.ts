// Direct access to the app's database, for checks the UI cannot show (row counts, clocks).
// `dbAll`/`dbGet`/`dbRun`/`dbCount` work on SQLite and PostgreSQL alike (the e2e suite uses them);
// `withDb`/`countRows` are the SQLite-only originals (test/hardening uses them).
import crypto from "node:crypto";
import { isPostgresUrl, openDatabase } from "@aftercare/db/open";
import Database from "better-sqlite3";
import { CompiledQuery, type Kysely } from "kysely";

/** What the helpers need of a running app: its DATABASE_URL, or else its SQLite file. */
export interface AppDatabase {
  readonly databaseUrl?: string;
  readonly dbFile: string;
}

function urlOf(app: AppDatabase): string {
  if (app.databaseUrl) return app.databaseUrl;
  if (app.dbFile) return `file:${app.dbFile}`;
  throw new Error("The app has neither a databaseUrl nor a dbFile.");
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2, …` (outside quoted text), so one statement written
 * with `?` runs on both dialects.
 */
export function numberedPlaceholders(sqlText: string): string {
  let n = 0;
  let out = "";
  let quote: string | null = null;
  for (const ch of sqlText) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === "?") {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/**
 * Runs `fn` with a Kysely connection to the app's database (SQLite or PostgreSQL), closed after.
 *
 * @example
 * const n = await appDb(app, (db) => db.selectFrom("customers").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow());
 */
export async function appDb<T>(app: AppDatabase, fn: (db: Kysely<any>) => Promise<T>): Promise<T> {
  const url = urlOf(app);
  // One connection is plenty for a check; a pool of 10 per check would only cost time.
  const db = openDatabase({ url: isPostgresUrl(url) ? withPoolOfOne(url) : url });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

function withPoolOfOne(url: string): string {
  const u = new URL(url);
  u.searchParams.set("pool", "1");
  return u.toString();
}

async function execute<R>(app: AppDatabase, sqlText: string, params: readonly unknown[]): Promise<{ rows: R[]; changed: number }> {
  const url = urlOf(app);
  const text = isPostgresUrl(url) ? numberedPlaceholders(sqlText) : sqlText;
  return appDb(app, async (db) => {
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...params]));
    return { rows: [...result.rows], changed: Number(result.numAffectedRows ?? 0) };
  });
}

/** Every row of a statement written with `?` placeholders (portable SQL: order with ORDER BY). */
export async function dbAll<R = Record<string, unknown>>(app: AppDatabase, sqlText: string, params: readonly unknown[] = []): Promise<R[]> {
  return (await execute<R>(app, sqlText, params)).rows;
}

/** The first row of a statement, or undefined. */
export async function dbGet<R = Record<string, unknown>>(app: AppDatabase, sqlText: string, params: readonly unknown[] = []): Promise<R | undefined> {
  return (await execute<R>(app, sqlText, params)).rows[0];
}

/** Runs an insert/update/delete and returns how many rows it changed. */
export async function dbRun(app: AppDatabase, sqlText: string, params: readonly unknown[] = []): Promise<number> {
  return (await execute(app, sqlText, params)).changed;
}

/** The number of rows in `table` (a number on both dialects). */
export async function dbCount(app: AppDatabase, table: string): Promise<number> {
  if (!/^[a-z_0-9]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const row = await dbGet<{ n: number | string }>(app, `select count(*) as n from ${table}`);
  return Number(row!.n);
}

/**
 * Runs `fn` with a better-sqlite3 connection to the app's SQLite file (WAL: safe next to the
 * running server). SQLite only: on PostgreSQL (dbFile "") use `dbAll`/`dbGet`/`dbRun`.
 */
export function withDb<T>(dbFile: string, fn: (db: Database.Database) => T): T {
  if (!dbFile) throw new Error("withDb needs a SQLite file; this app runs on PostgreSQL (use dbAll/dbGet/dbRun from test/e2e/support/db).");
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
