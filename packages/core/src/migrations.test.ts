import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { migrateAll } from "@aftercare/db/migrate";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { coreMigrationSet } from "./migrations";

let t: TestDatabase<any>;
beforeEach(async () => {
  t = await createTestDatabase([coreMigrationSet, mailMigrationSet]);
});
afterEach(() => t.destroy());

describe("core + mail schema", () => {
  it("matches the committed snapshot (review schema changes here)", async () => {
    const { rows } = await sql<{ type: string; name: string; sql: string }>`
      select type, name, sql from sqlite_master
      where type in ('table', 'index') and name not like 'sqlite_%' and sql is not null
      order by type, name`.execute(t.db);
    expect(rows.map((r) => `${r.type} ${r.name}: ${r.sql}`).join("\n")).toMatchSnapshot();
  });

  it("records core and mail migrations in their own tables, and a second run applies nothing", async () => {
    const core = await t.db.selectFrom("kysely_migration_core").select("name").orderBy("name").execute();
    const mail = await t.db.selectFrom("kysely_migration_mail").select("name").orderBy("name").execute();
    expect(core.map((r) => r.name)).toEqual(["2026-11-27-01-initial", "2026-11-27-02-import-batches"]);
    expect(mail.map((r) => r.name)).toEqual(["2026-11-27-outbox"]);

    expect(await migrateAll(t.db, [coreMigrationSet, mailMigrationSet])).toEqual([
      { id: "core", applied: [] },
      { id: "mail", applied: [] },
    ]);
  });
});
