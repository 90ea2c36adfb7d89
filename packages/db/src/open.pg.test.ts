import { afterEach, describe, expect, it } from "vitest";
import { type Kysely, sql } from "kysely";
import { addId, isPostgres, realType } from "./dialect";
import { openDatabase, redactUrl } from "./open";
import { createTestDatabase, type TestDatabase } from "./test-db";

// PostgreSQL pass only (test/vitest.pg.config.ts): what openDatabase and the dialect helpers do on
// a real PostgreSQL server.
let t: TestDatabase<any> | undefined;
afterEach(() => t?.destroy());

const numbers = {
  id: "numbers",
  migrations: {
    "2026-01-01-numbers": {
      async up(db: Kysely<any>) {
        await addId(db, db.schema.createTable("numbers")).addColumn("weight", realType(db), (c) => c.notNull()).addColumn("n", "integer").execute();
      },
    },
  },
};

describe("openDatabase on PostgreSQL", () => {
  it("uses the PostgreSQL dialect in a schema of the test's own", async () => {
    t = await createTestDatabase([numbers]);
    expect(isPostgres(t.db)).toBe(true);
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.db);
    expect(t.url).toContain(`schema=${rows[0].schema}`);
    expect(rows[0].schema).toMatch(/^t_[0-9a-f]{16}$/);
  });

  it("keeps a weight of 0.3 exactly (double precision, not PostgreSQL's 4-byte real)", async () => {
    t = await createTestDatabase([numbers]);
    await t.db.insertInto("numbers").values([{ weight: 0.3, n: 1 }, { weight: 0.15, n: 2 }]).execute();
    const rows = await t.db.selectFrom("numbers").select("weight").orderBy("id").execute();
    expect(rows.map((r) => r.weight)).toEqual([0.3, 0.15]);
  });

  it("answers count, sum and avg as numbers, as SQLite does", async () => {
    t = await createTestDatabase([numbers]);
    await t.db.insertInto("numbers").values([{ weight: 1, n: 1 }, { weight: 1, n: 2 }, { weight: 1, n: 4 }]).execute();
    const row = await t.db
      .selectFrom("numbers")
      .select([sql<number>`count(*)`.as("count"), sql<number>`sum(n)`.as("sum"), sql<number>`avg(n)`.as("avg")])
      .executeTakeFirstOrThrow();
    // 3 rows; 1 + 2 + 4 = 7; 7 / 3.
    expect(row).toEqual({ count: 3, sum: 7, avg: 7 / 3 });
  });

  it("numbers inserted rows from 1 with addId", async () => {
    t = await createTestDatabase([numbers]);
    const inserted = await t.db.insertInto("numbers").values({ weight: 1, n: 1 }).returning("id").executeTakeFirstOrThrow();
    expect(inserted.id).toBe(1);
  });

  it("refuses a schema name that is not plain lower-case letters, digits and _", () => {
    expect(() => openDatabase({ url: "postgres://u:p@127.0.0.1:5432/db?schema=x;drop" })).toThrow(/schema "x;drop" must be lower-case/);
  });

  it("hides the password when a URL is logged", () => {
    expect(redactUrl("postgres://aftercare:s3cret@db:5432/aftercare")).toBe("postgres://aftercare:***@db:5432/aftercare");
    expect(redactUrl("file:./data/aftercare.db")).toBe("file:./data/aftercare.db");
  });
});
