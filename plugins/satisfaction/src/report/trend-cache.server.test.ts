import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { satisfactionTrend, TREND_SETTLED_MS } from "./report.server";
import { closeCampaign } from "../campaign/campaigns.server";
import { answer, answersFor, insertCustomers, insertUser, satisfactionHost, sentCampaign, testClock, type Db, type TestClock } from "../test-support/fixtures";

// The trend keeps the figures of campaigns closed for a while (they cannot change any more) and
// reads every other campaign live. Shown by writing a response behind the app's back, which only a
// live read can see.
let clock: TestClock;
let host: TestHost & { sdb: Db };
let campaign: number;
let customers: number[];

beforeEach(async () => {
  clock = testClock("2026-06-01T01:00:00.000Z");
  host = await satisfactionHost(clock);
  const manager = await insertUser(host.sdb, { name: "Manager", role: "manager" });
  customers = await insertCustomers(host.sdb, [1, 2, 3].map((i) => ({ company: `Trend Co ${i}`, email: `t${i}@example.com`, region: "华东", tier: "mid", ownerId: null })));
  campaign = await sentCampaign(host, manager, clock.iso(), { name: "Trend", period: "2026 Jun" });
  await answer(host, campaign, customers[0], answersFor([100, 100, 100, 100, 100]));
});
afterEach(() => host.destroy());

/** Copies the first response as if another customer had answered (no app rule is run). */
async function sneakInResponse(): Promise<void> {
  const first = await host.sdb.selectFrom("satisfaction_response").selectAll().where("campaign_id", "=", campaign).executeTakeFirstOrThrow();
  const recipient = await host.sdb.selectFrom("satisfaction_recipient").select("id").where("campaign_id", "=", campaign).where("customer_id", "=", customers[1]).executeTakeFirstOrThrow();
  const { id: _id, ...row } = first;
  await host.sdb.insertInto("satisfaction_response").values({ ...row, recipient_id: recipient.id, customer_id: customers[1], score: 50, satisfied: 0 }).execute();
}

const point = async (now: Date) => (await satisfactionTrend(host.sdb, now)).find((p) => p.campaignId === campaign)!;

describe("satisfactionTrend", () => {
  it("reads an open campaign live every time", async () => {
    const now = new Date("2026-06-02T00:00:00.000Z");
    expect((await point(now)).responses).toBe(1);
    await sneakInResponse();
    expect(await point(now)).toMatchObject({ responses: 2, index: expect.closeTo(75, 9), shareSatisfied: 0.5 });
  });

  it("reads a campaign closed only moments ago live", async () => {
    await closeCampaign(host.sdb, campaign, "2026-06-05T00:00:00.000Z");
    const justAfter = new Date(Date.parse("2026-06-05T00:00:00.000Z") + TREND_SETTLED_MS - 1_000);
    expect((await point(justAfter)).responses).toBe(1);
    await sneakInResponse();
    expect((await point(justAfter)).responses).toBe(2);
  });

  it("keeps the figures of a campaign closed long enough ago", async () => {
    await closeCampaign(host.sdb, campaign, "2026-06-05T00:00:00.000Z");
    const later = new Date(Date.parse("2026-06-05T00:00:00.000Z") + TREND_SETTLED_MS + 1_000);
    expect(await point(later)).toMatchObject({ responses: 1, index: expect.closeTo(100, 9), shareSatisfied: 1 });
    await sneakInResponse();
    expect(await point(later)).toMatchObject({ responses: 1, index: expect.closeTo(100, 9), shareSatisfied: 1 });
    // Another host (another process) reads it afresh.
    const other = await satisfactionHost(clock);
    try {
      expect((await satisfactionTrend(other.sdb, later)).length).toBe(0);
    } finally {
      await other.destroy();
    }
  });
});
