// Clock jumps around personal-link expiry (a campaign's close) and SLA deadlines of service calls:
// the server's clock stepping forward (suspend, a wrong time corrected forward) and backward
// (NTP stepping a fast clock back). The plugins' own tests cover the boundaries on a clock that
// only moves forward; these cover the jumps. Real hosts over SQLite files, a TestClock moved by hand.
import { afterEach, describe, expect, it } from "vitest";
import { testClock, type TestClock } from "@aftercare/core/test-clock";
import { closeDueCampaigns, sendDueReminders } from "@aftercare/satisfaction/campaign/campaigns.server";
import { openSurvey, saveProgress, submitResponse } from "@aftercare/satisfaction/response/survey-session.server";
import { answersFor, insertCustomers, insertUser as insertSatisfactionUser, plusDays, satisfactionHost, sentCampaign, tokenOf } from "@aftercare/satisfaction/test-support/fixtures";
import { SLA_WATCH_JOB } from "@aftercare/visits/lifecycle.server";
import { endHold, getCall, recordMilestone, startHold } from "@aftercare/visits/call/calls.server";
import { insertCustomer, insertUser, newCall, visitsHost } from "@aftercare/visits/test-support/fixtures";
import type { TestHost } from "@aftercare/core/test-host.server";
import { fingerprint } from "./support/fixture";

// These hosts are SQLite files (the fingerprints read them directly), also in a PostgreSQL run.
delete process.env.AFTERCARE_TEST_POSTGRES_URL;

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MIN = 60_000;
const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe("personal links across clock jumps (a campaign closing at C)", () => {
  const START = "2026-11-02T01:00:00.000Z";
  const CLOSES = plusDays(START, 14); // C

  async function setup(clock: TestClock) {
    const host = await satisfactionHost(clock);
    hosts.push(host);
    const manager = await insertSatisfactionUser(host.sdb, { name: "王经理", role: "manager" });
    const customers = await insertCustomers(host.sdb, ["A", "B", "C", "D"].map((n) => ({ company: `客户 ${n}`, email: `${n.toLowerCase()}@customer.example` })));
    const campaign = await sentCampaign(host, manager, START, { closesAt: CLOSES, reminderAfterDays: 3, reminderMax: 2 });
    const token = (i: number) => tokenOf(host, campaign, customers[i]);
    return { host, campaign, customers, token };
  }

  it("1 ms before C a link opens and submits; at C and after a forward jump past C it is refused, and progress saved before stays untouched", async () => {
    const clock = testClock(START);
    const { host, token } = await setup(clock);
    clock.set(at(CLOSES, -1));
    const a = await openSurvey(host.ctx, await token(0));
    expect(a).not.toBeNull();
    expect(await submitResponse(host.ctx, a!, answersFor([100, 100, 100, 100, 100]), "zh-CN")).toMatchObject({ ok: true, duplicate: false });
    // B starts the survey a minute before C (progress saved), then the clock jumps 3 days forward.
    clock.set(at(CLOSES, -MIN));
    expect(await saveProgress(host.ctx, (await openSurvey(host.ctx, await token(1)))!, { quality: 80 })).toBe(true);
    clock.set(CLOSES);
    expect(await openSurvey(host.ctx, await token(2))).toBeNull();
    clock.advanceDays(3);
    const before = fingerprint(host.dbFile);
    expect(await openSurvey(host.ctx, await token(1))).toBeNull();
    expect(await openSurvey(host.ctx, await token(2))).toBeNull();
    expect(fingerprint(host.dbFile)).toEqual(before);
  });

  it("once the close job has closed the campaign, a backward jump to before C does not open its links again", async () => {
    const clock = testClock(START);
    const { host, campaign, token } = await setup(clock);
    clock.set(at(CLOSES, 5 * MIN));
    expect(await closeDueCampaigns(host.sdb, clock.iso())).toBe(1);
    // NTP steps the clock back two days: before C again.
    clock.set(at(CLOSES, -2 * 86_400_000));
    expect(await openSurvey(host.ctx, await token(0))).toBeNull();
    expect(await closeDueCampaigns(host.sdb, clock.iso())).toBe(0);
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);
    const row = await host.sdb.selectFrom("satisfaction_campaign").select(["status", "closed_at"]).where("id", "=", campaign).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "closed", closed_at: at(CLOSES, 5 * MIN) });
  });

  it("a reminder sent before a backward jump is not sent again when the clock passes the same point twice", async () => {
    const clock = testClock(START);
    const { host, campaign } = await setup(clock);
    // Day 3 + 1 h: the first reminder to all four (none answered).
    clock.set(plusDays(START, 3 + 1 / 24));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(4);
    // The clock steps back a day and runs forward over day 3 again.
    clock.set(plusDays(START, 2 + 1 / 24));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);
    clock.set(plusDays(START, 3 + 2 / 24));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);
    // The second reminder waits 3 days after the first one as sent (day 6 + 1 h), not after the jump.
    clock.set(plusDays(START, 6));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(0);
    clock.set(plusDays(START, 6 + 1 / 24));
    expect(await sendDueReminders(host.ctx, clock.now())).toBe(4);
    const keys = (await (host.db as any).selectFrom("mail_outbox").select("idempotency_key").execute()).map((r: { idempotency_key: string }) => r.idempotency_key);
    expect(keys.filter((k: string) => k.includes(":reminder-1:"))).toHaveLength(4);
    expect(keys.filter((k: string) => k.includes(":reminder-2:"))).toHaveLength(4);
    expect(keys.filter((k: string) => k.startsWith(`satisfaction:${campaign}:`))).toHaveLength(12);
  });
});

