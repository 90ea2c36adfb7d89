import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Kysely, sql } from "kysely";
import type { TestHost } from "@aftercare/core/test-host.server";
import { migrateAll } from "@aftercare/db/migrate";
import { campaignReport, NO_FILTER } from "./report.server";
import { scoreBand } from "./campaign-stats.server";
import { satisfactionMigrations } from "../migrations";
import { openSurvey, submitResponse } from "../response/survey-session.server";
import { answer, answersFor, insertCustomers, insertUser, satisfactionHost, sentCampaign, testClock, tokenOf, type Db, type Levels } from "../test-support/fixtures";

/*
 * The per-campaign aggregates kept at submission must always equal a recount of the stored rows:
 * after a mix of submissions (two campaigns; customers without region or owner; a second submit
 * of the same link, also in the same event-loop turn; an answer rejected by validation; low
 * answers that open a feedback record), and after migration 03 rebuilds them from the rows alone.
 */
let host: TestHost & { sdb: Db };
let campaigns: number[];

const LEVELS: readonly Levels[] = [
  [100, 100, 100, 100, 100], // 100
  [80, 80, 80, 80, 80], // 80
  [80, 100, 100, 60, 80], // 85
  [20, 40, 20, 40, 20], // 25 (opens a feedback record)
  [100, 60, 100, 20, 100], // 86
  [60, 60, 40, 60, 40], // 51
];

beforeAll(async () => {
  const clock = testClock("2026-03-02T01:00:00.000Z");
  host = await satisfactionHost(clock);
  const manager = await insertUser(host.sdb, { name: "Manager", role: "manager" });
  const owner = await insertUser(host.sdb, { name: "张伟 Zhang Wei" });
  const customers = await insertCustomers(
    host.sdb,
    Array.from({ length: 9 }, (_, i) => ({
      company: `Stat Co ${i + 1}`,
      email: `s${i + 1}@example.com`,
      region: i % 3 === 2 ? null : ["华东", "华南"][i % 3],
      tier: ["high", "mid", "standard"][i % 3],
      ownerId: i % 2 ? owner : null,
    })),
  );
  campaigns = [await sentCampaign(host, manager, clock.iso(), { name: "Stats A", period: "2026 Mar" })];
  campaigns.push(await sentCampaign(host, manager, clock.iso(), { name: "Stats B", period: "2026 Mar B" }));
  clock.set("2026-03-04T01:00:00.000Z");
  // Campaign A: customers 1–6 one after the other, customer 1 twice (the second stores nothing).
  // (a page opened before the first submit, submitted again: another tab, a double click).
  const firstTab = (await openSurvey(host.ctx, await tokenOf(host, campaigns[0], customers[0])))!;
  for (let i = 0; i < 6; i++) expect((await answer(host, campaigns[0], customers[i], answersFor(LEVELS[i]))).ok).toBe(true);
  const again = await submitResponse(host.ctx, firstTab, answersFor(LEVELS[3]), "zh-CN");
  expect(again).toMatchObject({ ok: true, duplicate: true });
  // An incomplete answer is rejected and stores nothing.
  expect((await answer(host, campaigns[0], customers[6], { quality: 100 })).ok).toBe(false);
  // Campaign B: customers 1–9 in one event-loop turn (one group commit), customer 9's link twice.
  const sessions = await Promise.all(customers.map(async (c) => (await openSurvey(host.ctx, await tokenOf(host, campaigns[1], c)))!));
  const outcomes = await Promise.all([
    ...sessions.map((s, i) => submitResponse(host.ctx, s, answersFor(LEVELS[(i * 5) % LEVELS.length]), "zh-CN")),
    submitResponse(host.ctx, sessions[8], answersFor(LEVELS[0]), "zh-CN"),
  ]);
  expect(outcomes.every((o) => o.ok)).toBe(true);
  expect(outcomes.filter((o) => o.ok && o.duplicate)).toHaveLength(1);
});

afterAll(async () => {
  await host?.destroy();
});

type GroupRow = { campaign_id: number; region: string; tier: string; owner_id: number; band: number; responses: number; score_sum: number; satisfied: number };
type ItemRow = { campaign_id: number; item: string; points: number; answers: number };

async function aggregates(): Promise<{ groups: GroupRow[]; items: ItemRow[] }> {
  const groups = await host.sdb.selectFrom("satisfaction_campaign_group_stat").selectAll().orderBy("campaign_id").orderBy("region").orderBy("tier").orderBy("owner_id").orderBy("band").execute();
  const items = await host.sdb.selectFrom("satisfaction_campaign_item_stat").selectAll().orderBy("campaign_id").orderBy("item").orderBy("points").execute();
  return { groups: groups.map((g) => ({ ...g, responses: Number(g.responses), satisfied: Number(g.satisfied) })), items: items.map((i) => ({ ...i, answers: Number(i.answers) })) };
}

