import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeSchema } from "@aftercare/db/schema-description";
import { migrateAll } from "@aftercare/db/migrate";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet, type MailTables } from "./migrations";

let t: TestDatabase<MailTables>;
beforeEach(async () => {
  t = await createTestDatabase<MailTables>([mailMigrationSet]);
});
afterEach(() => t.destroy());

describe("mail migrations", () => {
  it("run twice is a no-op that keeps the data", async () => {
    await t.db
      .insertInto("mail_outbox")
      .values({ idempotency_key: "k", to_addr: "a@b.example", to_name: null, subject: "s", html: "h", text: "t", headers_json: null, status: "queued", attempts: 0, next_attempt_at: "2026-11-27T00:00:00.000Z", lease_until: null, last_error: null, created_at: "2026-11-27T00:00:00.000Z", sent_at: null })
      .execute();

    const again = await migrateAll(t.db, [mailMigrationSet]);

    expect(again).toEqual([{ id: "mail", applied: [] }]);
    const rows = await t.db.selectFrom("mail_outbox").select("idempotency_key").execute();
    expect(rows).toEqual([{ idempotency_key: "k" }]);
  });

  it("rejects a status outside queued/sending/sent/failed", async () => {
    await expect(
      t.db
        .insertInto("mail_outbox")
        .values({ idempotency_key: "k", to_addr: "a@b.example", to_name: null, subject: "s", html: "h", text: "t", headers_json: null, status: "lost" as "queued", attempts: 0, next_attempt_at: "x", lease_until: null, last_error: null, created_at: "x", sent_at: null })
        .execute(),
    ).rejects.toThrow(/CHECK/i);
  });

  it("creates the schema in the snapshot (review schema changes here)", async () => {
    // The same snapshot on SQLite and PostgreSQL: the migrations describe one schema on both.
    expect((await describeSchema(t.db, "mail_")).join("\n")).toMatchSnapshot();
  });
});
