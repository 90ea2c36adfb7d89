import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { review360Host, type Host360 } from "./test-support/fixtures";

const hosts: Host360[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

async function schema(h: Host360) {
  const rows = await sql<{ type: string; name: string; sql: string | null }>`select type, name, sql from sqlite_master where name like 'review360_%' order by type, name`.execute(h.db);
  return rows.rows;
}

async function columns(h: Host360, table: string): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from pragma_table_info(${table}) order by cid`.execute(h.db);
  return rows.rows.map((r) => r.name);
}

describe("review360 schema", () => {
  it("stores answers and comments with no rater id, no timestamp and no row order (anonymity by construction)", async () => {
    const h = await review360Host();
    hosts.push(h);
    expect(await columns(h, "review360_answer")).toEqual(["cycle_id", "reviewee_id", "rater_group", "competency", "item", "score", "nonce"]);
    expect(await columns(h, "review360_comment")).toEqual(["cycle_id", "reviewee_id", "rater_group", "kind", "text", "nonce"]);
    for (const table of ["review360_answer", "review360_comment"]) {
      const cols = await columns(h, table);
      // Nothing that names or orders a rater: no user, customer, invitation or assignment id, no time, no autoincrement id.
      expect(cols.filter((c) => /rater_(user|id)|user|customer|invitation|assignment|_at$|^at$|time|^id$/.test(c))).toEqual([]);
      const ddl = (await schema(h)).find((r) => r.type === "table" && r.name === table)!.sql!;
      // WITHOUT ROWID: no hidden rowid whose insertion order would line up with submitted_at.
      expect(ddl.toLowerCase()).toMatch(/without rowid\s*$/);
    }
    // Completion (and the time of submission) lives on the assignment, which holds no scores.
    expect(await columns(h, "review360_assignment")).toEqual([
      "id", "cycle_id", "reviewee_id", "rater_group", "rater_user_id", "customer_id", "invitation_id", "source", "status", "draft_json", "reminders_sent", "last_reminded_at", "created_at", "submitted_at",
    ]);
  });

  it("matches the committed snapshot of the migrated tables and indexes", async () => {
    const h = await review360Host();
    hosts.push(h);
    expect(await schema(h)).toMatchSnapshot();
  });
});