/** The same aggregates counted afresh, in code, from the stored responses and item scores. */
async function recount(): Promise<{ groups: GroupRow[]; items: ItemRow[] }> {
  const groups = new Map<string, GroupRow>();
  for (const r of await host.sdb.selectFrom("satisfaction_response").selectAll().execute()) {
    const key = { campaign_id: r.campaign_id, region: r.region ?? "", tier: r.tier ?? "", owner_id: r.owner_id ?? 0, band: scoreBand(r.score) };
    const k = JSON.stringify(key);
    const g = groups.get(k) ?? { ...key, responses: 0, score_sum: 0, satisfied: 0 };
    g.responses += 1;
    g.score_sum += r.score;
    g.satisfied += r.satisfied;
    groups.set(k, g);
  }
  const items = new Map<string, ItemRow>();
  for (const s of await host.sdb.selectFrom("satisfaction_item_score").selectAll().execute()) {
    const k = JSON.stringify([s.campaign_id, s.item, s.points]);
    const i = items.get(k) ?? { campaign_id: s.campaign_id, item: s.item, points: s.points, answers: 0 };
    i.answers += 1;
    items.set(k, i);
  }
  const cmp = (a: unknown[], b: unknown[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as any) < (b[i] as any) ? -1 : 1;
    return 0;
  };
  return {
    groups: [...groups.values()].sort((a, b) => cmp([a.campaign_id, a.region, a.tier, a.owner_id, a.band], [b.campaign_id, b.region, b.tier, b.owner_id, b.band])),
    items: [...items.values()].sort((a, b) => cmp([a.campaign_id, a.item, a.points], [b.campaign_id, b.item, b.points])),
  };
}

/** Sums of floating-point scores may differ in the last bits with the order of addition. */
const closeSums = (rows: GroupRow[]) => rows.map((g) => ({ ...g, score_sum: expect.closeTo(g.score_sum, 9) }));

describe("campaign aggregates", () => {
  it("equal a recount of the stored rows after a mix of submissions", async () => {
    const kept = await aggregates();
    const counted = await recount();
    expect(kept.groups).toEqual(closeSums(counted.groups));
    expect(kept.items).toEqual(counted.items);
    // 6 responses in campaign A, 9 in campaign B; 5 item rows each (the default template's items).
    const responses = (c: number) => kept.groups.filter((g) => g.campaign_id === c).reduce((a, g) => a + g.responses, 0);
    expect([responses(campaigns[0]), responses(campaigns[1])]).toEqual([6, 9]);
    expect(kept.items.filter((i) => i.campaign_id === campaigns[0]).reduce((a, i) => a + i.answers, 0)).toBe(6 * 5);
    // Customer 3 has no region and no owner: stored under '' and 0.
    expect(kept.groups.some((g) => g.campaign_id === campaigns[0] && g.region === "" && g.owner_id === 0)).toBe(true);
  });

  it("give the unfiltered report the same figures as its filtered queries over the responses", async () => {
    // Campaign A: 100, 80, 85, 25, 86, 51 → Σ 427, index 427 / 6 = 71.1666…, satisfied 100, 85, 86 = 3/6.
    const whole = (await campaignReport(host.sdb, campaigns[0], NO_FILTER))!;
    expect(whole.counts.returned).toBe(6);
    expect(whole.index).toBeCloseTo(427 / 6, 9);
    expect(whole.shareSatisfied).toBe(0.5);
    // bands: 25 → 2, 51 → 5, 80, 85, 86 → 8, 100 → 9
    expect(whole.distribution).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 3, 1]);
    // quality: 100 + 80 + 80 + 20 + 100 + 60 = 440 / 6
    expect(whole.items.find((i) => i.item === "quality")!.average).toBeCloseTo(440 / 6, 9);
    // The breakdown by tier (high: customers 1, 4; mid: 2, 5; standard: 3, 6) equals the report
    // filtered to each tier, which reads the responses themselves.
    for (const row of whole.breakdown.tier) {
      const part = (await campaignReport(host.sdb, campaigns[0], { region: null, tier: row.key, ownerId: null }))!;
      expect([row.responses, row.index, row.shareSatisfied]).toEqual([part.counts.returned, expect.closeTo(part.index!, 9), part.shareSatisfied]);
    }
    expect(whole.breakdown.region.map((r) => r.key).sort()).toEqual([null, "华南", "华东"].sort());
  });

  it("are rebuilt from the stored rows by migration 03 (the backfill)", async () => {
    const kept = await aggregates();
    // As on a database that had responses before migration 03: no aggregate tables, 03 not applied.
    await sql`drop index satisfaction_recipient_campaign_status`.execute(host.db);
    await host.db.schema.dropTable("satisfaction_campaign_item_stat").execute();
    await host.db.schema.dropTable("satisfaction_campaign_group_stat").execute();
    await (host.db as Kysely<any>).deleteFrom("kysely_migration_satisfaction").where("name", "=", "2026-11-27-03-campaign-stats").execute();
    const report = await migrateAll(host.db, [{ id: "satisfaction", migrations: satisfactionMigrations }]);
    expect(report).toEqual([{ id: "satisfaction", applied: ["2026-11-27-03-campaign-stats"] }]);
    const rebuilt = await aggregates();
    expect(rebuilt.items).toEqual(kept.items);
    expect(rebuilt.groups).toEqual(closeSums(kept.groups));
    expect(rebuilt.groups.length).toBeGreaterThan(0);
  });
});
