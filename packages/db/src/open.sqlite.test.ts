import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "./test-db";

// SQLite pass only (vitest.config.ts): what openDatabase sets on a SQLite file.
let t: TestDatabase<any> | undefined;
afterEach(() => t?.destroy());

describe("openDatabase on SQLite", () => {
  it("opens the file with foreign keys on and WAL journaling", async () => {
    t = await createTestDatabase([]);
    const { rows: fk } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(t.db);
    const { rows: journal } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(t.db);
    expect(fk[0].foreign_keys).toBe(1);
    expect(journal[0].journal_mode).toBe("wal");
    expect(t.file).toMatch(/test\.db$/);
  });

  it("takes the write lock when a transaction begins, so another process's write cannot invalidate it", async () => {
    t = await createTestDatabase([]);
    await sql`create table counter (n integer not null)`.execute(t.db);
    await sql`insert into counter (n) values (0)`.execute(t.db);
    // Another process, in effect: its own connection to the file, with no busy timeout.
    const other = new Database(t.file, { timeout: 0 });
    try {
      await t.db.transaction().execute(async (trx) => {
        // Only a read so far; with a deferred BEGIN the other connection could still write now,
        // and this transaction's update below would fail with SQLITE_BUSY_SNAPSHOT.
        await sql`select n from counter`.execute(trx);
        expect(() => other.prepare("update counter set n = n + 100").run()).toThrow(/database is locked/);
        await sql`update counter set n = n + 1`.execute(trx);
      });
      // Once committed, the other connection writes as usual.
      other.prepare("update counter set n = n + 100").run();
      expect(other.prepare("select n from counter").get()).toEqual({ n: 101 });
    } finally {
      other.close();
    }
  });
});
