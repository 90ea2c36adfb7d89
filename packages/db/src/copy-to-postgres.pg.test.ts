import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { copyToPostgres } from "./copy-to-postgres";
import { addId, realType } from "./dialect";
import { migrateAll, type MigrationSet } from "./migrate";
import { openDatabase } from "./open";
import { createTestDatabase, type TestDatabase } from "./test-db";

// PostgreSQL pass only: a SQLite file copied into a fresh PostgreSQL schema migrated by the same sets.
const app: MigrationSet = {
  id: "app",
  migrations: {
    "2026-01-01-people": {
      async up(db: Kysely<any>) {
        await addId(db, db.schema.createTable("users"))
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("supervisor_id", "integer", (c) => c.references("users.id"))
          .execute();
        await addId(db, db.schema.createTable("notes"))
          .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
          .addColumn("weight", realType(db), (c) => c.notNull())
          .addColumn("body", "text")
          .execute();
        await db.schema.createTable("settings").addColumn("key", "text", (c) => c.primaryKey()).addColumn("value", "text").execute();
        // A default the migration itself writes, on both sides.
        await db.insertInto("settings").values({ key: "threshold", value: "85" }).execute();
      },
    },
  },
};

let dir: string;
let source: Kysely<any>;
let target: TestDatabase<any>;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aftercare-copy-"));
  source = openDatabase({ url: `file:${path.join(dir, "source.db")}` });
  await migrateAll(source, [app]);
  target = await createTestDatabase([app]);
});
afterEach(async () => {
  await source.destroy();
  await target.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("copyToPostgres", () => {
  it("copies every row with its id, parents before children, a supervisor added after the people they lead", async () => {
    // Ids on purpose out of dependency order: 张伟 (1) reports to 王芳 (3), created later.
    await source.insertInto("users").values([{ id: 1, name: "张伟" }, { id: 2, name: "李娜" }, { id: 3, name: "王芳" }]).execute();
    await source.updateTable("users").set({ supervisor_id: 3 }).where("id", "in", [1, 2]).execute();
    await source.insertInto("notes").values([{ user_id: 1, weight: 0.3, body: "<script>x</script>" }, { user_id: 3, weight: 0.15, body: null }]).execute();
    await source.updateTable("settings").set({ value: "80" }).where("key", "=", "threshold").execute();

    const report = await copyToPostgres({ source, target: target.db, mustBeEmpty: "users", batchSize: 2 });

    expect(report.tables).toEqual([
      { name: "settings", rows: 1 },
      { name: "users", rows: 3 },
      { name: "notes", rows: 2 },
    ]);
    expect(await target.db.selectFrom("users").selectAll().orderBy("id").execute()).toEqual([
      { id: 1, name: "张伟", supervisor_id: 3 },
      { id: 2, name: "李娜", supervisor_id: 3 },
      { id: 3, name: "王芳", supervisor_id: null },
    ]);
    expect(await target.db.selectFrom("notes").select(["user_id", "weight", "body"]).orderBy("id").execute()).toEqual([
      { user_id: 1, weight: 0.3, body: "<script>x</script>" },
      { user_id: 3, weight: 0.15, body: null },
    ]);
    // The migration's default was replaced by the source's value, not duplicated.
    expect(await target.db.selectFrom("settings").selectAll().execute()).toEqual([{ key: "threshold", value: "80" }]);
  });

  it("moves the id sequences past the copied rows, so the next insert gets the next id", async () => {
    await source.insertInto("users").values([{ id: 5, name: "A" }, { id: 9, name: "B" }]).execute();
    await copyToPostgres({ source, target: target.db, mustBeEmpty: "users" });

    const next = await target.db.insertInto("users").values({ name: "C" }).returning("id").executeTakeFirstOrThrow();
    expect(next.id).toBe(10);
  });

  it("refuses a target that already holds users, and leaves it as it was", async () => {
    await source.insertInto("users").values({ name: "from SQLite" }).execute();
    await target.db.insertInto("users").values({ name: "already here" }).execute();

    await expect(copyToPostgres({ source, target: target.db, mustBeEmpty: "users" })).rejects.toThrow(/already holds users/);
    expect(await target.db.selectFrom("users").select("name").execute()).toEqual([{ name: "already here" }]);
  });

  it("refuses databases at different versions, naming the migration", async () => {
    const newer: MigrationSet = { id: "app", migrations: { ...app.migrations, "2026-02-01-more": { async up() {} } } };
    await migrateAll(target.db, [newer]);

    await expect(copyToPostgres({ source, target: target.db, mustBeEmpty: "users" })).rejects.toThrow(/the SQLite database lacks kysely_migration_app:2026-02-01-more/);
  });
});
