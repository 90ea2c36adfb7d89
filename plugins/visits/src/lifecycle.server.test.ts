import { afterEach, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "@aftercare/core/test-host.server";
import { visitsPlugin } from "./plugin";
import { SLA_WATCH_JOB, CADENCE_DIGEST_JOB } from "./lifecycle.server";
import { slaReport } from "./report/sla-report.server";
import { cadenceRows } from "./cadence/cadence.server";
import { DEFAULT_POLICY } from "./policy";
import { companyDate, companyMonth } from "./time";
import { myOpenCallsWidget, overdueCustomersWidget } from "./widgets.server";
import { viewerOf, type Db } from "./test-support/fixtures";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const NOW = "2026-06-15T04:00:00.000Z";

describe("the demo seed and the dashboard widgets", () => {
  it("seeds visits and calls for the seeded customers — some customers overdue, some calls breached — and the jobs run over it", async () => {
    const host = await createTestHost({ plugins: [visitsPlugin], clock: () => new Date(NOW), seedDemo: true });
    hosts.push(host);
    const db = host.db as unknown as Db;
    const calls = await db.selectFrom("visits_call").select(["id", "closed_at"]).execute();
    expect(calls).toHaveLength(15);
    expect(calls.filter((c) => c.closed_at === null)).toHaveLength(5);
    const report = await slaReport(host.db, null, { month: companyMonth(NOW) }, NOW);
    expect(report.breaches.length).toBeGreaterThan(0);
    const cadence = await cadenceRows(host.db, null, DEFAULT_POLICY, companyDate(NOW));
    expect(new Set(cadence.map((r) => r.status))).toEqual(new Set(["ok", "due", "overdue"]));
    // Return visits of the closed demo calls exist, once each.
    expect(await db.selectFrom("visits_visit").select("id").where("source_call_id", "is not", null).execute()).toHaveLength(10);

    await host.runJob(SLA_WATCH_JOB);
    await host.runJob(CADENCE_DIGEST_JOB);
    const notices = await db.selectFrom("visits_sla_notice").selectAll().execute();
    // The open call breached during work (clear clock) gets its breach notice.
    expect(notices.some((n) => n.kind === "breach" && n.clock === "clear")).toBe(true);
    expect((await db.selectFrom("visits_cadence_digest").selectAll().execute()).length).toBeGreaterThan(0);

    // Widgets: an engineer's open calls, with their most urgent clock; the manager's overdue customers.
    const engineerId = (await db.selectFrom("visits_call").select("engineer_id").where("closed_at", "is", null).where("cleared_at", "is", null).where("work_started_at", "is not", null).executeTakeFirstOrThrow()).engineer_id!;
    const mine = await myOpenCallsWidget.load(host.ctx, await viewerOf(host, engineerId), "en");
    expect(mine.kind === "list" && mine.items[0].detail).toMatch(/^Fault clearance: Breached, \d+ h( \d+ min)? over$/);
    const manager = (await db.selectFrom("users").select("id").where("email", "=", "manager@aftercare.local").executeTakeFirstOrThrow()).id;
    const overdue = await overdueCustomersWidget.load(host.ctx, await viewerOf(host, manager), "zh-CN");
    expect(overdue.kind === "list" && overdue.items.length).toBeGreaterThan(0);
  });
});
