import { afterEach, describe, expect, it } from "vitest";
import { closeCall, dispatchCall, endHold, getCall, recordMilestone, startHold } from "./calls.server";
import { insertCustomer, insertUser, newCall, testClock, visitsHost, type VisitsHost } from "../test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MIN = 60_000;
const H = 60 * MIN;

async function setup(startIso: string) {
  const clock = testClock(startIso);
  const host = await visitsHost(clock);
  hosts.push(host);
  const engineer = await insertUser(host.vdb, { name: "张伟" });
  const customer = await insertCustomer(host.vdb, { company: "上海饲料有限公司", ownerId: engineer });
  return { clock, host, engineer, customer };
}

describe("SLA clocks of a service call (defaults: 30 min / 24 h / 24 h, warn at 80 %)", () => {
  it("a response at exactly 30 minutes is met; one millisecond later an unanswered call is breached", async () => {
    const { clock, host, engineer, customer } = await setup("2026-03-02T01:00:00.000Z");
    const met = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: "2026-03-02T01:00:00.000Z" });
    const late = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: "2026-03-02T01:00:00.000Z" });
    clock.set("2026-03-02T01:30:00.000Z");
    expect(await recordMilestone(host.ctx, { id: met, milestone: "responded", at: "2026-03-02T01:30:00.000Z", actorId: engineer })).toEqual({ ok: true });
    const atLimit = (await getCall(host.db, late, clock.iso()))!.clocks.respond;
    // 30 min elapsed of 30: still within the allowance, 0 left, and past the 24-min warning point.
    expect(atLimit).toMatchObject({ state: "running", elapsedMs: 30 * MIN, remainingMs: 0, warning: true });
    expect((await getCall(host.db, met, clock.iso()))!.clocks.respond).toMatchObject({ state: "met", elapsedMs: 30 * MIN, overdueMs: 0 });

    clock.set("2026-03-02T01:30:00.001Z");
    expect((await getCall(host.db, late, clock.iso()))!.clocks.respond).toMatchObject({ state: "breached", overdueMs: 1 });
    expect((await getCall(host.db, met, clock.iso()))!.clocks.respond.state).toBe("met");
  });

  it("runs across midnight (company time, UTC+8) like any other time", async () => {
    // Received 23:50 on 1 March in Shanghai = 15:50 UTC; responded 00:15 on 2 March = 25 min → met.
    const { clock, host, engineer, customer } = await setup("2026-03-01T15:50:00.000Z");
    const id = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: "2026-03-01T15:50:00.000Z", engineerId: engineer });
    clock.set("2026-03-02T16:00:00.000Z");
    await recordMilestone(host.ctx, { id, milestone: "responded", at: "2026-03-01T16:15:00.000Z", actorId: engineer });
    // Arrived 23:40 on 2 March (15:40 UTC): 23 h 50 min after receipt → on site met (≤ 24 h).
    await recordMilestone(host.ctx, { id, milestone: "arrived", at: "2026-03-02T15:40:00.000Z", actorId: engineer });
    // Work started 23:50, still running at 00:00 on 3 March (16:00 UTC): 10 min of 24 h.
    await recordMilestone(host.ctx, { id, milestone: "workStarted", at: "2026-03-02T15:50:00.000Z", actorId: engineer });
    const c = (await getCall(host.db, id, clock.iso()))!.clocks;
    expect(c.respond).toMatchObject({ state: "met", elapsedMs: 25 * MIN });
    expect(c.onSite).toMatchObject({ state: "met", elapsedMs: 23 * H + 50 * MIN, warning: true });
    expect(c.clear).toMatchObject({ state: "running", elapsedMs: 10 * MIN, remainingMs: 23 * H + 50 * MIN, dueAt: "2026-03-03T15:50:00.000Z" });
  });

  it("stops every clock while on hold: on hold at the moment it would have breached, it is not breached", async () => {
    const { clock, host, engineer, customer } = await setup("2026-03-02T01:00:00.000Z");
    const id = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: "2026-03-02T01:00:00.000Z" });
    // Put on hold at 20 min (waiting for the customer), still on hold at 45 min — past the 30-min limit.
    clock.set("2026-03-02T01:20:00.000Z");
    expect(await startHold(host.ctx, { id, reason: "customer", note: "客户要求下午再联系", at: clock.iso(), actorId: engineer })).toEqual({ ok: true });
    clock.set("2026-03-02T01:45:00.000Z");
    let c = (await getCall(host.db, id, clock.iso()))!;
    expect(c.clocks.respond).toMatchObject({ state: "running", elapsedMs: 20 * MIN, remainingMs: 10 * MIN, paused: true, dueAt: null });
    expect(c.clocks.onSite).toMatchObject({ state: "running", elapsedMs: 20 * MIN, paused: true });
    // Hold ends at 01:50 (30 min held); at 02:02 the clock shows 20 + 12 = 32 min → breached by 2.
    clock.set("2026-03-02T01:50:00.000Z");
    expect(await endHold(host.ctx, { id, at: clock.iso(), actorId: engineer })).toEqual({ ok: true });
    clock.set("2026-03-02T02:02:00.000Z");
    c = (await getCall(host.db, id, clock.iso()))!;
    expect(c.clocks.respond).toMatchObject({ state: "breached", elapsedMs: 32 * MIN, overdueMs: 2 * MIN, paused: false });
    expect(c.holds).toHaveLength(1);
    expect(c.holds[0]).toMatchObject({ reason: "customer", start_at: "2026-03-02T01:20:00.000Z", end_at: "2026-03-02T01:50:00.000Z" });
  });

  it("excludes a hold for parts from the clearance clock: 30 h of work with 8 h waiting is 22 h → met", async () => {
    const { clock, host, engineer, customer } = await setup("2026-03-05T00:00:00.000Z");
    const received = Date.parse("2026-03-02T00:00:00.000Z");
    const at = (h: number) => new Date(received + h * H).toISOString();
    const id = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: at(0), engineerId: engineer });
    await recordMilestone(host.ctx, { id, milestone: "responded", at: at(0.1), actorId: engineer });
    await recordMilestone(host.ctx, { id, milestone: "arrived", at: at(6), actorId: engineer });
    await recordMilestone(host.ctx, { id, milestone: "workStarted", at: at(6.5), actorId: engineer });
    await startHold(host.ctx, { id, reason: "parts", note: null, at: at(10), actorId: engineer });
    await endHold(host.ctx, { id, at: at(18), actorId: engineer });
    await recordMilestone(host.ctx, { id, milestone: "cleared", at: at(36.5), actorId: engineer });
    const c = (await getCall(host.db, id, clock.iso()))!.clocks;
    expect(c.clear).toMatchObject({ state: "met", elapsedMs: 22 * H });
    // The on-site clock stopped at 6 h, before the hold: it is not affected.
    expect(c.onSite).toMatchObject({ state: "met", elapsedMs: 6 * H });
  });

  it("keeps milestones in order, once each, never in the future", async () => {
    const { clock, host, engineer, customer } = await setup("2026-03-02T02:00:00.000Z");
    const id = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: "2026-03-02T01:00:00.000Z" });
    const rec = (milestone: "responded" | "arrived" | "workStarted" | "cleared", at: string) => recordMilestone(host.ctx, { id, milestone, at, actorId: engineer });
    expect(await rec("responded", "2026-03-02T00:59:00.000Z")).toEqual({ ok: false, key: "visits.error.beforePrevious" });
    expect(await rec("responded", "2026-03-02T03:00:00.000Z")).toEqual({ ok: false, key: "visits.error.future" });
    expect(await rec("workStarted", "2026-03-02T01:30:00.000Z")).toEqual({ ok: false, key: "visits.error.needArrived" });
    // Arriving first also records the response at that moment.
    expect(await rec("arrived", "2026-03-02T01:40:00.000Z")).toEqual({ ok: true });
    expect(await rec("arrived", "2026-03-02T01:45:00.000Z")).toEqual({ ok: false, key: "visits.error.alreadyRecorded" });
    const c = (await getCall(host.db, id, clock.iso()))!;
    expect(c.responded_at).toBe("2026-03-02T01:40:00.000Z");
    expect(c.clocks.respond).toMatchObject({ state: "breached", elapsedMs: 40 * MIN });
    expect(await closeCall(host.ctx, { id, at: clock.iso(), resolution: "x", actorId: engineer })).toEqual({ ok: false, key: "visits.error.needCleared" });
    expect(await dispatchCall(host.ctx, { id, engineerId: engineer, actorId: engineer })).toEqual({ ok: true });
  });
});
