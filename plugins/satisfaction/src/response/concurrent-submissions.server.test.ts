import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import type { TestHost } from "@aftercare/core/test-host.server";
import { openSurvey, submitResponse, type SubmitOutcome } from "./survey-session.server";
import { answersFor, insertCustomers, insertUser, satisfactionHost, sentCampaign, testClock, tokenOf, type Db, type Levels } from "../test-support/fixtures";

/*
 * Survey submissions arriving over many event-loop turns, so that several group-commit
 * transactions are open at once (on PostgreSQL each on its own pool connection), all adding to
 * the same rows of the campaign's report aggregates. Every one must be stored, none may deadlock
 * or be lost, and the aggregates must equal a recount. (On PostgreSQL the bench found deadlocks
 * here when every submission upserted the aggregate rows itself, in its own order.)
 */
const CUSTOMERS = 60;
const LEVELS: readonly Levels[] = [
  [100, 100, 100, 100, 100],
  [80, 80, 80, 80, 80],
  [80, 100, 100, 60, 80],
  [20, 40, 20, 40, 20],
  [100, 60, 100, 20, 100],
];

let host: TestHost & { sdb: Db };
let campaign: number;
let outcomes: SubmitOutcome[];

beforeAll(async () => {
  const clock = testClock("2026-03-02T01:00:00.000Z");
  host = await satisfactionHost(clock);
  const manager = await insertUser(host.sdb, { name: "Manager", role: "manager" });
  const customers = await insertCustomers(
    host.sdb,
    Array.from({ length: CUSTOMERS }, (_, i) => ({ company: `Busy Co ${i + 1}`, email: `busy${i + 1}@example.com`, region: ["华东", "华南"][i % 2], tier: "high", ownerId: null })),
  );
  campaign = await sentCampaign(host, manager, clock.iso(), { name: "Busy day", period: "2026 Mar" });
  const sessions = await Promise.all(customers.map(async (c) => (await openSurvey(host.ctx, await tokenOf(host, campaign, c)))!));
  const pending: Promise<SubmitOutcome>[] = [];
  for (const [i, session] of sessions.entries()) {
    pending.push(submitResponse(host.ctx, session, answersFor(LEVELS[(i * 7) % LEVELS.length]), "zh-CN"));
    // Three submissions per turn: a new group starts while the previous ones are still open.
    if (i % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
  }
  outcomes = await Promise.all(pending);
});

afterAll(async () => {
  await host?.destroy();
});

describe("concurrent survey submissions to one campaign", () => {
  it("are all stored, once each", async () => {
    expect(outcomes.filter((o) => o.ok && !o.duplicate)).toHaveLength(CUSTOMERS);
    const stored = await host.sdb.selectFrom("satisfaction_response").select(sql<number>`count(*)`.as("n")).where("campaign_id", "=", campaign).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(CUSTOMERS);
  });

  it("leave the report aggregates equal to a recount of the stored rows", async () => {
    const items = await host.sdb.selectFrom("satisfaction_campaign_item_stat").select(["item", "points", "answers"]).where("campaign_id", "=", campaign).orderBy("item").orderBy("points").execute();
    const recount = await host.sdb
      .selectFrom("satisfaction_item_score")
      .select(["item", "points", sql<number>`count(*)`.as("answers")])
      .where("campaign_id", "=", campaign)
      .groupBy(["item", "points"])
      .orderBy("item")
      .orderBy("points")
      .execute();
    expect(items.map((r) => ({ ...r, answers: Number(r.answers) }))).toEqual(recount.map((r) => ({ ...r, answers: Number(r.answers) })));
    const groups = await host.sdb.selectFrom("satisfaction_campaign_group_stat").select([sql<number>`sum(responses)`.as("n"), sql<number>`sum(score_sum)`.as("total")]).where("campaign_id", "=", campaign).executeTakeFirstOrThrow();
    const responses = await host.sdb.selectFrom("satisfaction_response").select([sql<number>`count(*)`.as("n"), sql<number>`sum(score)`.as("total")]).where("campaign_id", "=", campaign).executeTakeFirstOrThrow();
    expect(Number(groups.n)).toBe(CUSTOMERS);
    expect(Number(groups.total)).toBeCloseTo(Number(responses.total), 6);
  });
});
