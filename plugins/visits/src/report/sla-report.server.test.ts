import { afterEach, describe, expect, it } from "vitest";
import { slaReport, type SlaSummary, type SlaSummaryRequest } from "./sla-report.server";
import { endHold, recordMilestone, startHold, type Milestone } from "../call/calls.server";
import { insertCustomer, insertUser, newCall, testClock, visitsHost, type VisitsHost } from "../test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MIN = 60_000;
const H = 60 * MIN;
const NOW = "2026-03-20T01:10:00.000Z";

/**
 * March 2026 (Shanghai calendar). Engineer E1 (customer X, 华东), engineer E2 (customer Y, 华南).
 *
 * | call | received (UTC)        | respond | on site | clear                      |
 * |------|-----------------------|---------|---------|----------------------------|
 * | 1    | 03-02 01:00           | 10 min  | 2 h     | 3 h                        |
 * | 2    | 03-05 01:00           | 20 min  | 5 h     | —                          |
 * | 3    | 03-10 01:00           | 40 min  | 30 h    | 26 h − 4 h hold = 22 h     |
 * | 4    | 03-15 01:00           | 25 min  | 10 h    | —                          |
 * | 5    | 02-28 16:30 (1 Mar)   | 35 min  | 20 h    | —                          |
 * | 6    | 03-20 01:00, open     | running | running | —                          |
 * | E2   | 03-03 01:00           | 50 min  | 3 h     | 1 h                        |
 * Outside March: 02-28 15:30 UTC (28 Feb 23:30 in Shanghai) and 03-31 16:30 UTC (1 April).
 */
async function fixtures() {
  const clock = testClock(NOW);
  const host = await visitsHost(clock);
  hosts.push(host);
  const e1 = await insertUser(host.vdb, { name: "E1 张伟" });
  const e2 = await insertUser(host.vdb, { name: "E2 李娜" });
  const x = await insertCustomer(host.vdb, { company: "X 华东客户", ownerId: e1, region: "华东" });
  const y = await insertCustomer(host.vdb, { company: "Y 华南客户", ownerId: e2, region: "华南" });
  const call = async (engineer: number, customer: number, received: string, steps: Partial<Record<Milestone, number>>, hold?: [number, number]) => {
    const id = await newCall(host, { customerId: customer, takenBy: engineer, engineerId: engineer, receivedAt: received });
    const at = (offset: number) => new Date(Date.parse(received) + offset).toISOString();
    for (const m of ["responded", "arrived", "workStarted"] as const) {
      if (steps[m] !== undefined) expect(await recordMilestone(host.ctx, { id, milestone: m, at: at(steps[m]!), actorId: engineer })).toEqual({ ok: true });
    }
    if (hold) {
      await startHold(host.ctx, { id, reason: "parts", note: null, at: at(hold[0]), actorId: engineer });
      await endHold(host.ctx, { id, at: at(hold[1]), actorId: engineer });
    }
    if (steps.cleared !== undefined) expect(await recordMilestone(host.ctx, { id, milestone: "cleared", at: at(steps.cleared), actorId: engineer })).toEqual({ ok: true });
    return id;
  };
  const ids = {
    c1: await call(e1, x, "2026-03-02T01:00:00.000Z", { responded: 10 * MIN, arrived: 2 * H, workStarted: 2 * H, cleared: 5 * H }),
    c2: await call(e1, x, "2026-03-05T01:00:00.000Z", { responded: 20 * MIN, arrived: 5 * H }),
    c3: await call(e1, x, "2026-03-10T01:00:00.000Z", { responded: 40 * MIN, arrived: 30 * H, workStarted: 30 * H, cleared: 56 * H }, [32 * H, 36 * H]),
    c4: await call(e1, x, "2026-03-15T01:00:00.000Z", { responded: 25 * MIN, arrived: 10 * H }),
    c5: await call(e1, x, "2026-02-28T16:30:00.000Z", { responded: 35 * MIN, arrived: 20 * H }),
    c6: await call(e1, x, "2026-03-20T01:00:00.000Z", {}),
    e2: await call(e2, y, "2026-03-03T01:00:00.000Z", { responded: 50 * MIN, arrived: 3 * H, workStarted: 3 * H, cleared: 4 * H }),
    feb: await call(e1, x, "2026-02-28T15:30:00.000Z", { responded: 5 * MIN, arrived: 1 * H }),
    april: await call(e1, x, "2026-03-31T16:30:00.000Z", {}),
  };
  return { host, e1, e2, ids };
}

