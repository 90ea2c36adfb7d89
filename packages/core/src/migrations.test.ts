import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeSchema } from "@aftercare/db/schema-description";
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
    // The same snapshot on SQLite and PostgreSQL: the migrations describe one schema on both.
    expect((await describeSchema(t.db, "")).join("\n")).toMatchSnapshot();
  });

  it("records core and mail migrations in their own tables, and a second run applies nothing", async () => {
    const core = await t.db.selectFrom("kysely_migration_core").select("name").orderBy("name").execute();
    const mail = await t.db.selectFrom("kysely_migration_mail").select("name").orderBy("name").execute();
    expect(core.map((r) => r.name)).toEqual(["2026-11-27-01-initial", "2026-11-27-02-import-batches", "2026-11-27-03-job-schedule"]);
    expect(mail.map((r) => r.name)).toEqual(["2026-11-27-outbox"]);

    expect(await migrateAll(t.db, [coreMigrationSet, mailMigrationSet])).toEqual([
      { id: "core", applied: [] },
      { id: "mail", applied: [] },
    ]);
  });
});
