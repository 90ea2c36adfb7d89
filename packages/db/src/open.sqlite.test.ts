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
});
