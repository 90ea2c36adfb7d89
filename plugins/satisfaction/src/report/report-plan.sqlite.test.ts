import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompiledQuery, sql } from "kysely";
import type { TestHost } from "@aftercare/core/test-host.server";
import { satisfactionHost, testClock, type Db } from "../test-support/fixtures";

// SQLite pass only: SQLite's EXPLAIN QUERY PLAN of the report's statements must name the indexes
// (the bench checks the same at 1,000,000 responses; PostgreSQL chooses by its own statistics).
let host: TestHost & { sdb: Db };
const CAMPAIGN = 1;

beforeAll(async () => {
  host = await satisfactionHost(testClock("2026-05-06T01:00:00.000Z"));
});
afterAll(async () => {
  await host?.destroy();
});

async function plan(compiled: CompiledQuery): Promise<string> {
  const result = await host.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]));
  return result.rows.map((r) => r.detail).join("\n");
}

describe("the report's queries use the indexes", () => {
  it("item averages read satisfaction_item_score through its campaign index", async () => {
    // The same shape as campaignReport's filtered item query.
    const q = host.sdb
      .selectFrom("satisfaction_item_score as s")
      .where("s.campaign_id", "=", CAMPAIGN)
      .select(["s.item", sql<number>`avg(s.points)`.as("average"), sql<number>`count(*)`.as("answers")])
      .groupBy("s.item")
      .compile();
    expect(await plan(q)).toMatch(/USING (COVERING )?INDEX satisfaction_item_score_campaign/);
  });

  it("totals read satisfaction_response through its campaign index, recipients through theirs", async () => {
    const totals = host.sdb
      .selectFrom("satisfaction_response as r")
      .where("r.campaign_id", "=", CAMPAIGN)
      .select([sql<number>`count(*)`.as("n"), sql<number>`sum(r.score)`.as("total"), sql<number>`sum(r.satisfied)`.as("satisfied")])
      .compile();
    expect(await plan(totals)).toMatch(/USING (COVERING )?INDEX satisfaction_response_campaign_scores/);
    const recipients = host.sdb
      .selectFrom("satisfaction_recipient as rc")
      .innerJoin("customers as c", "c.id", "rc.customer_id")
      .where("rc.campaign_id", "=", CAMPAIGN)
      .select([sql<number>`count(*)`.as("all")])
      .compile();
    expect(await plan(recipients)).toMatch(/USING (COVERING )?INDEX satisfaction_recipient_campaign/);
  });
});