describe("the SLA report of a month", () => {
  it("gives share met, median and 90th percentile per clock, by hand", async () => {
    const { host, e1 } = await fixtures();
    const r = await slaReport(host.db, null, { month: "2026-03", engineerId: e1 }, NOW);
    expect(r.calls).toBe(6);
    // Respond: [10, 20, 25, 35, 40] min decided; ≤ 30 → 3 met, 2 breached → 3/5 = 0.6; call 6 running.
    // Median = 25 min; p90: h = 4 × 0.9 = 3.6 → 35 + 0.6 × (40 − 35) = 38 min.
    expect(r.clocks.respond).toEqual({ met: 3, breached: 2, running: 1, notStarted: 0, metShare: 0.6, medianMs: 25 * MIN, p90Ms: 38 * MIN });
    // On site: [2, 5, 10, 20, 30] h; ≤ 24 → 4 met, 1 breached → 0.8. Median 10 h; p90 = 20 + 0.6 × 10 = 26 h.
    expect(r.clocks.onSite).toEqual({ met: 4, breached: 1, running: 1, notStarted: 0, metShare: 0.8, medianMs: 10 * H, p90Ms: 26 * H });
    // Clear: [3, 22] h (the 4-h hold is not counted) → both met → 1. Median 12.5 h; p90: h = 0.9 → 3 + 0.9 × 19 = 20.1 h.
    expect(r.clocks.clear).toEqual({ met: 2, breached: 0, running: 0, notStarted: 4, metShare: 1, medianMs: 12.5 * H, p90Ms: 20.1 * H });
  });

  it("groups by engineer and region and lists every breach", async () => {
    const { host, e1, e2, ids } = await fixtures();
    const r = await slaReport(host.db, null, { month: "2026-03" }, NOW);
    expect(r.calls).toBe(7);
    // Respond overall: E1's 3 met / 2 breached plus E2's 50 min breach → 3 / 6 = 0.5.
    expect(r.clocks.respond.metShare).toBe(0.5);
    expect(r.byEngineer).toEqual([
      { key: String(e1), label: "E1 张伟", calls: 6, metShare: { respond: 0.6, onSite: 0.8, clear: 1 } },
      { key: String(e2), label: "E2 李娜", calls: 1, metShare: { respond: 0, onSite: 1, clear: 1 } },
    ]);
    expect(r.byRegion.map((g) => [g.label, g.calls])).toEqual([["华东", 6], ["华南", 1]]);
    expect(r.breaches.map((b) => [b.callId, b.clock, b.overdueMs])).toEqual([
      [ids.c5, "respond", 5 * MIN],
      [ids.e2, "respond", 20 * MIN],
      [ids.c3, "respond", 10 * MIN],
      [ids.c3, "onSite", 6 * H],
    ]);
    const south = await slaReport(host.db, null, { month: "2026-03", region: "华南" }, NOW);
    expect(south.calls).toBe(1);
  });

  it("provides visits.slaSummary for the KPI plugin", async () => {
    const { host, e1, e2 } = await fixtures();
    const summary = host.ctx.services.get<(r: SlaSummaryRequest) => Promise<SlaSummary>>("visits.slaSummary")!;
    expect(await summary({ userId: e1, month: "2026-03" })).toEqual({ calls: 6, metShare: { respond: 0.6, onSite: 0.8, clear: 1 } });
    expect(await summary({ userId: e2, month: "2026-03" })).toEqual({ calls: 1, metShare: { respond: 0, onSite: 1, clear: 1 } });
    // February (Shanghai): only the call of 28 Feb 23:30 — responded in 5 min, on site in 1 h, never worked on.
    expect(await summary({ userId: e1, month: "2026-02" })).toEqual({ calls: 1, metShare: { respond: 1, onSite: 1, clear: null } });
    expect(await summary({ userId: e1, month: "2026-05" })).toEqual({ calls: 0, metShare: { respond: null, onSite: null, clear: null } });
    await expect(summary({ userId: e1, month: "March" })).rejects.toThrow(RangeError);
  });
});
