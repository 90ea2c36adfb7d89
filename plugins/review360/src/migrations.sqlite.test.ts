import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { review360Host, type Host360 } from "./test-support/fixtures";

// SQLite pass only: the physical layout that keeps answers and comments in no rater order.
const hosts: Host360[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("review360 schema on SQLite", () => {
  it("keeps answers and comments WITHOUT ROWID, so no hidden rowid lines up with submitted_at", async () => {
    const h = await review360Host();
    hosts.push(h);
    for (const table of ["review360_answer", "review360_comment"]) {
      const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(h.db);
      expect(rows[0].sql.toLowerCase()).toMatch(/without rowid\s*$/);
    }
  });
});
