import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { isPostgres } from "@aftercare/db/dialect";
import { describeSchema } from "@aftercare/db/schema-description";
import { review360Host, type Host360 } from "./test-support/fixtures";

const hosts: Host360[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

async function columns(h: Host360, table: string): Promise<string[]> {
  const own = isPostgres(h.db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(h.db)).rows[0].s : undefined;
  const found = (await h.db.introspection.getTables()).find((t) => t.name === table && t.schema === own);
  return found ? found.columns.map((c) => c.name) : [];
}

describe("review360 schema", () => {
  it("stores answers and comments with no rater id, no timestamp and no rater-ordered key (anonymity by construction)", async () => {
    const h = await review360Host();
    hosts.push(h);
    expect(await columns(h, "review360_answer")).toEqual(["cycle_id", "reviewee_id", "rater_group", "competency", "item", "score", "nonce"]);
    expect(await columns(h, "review360_comment")).toEqual(["cycle_id", "reviewee_id", "rater_group", "kind", "text", "nonce"]);
    for (const table of ["review360_answer", "review360_comment"]) {
      const cols = await columns(h, table);
      // Nothing that names or orders a rater: no user, customer, invitation or assignment id, no time, no autoincrement id.
      expect(cols.filter((c) => /rater_(user|id)|user|customer|invitation|assignment|_at$|^at$|time|^id$/.test(c))).toEqual([]);
      // The primary key ends in the random nonce, so key order says nothing about who answered when.
      const description = await describeSchema(h.db, table);
      expect(description.find((l) => l.startsWith("  primary key"))).toMatch(/, nonce\)$/);
    }
    // Completion (and the time of submission) lives on the assignment, which holds no scores.
    expect(await columns(h, "review360_assignment")).toEqual([
      "id", "cycle_id", "reviewee_id", "rater_group", "rater_user_id", "customer_id", "invitation_id", "source", "status", "draft_json", "reminders_sent", "last_reminded_at", "created_at", "submitted_at",
    ]);
  });

  it("matches the committed snapshot of the migrated tables and indexes", async () => {
    const h = await review360Host();
    hosts.push(h);
    // The same snapshot on SQLite and PostgreSQL: the migrations describe one schema on both.
    expect((await describeSchema(h.db, "review360_")).join("\n")).toMatchSnapshot();
  });
});
