import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql, type Transaction } from "kysely";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { openDatabase } from "@aftercare/db/open";
import { inGroupCommit } from "./group-commit.server";

interface Tables {
  item: { id: number; name: string };
}

let t: TestDatabase<Tables>;

beforeEach(async () => {
  t = await createTestDatabase<Tables>();
  await sql`create table item (id integer primary key, name text not null unique)`.execute(t.db);
});
afterEach(() => t.destroy());

const names = async () => (await t.db.selectFrom("item").select("name").orderBy("id").execute()).map((r) => r.name);

describe("inGroupCommit", () => {
  it("writes the work of one event-loop turn in one transaction, in call order", async () => {
    const statements: string[] = [];
    const done = await Promise.all(
      ["a", "b", "c"].map((name) =>
        inGroupCommit(t.db, async (trx) => {
          statements.push(name);
          // Each piece sees the ones before it.
          const before = await trx.selectFrom("item").select("name").execute();
          await trx.insertInto("item").values({ id: before.length + 1, name }).execute();
          return before.length;
        }),
      ),
    );
    expect(done).toEqual([0, 1, 2]);
    expect(statements).toEqual(["a", "b", "c"]);
    expect(await names()).toEqual(["a", "b", "c"]);
  });

  it("rolls back and rejects only the piece that fails", async () => {
    const results = await Promise.allSettled([
      inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 1, name: "a" }).execute()),
      inGroupCommit(t.db, async (trx) => {
        await trx.insertInto("item").values({ id: 2, name: "half-done" }).execute();
        await trx.insertInto("item").values({ id: 3, name: "a" }).execute(); // unique name: fails
      }),
      inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 4, name: "c" }).execute()),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await names()).toEqual(["a", "c"]);
  });

  it("settles only once the transaction is committed", async () => {
    // Another connection sees only committed data.
    const other = openDatabase<Tables>({ url: t.url });
    try {
      await inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 1, name: "a" }).execute());
      expect((await other.selectFrom("item").select("name").execute()).map((r) => r.name)).toEqual(["a"]);
    } finally {
      await other.destroy();
    }
  });

  it("starts a new group for work queued after a flush", async () => {
    await inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 1, name: "a" }).execute());
    await inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 2, name: "b" }).execute());
    expect(await names()).toEqual(["a", "b"]);
  });

  it("runs the group's beforeCommit step once, after every job, with the values of the jobs that succeeded", async () => {
    const seen: (readonly string[])[] = [];
    const tally = async (trx: Transaction<Tables>, values: readonly string[]) => {
      seen.push(values);
      // In the same transaction: it sees every successful job's row, not the failed one's.
      const rows = await trx.selectFrom("item").select("name").orderBy("id").execute();
      await trx.insertInto("item").values({ id: 100, name: `tally:${rows.map((r) => r.name).join("")}` }).execute();
    };
    const results = await Promise.allSettled([
      inGroupCommit(t.db, async (trx) => (await trx.insertInto("item").values({ id: 1, name: "a" }).execute(), "a"), tally),
      inGroupCommit(t.db, async (trx) => (await trx.insertInto("item").values({ id: 2, name: "a" }).execute(), "dup"), tally),
      inGroupCommit(t.db, async (trx) => (await trx.insertInto("item").values({ id: 3, name: "c" }).execute(), "c"), tally),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(seen).toEqual([["a", "c"]]);
    expect(await names()).toEqual(["a", "c", "tally:ac"]);
  });

  it("fails the whole group, storing nothing, when its beforeCommit step fails", async () => {
    const failing = async () => {
      throw new Error("tally refused");
    };
    const results = await Promise.allSettled([
      inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 1, name: "a" }).execute(), failing),
      inGroupCommit(t.db, (trx) => trx.insertInto("item").values({ id: 2, name: "b" }).execute(), failing),
    ]);
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["Error: tally refused", "Error: tally refused"]);
    expect(await names()).toEqual([]);
  });
});
