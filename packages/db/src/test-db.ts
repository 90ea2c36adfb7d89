import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Kysely, sql } from "kysely";
import { isPostgres } from "./dialect";
import pg from "pg";
import { openDatabase } from "./open";
import { migrateAll, type MigrationSet } from "./migrate";

/**
 * The PostgreSQL database of this test run, when the suites run against PostgreSQL: `npm test`
 * creates a fresh database from `TEST_POSTGRES_URL` and hands its URL to the PostgreSQL pass in
 * `AFTERCARE_TEST_POSTGRES_URL`. Undefined in the SQLite pass.
 */
export function testPostgresUrl(): string | undefined {
  return process.env.AFTERCARE_TEST_POSTGRES_URL || undefined;
}

/** A schema of its own in the run's PostgreSQL database, so tests running at once never meet. */
export interface TestSchema {
  /** The run's database URL with `?schema=<name>`, for `openDatabase` or `DATABASE_URL`. */
  readonly url: string;
  readonly name: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty schema in the run's PostgreSQL database.
 *
 * @example
 * const schema = await createTestSchema(testPostgresUrl()!);
 * const db = openDatabase({ url: schema.url });
 */
export async function createTestSchema(runUrl: string): Promise<TestSchema> {
  const name = `t_${crypto.randomBytes(8).toString("hex")}`;
  await adminQuery(runUrl, `create schema ${name}`);
  const u = new URL(runUrl);
  u.searchParams.set("schema", name);
  return { url: u.toString(), name, drop: () => adminQuery(runUrl, `drop schema if exists ${name} cascade`) };
}

export interface TestDatabase<DB> {
  readonly db: Kysely<DB>;
  readonly url: string;
  /** The SQLite file, or "" on PostgreSQL. */
  readonly file: string;
  /** Closes the connection and deletes the file (or drops the schema). */
  destroy(): Promise<void>;
}

/**
 * A fresh database migrated with the given sets: a SQLite file in a temp folder, or a schema of
 * its own in the run's PostgreSQL database in the PostgreSQL pass. Every test gets its own.
 *
 * @example
 * const t = await createTestDatabase([coreMigrationSet]);
 * afterEach(() => t.destroy());
 */
export async function createTestDatabase<DB = any>(sets: readonly MigrationSet[] = []): Promise<TestDatabase<DB>> {
  const pgUrl = testPostgresUrl();
  if (pgUrl) {
    const schema = await createTestSchema(pgUrl);
    const db = openDatabase<DB>({ url: schema.url });
    await migrateAll(db, sets);
    return {
      db,
      url: schema.url,
      file: "",
      async destroy() {
        await db.destroy();
        await schema.drop();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-db-"));
  const file = path.join(dir, "test.db");
  const url = `file:${file}`;
  const db = openDatabase<DB>({ url });
  await migrateAll(db, sets);
  return {
    db,
    url,
    file,
    async destroy() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fault injection for tests: makes the database refuse (with `message`) every insert into
 * `table` whose `column` equals `value`, through a trigger in the dialect's own syntax.
 *
 * @example
 * await refuseInserts(db, "mail_outbox", "to_addr", "c@example.com", "outbox refused");
 */
export async function refuseInserts(db: Kysely<any>, table: string, column: string, value: string, message: string): Promise<void> {
  const name = sql.id(`refuse_${table}_${column}`);
  const t = sql.id(table);
  const c = sql.id(column);
  if (isPostgres(db)) {
    await sql`create function ${name}() returns trigger language plpgsql as $$ begin if new.${c} = ${sql.lit(value)} then raise exception ${sql.lit(message)}; end if; return new; end $$`.execute(db);
    await sql`create trigger ${name} before insert on ${t} for each row execute function ${name}()`.execute(db);
    return;
  }
  await sql`create trigger ${name} before insert on ${t} when new.${c} = ${sql.lit(value)} begin select raise(abort, ${sql.lit(message)}); end`.execute(db);
}