describe("SLA deadlines across clock jumps (response due 30 min after the call, warning at 24 min)", () => {
  const RECEIVED = "2026-03-02T01:00:00.000Z"; // 09:00 in Shanghai

  async function setup() {
    const clock = testClock(RECEIVED);
    const host = await visitsHost(clock);
    hosts.push(host);
    const lead = await insertUser(host.vdb, { name: "刘主管", email: "lead@aftercare.test", role: "manager" });
    const engineer = await insertUser(host.vdb, { name: "Sun Min", email: "sun@aftercare.test", supervisorId: lead, locale: "en" });
    const customer = await insertCustomer(host.vdb, { company: "Pacific Feed Co.", ownerId: engineer });
    const call = await newCall(host, { customerId: customer, takenBy: engineer, receivedAt: RECEIVED, engineerId: engineer });
    const notices = async () => (await host.vdb.selectFrom("visits_sla_notice").select(["clock", "kind", "sent_at"]).where("call_id", "=", call).orderBy("sent_at").execute()).map((n) => `${n.clock}:${n.kind}@${n.sent_at.slice(11, 16)}`);
    const mails = async () => (await (host.db as any).selectFrom("mail_outbox").select("idempotency_key").orderBy("idempotency_key").execute()).map((r: { idempotency_key: string }) => r.idempotency_key);
    return { clock, host, engineer, call, notices, mails };
  }

  it("a warning and a breach notice are sent once each when the clock steps back over the warning point and the deadline and runs forward again", async () => {
    const { clock, host, call, notices, mails } = await setup();
    clock.set(at(RECEIVED, 25 * MIN));
    await host.runJob(SLA_WATCH_JOB);
    expect(await notices()).toEqual(["respond:warning@01:25"]);
    // Back to 10 min: the clock reads 10 min used, 20 left; nothing is sent, nothing withdrawn.
    clock.set(at(RECEIVED, 10 * MIN));
    expect((await getCall(host.db, call, clock.iso()))!.clocks.respond).toMatchObject({ state: "running", elapsedMs: 10 * MIN, remainingMs: 20 * MIN, warning: false });
    await host.runJob(SLA_WATCH_JOB);
    // Forward over the warning point again, then past the deadline, then back before it, then past it again.
    for (const m of [26, 31, 20, 45]) {
      clock.set(at(RECEIVED, m * MIN));
      await host.runJob(SLA_WATCH_JOB);
    }
    expect(await notices()).toEqual(["respond:warning@01:25", "respond:breach@01:31"]);
    expect(await mails()).toEqual([
      `visits:sla:${call}:respond:breach:1`,
      `visits:sla:${call}:respond:breach:2`,
      `visits:sla:${call}:respond:warning:1`,
      `visits:sla:${call}:respond:warning:2`,
    ]);
  });

  it("a forward jump straight past the deadline sends the breach notice only (no late warning)", async () => {
    const { clock, host, notices } = await setup();
    clock.set(at(RECEIVED, 20 * MIN));
    await host.runJob(SLA_WATCH_JOB);
    clock.set(at(RECEIVED, 6 * 60 * MIN)); // the server was suspended for almost six hours
    await host.runJob(SLA_WATCH_JOB);
    expect(await notices()).toEqual(["respond:breach@07:00"]);
  });

  it("stepped back to before the call was received: its clocks read not started, and a milestone stamped with the stepped-back time is refused", async () => {
    const { clock, host, engineer, call, notices } = await setup();
    clock.set(at(RECEIVED, -10 * MIN));
    const c = (await getCall(host.db, call, clock.iso()))!;
    expect(c.clocks.respond.state).toBe("not-started");
    expect(c.clocks.onSite.state).toBe("not-started");
    await host.runJob(SLA_WATCH_JOB);
    expect(await notices()).toEqual([]);
    const before = fingerprint(host.dbFile);
    expect(await recordMilestone(host.ctx, { id: call, milestone: "responded", at: clock.iso(), actorId: engineer })).toEqual({ ok: false, key: "visits.error.beforePrevious" });
    expect(fingerprint(host.dbFile)).toEqual(before);
    // Once the clock is right again the engineer records the response; 12 min → met.
    clock.set(at(RECEIVED, 12 * MIN));
    expect(await recordMilestone(host.ctx, { id: call, milestone: "responded", at: clock.iso(), actorId: engineer })).toEqual({ ok: true });
    expect((await getCall(host.db, call, clock.iso()))!.clocks.respond).toMatchObject({ state: "met", elapsedMs: 12 * MIN });
  });

  it("a hold that ends at a stepped-back time before its start is refused; the clock stays stopped and reads sanely", async () => {
    const { clock, host, engineer, call, notices } = await setup();
    clock.set(at(RECEIVED, 20 * MIN));
    expect(await startHold(host.ctx, { id: call, reason: "customer", note: null, at: clock.iso(), actorId: engineer })).toEqual({ ok: true });
    clock.set(at(RECEIVED, 15 * MIN)); // stepped back 5 min, inside the hold's past
    expect(await endHold(host.ctx, { id: call, at: clock.iso(), actorId: engineer })).toEqual({ ok: false, key: "visits.error.beforePrevious" });
    const read = (await getCall(host.db, call, clock.iso()))!.clocks.respond;
    expect(read.elapsedMs).toBe(15 * MIN);
    expect(read.state).toBe("running");
    // Two hours later (right clock) still on hold: 20 min used, no warning (24 min) and no breach.
    clock.set(at(RECEIVED, 140 * MIN));
    await host.runJob(SLA_WATCH_JOB);
    expect(await notices()).toEqual([]);
    expect((await getCall(host.db, call, clock.iso()))!.clocks.respond).toMatchObject({ state: "running", elapsedMs: 20 * MIN, paused: true });
  });
});
