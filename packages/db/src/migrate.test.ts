import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Kysely, type Migration, sql } from "kysely";
import { isPostgres } from "./dialect";
import { migrateAll, migrationTableName, type MigrationSet } from "./migrate";
import { createTestDatabase, type TestDatabase } from "./test-db";

// Fake owners of migrations, standing in for the core and a plugin: the runner must not care
// who they are, only that each keeps its own record.
const coreSet: MigrationSet = {
  id: "core",
  migrations: {
    // Declared out of order on purpose: they run in name order.
    "2026-01-01-02-thing-tags": {
      async up(db: Kysely<any>) {
        await db.schema.createTable("thing_tags").addColumn("thing_id", "integer").addColumn("tag", "text").execute();
      },
    },
    "2026-01-01-01-things": {
      async up(db: Kysely<any>) {
        await db.schema.createTable("things").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("name", "text").execute();
      },
    },
  },
};

const demoPluginSet: MigrationSet = {
  id: "demo-plugin",
  migrations: {
    "2026-02-01-demo": {
      async up(db: Kysely<any>) {
        await db.schema.createTable("demo_plugin_notes").addColumn("id", "integer", (c) => c.primaryKey()).addColumn("body", "text").execute();
      },
    },
  },
};

async function tableNames(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  // PostgreSQL lists every schema's tables; a test's own are in its current schema.
  const own = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s : undefined;
  return tables.filter((t) => t.schema === own).map((t) => t.name).sort();
}

async function recorded(db: Kysely<any>, table: string): Promise<string[]> {
  const rows = await db.selectFrom(table).select("name").orderBy("name").execute();
  return rows.map((r) => r.name as string);
}

let t: TestDatabase<any>;
beforeEach(async () => {
  t = await createTestDatabase([]);
});
afterEach(() => t.destroy());

describe("migrationTableName", () => {
  it("is kysely_migration_<id> with dashes turned into underscores", () => {
    expect(migrationTableName("core")).toBe("kysely_migration_core");
    expect(migrationTableName("demo-plugin")).toBe("kysely_migration_demo_plugin");
  });
});

describe("migrateAll", () => {
  it("runs every migration on an empty database, in name order, and reports them per set", async () => {
    const report = await migrateAll(t.db, [coreSet, demoPluginSet]);

    expect(report).toEqual([
      { id: "core", applied: ["2026-01-01-01-things", "2026-01-01-02-thing-tags"] },
      { id: "demo-plugin", applied: ["2026-02-01-demo"] },
    ]);
    const tables = await tableNames(t.db);
    expect(tables).toEqual(expect.arrayContaining(["things", "thing_tags", "demo_plugin_notes"]));
  });

  it("applies nothing on a second run and keeps the data", async () => {
    await migrateAll(t.db, [coreSet, demoPluginSet]);
    await t.db.insertInto("things").values({ id: 1, name: "kept" }).execute();

    const again = await migrateAll(t.db, [coreSet, demoPluginSet]);

    expect(again).toEqual([
      { id: "core", applied: [] },
      { id: "demo-plugin", applied: [] },
    ]);
    expect(await t.db.selectFrom("things").selectAll().execute()).toEqual([{ id: 1, name: "kept" }]);
  });

  it("records a set's migrations in its own table kysely_migration_<id>, not in the core's", async () => {
    await migrateAll(t.db, [coreSet, demoPluginSet]);

    const tables = await tableNames(t.db);
    expect(tables).toEqual(expect.arrayContaining(["kysely_migration_core", "kysely_migration_demo_plugin"]));
    expect(await recorded(t.db, "kysely_migration_demo_plugin")).toEqual(["2026-02-01-demo"]);
    expect(await recorded(t.db, "kysely_migration_core")).toEqual(["2026-01-01-01-things", "2026-01-01-02-thing-tags"]);
  });

  it("runs a set added later (a newly installed plugin) without touching the others", async () => {
    await migrateAll(t.db, [coreSet]);

    const report = await migrateAll(t.db, [coreSet, demoPluginSet]);

    expect(report).toEqual([
      { id: "core", applied: [] },
      { id: "demo-plugin", applied: ["2026-02-01-demo"] },
    ]);
  });

  it("throws naming the set and the migration that failed; sets before it stay applied", async () => {
    const broken: Migration = {
      async up(db: Kysely<any>) {
        await db.schema.createTable("demo_plugin_half_done").addColumn("id", "integer").execute();
        await sql`this is not sql`.execute(db);
      },
    };
    const failing: MigrationSet = {
      id: "demo-plugin",
      migrations: { ...demoPluginSet.migrations, "2026-02-02-broken": broken },
    };

    await expect(migrateAll(t.db, [coreSet, failing])).rejects.toThrow(/Migrations of "demo-plugin" failed in migration "2026-02-02-broken"/);

    expect(await recorded(t.db, "kysely_migration_core")).toEqual(["2026-01-01-01-things", "2026-01-01-02-thing-tags"]);
  });

  it("rolls back the failing set's whole run, so it is retried in full next time", async () => {
    const broken: Migration = {
      async up(db: Kysely<any>) {
        await sql`this is not sql`.execute(db);
      },
    };
    const failing: MigrationSet = { id: "demo-plugin", migrations: { ...demoPluginSet.migrations, "2026-02-02-broken": broken } };

    await expect(migrateAll(t.db, [failing])).rejects.toThrow(/"2026-02-02-broken"/);

    expect(await tableNames(t.db)).not.toContain("demo_plugin_notes");
    expect(await migrateAll(t.db, [demoPluginSet])).toEqual([{ id: "demo-plugin", applied: ["2026-02-01-demo"] }]);
  });

  it("leaves nothing of a failed migration behind, so fixing it and running again works", async () => {
    const broken: Migration = {
      async up(db: Kysely<any>) {
        await db.schema.createTable("demo_plugin_half_done").addColumn("id", "integer").execute();
        await sql`this is not sql`.execute(db);
      },
    };
    const fixed: Migration = {
      async up(db: Kysely<any>) {
        await db.schema.createTable("demo_plugin_half_done").addColumn("id", "integer").execute();
      },
    };

    await expect(migrateAll(t.db, [{ id: "demo-plugin", migrations: { "2026-02-02-x": broken } }])).rejects.toThrow(/2026-02-02-x/);
    expect(await tableNames(t.db)).not.toContain("demo_plugin_half_done");

    const report = await migrateAll(t.db, [{ id: "demo-plugin", migrations: { "2026-02-02-x": fixed } }]);
    expect(report).toEqual([{ id: "demo-plugin", applied: ["2026-02-02-x"] }]);
  });
});

describe("createTestDatabase", () => {
  it("gives every test its own migrated database: tables made in one are not seen in another", async () => {
    const own = await createTestDatabase([coreSet]);
    try {
      await own.db.insertInto("things").values({ id: 1, name: "mine" }).execute();
      expect(await tableNames(own.db)).toContain("things");
      expect(await tableNames(t.db)).not.toContain("things");
    } finally {
      await own.destroy();
    }
  });
});
