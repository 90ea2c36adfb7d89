import { afterEach, describe, expect, it } from "vitest";
import { countRows, insertCustomers, satisfactionHost, testClock } from "../test-support/fixtures";
import { quarterOf } from "./post-service.server";

describe("quarterOf (company time, UTC+8)", () => {
  it.each([
    // 2026-12-31 17:00 UTC is 2027-01-01 01:00 in China: already Q1 of 2027.
    ["2026-12-31T17:00:00.000Z", "2027-Q1", "2026-12-31T16:00:00.000Z", "2027-03-31T16:00:00.000Z"],
    // 2026-12-31 15:59 UTC is 23:59 in China: still Q4.
    ["2026-12-31T15:59:00.000Z", "2026-Q4", "2026-09-30T16:00:00.000Z", "2026-12-31T16:00:00.000Z"],
    ["2026-05-04T02:00:00.000Z", "2026-Q2", "2026-03-31T16:00:00.000Z", "2026-06-30T16:00:00.000Z"],
  ])("%s falls in %s", (at, key, start, end) => {
    expect(quarterOf(new Date(at))).toEqual({ key, start, end });
  });
});

describe("a short survey after a closed service call", () => {
  let host: Awaited<ReturnType<typeof satisfactionHost>>;
  afterEach(() => host?.destroy());

  it("mails the customer once a quarter, in a standing post-service campaign, and skips opted-out customers", async () => {
    const clock = testClock("2026-11-20T02:00:00.000Z");
    host = await satisfactionHost(clock);
    const [a, optedOut, noEmail] = await insertCustomers(host.sdb, [
      { company: "A 公司", email: "a@example.com" },
      { company: "B", email: "b@example.com", optedOut: true },
      { company: "C", email: null },
    ]);
    // The event the visits plugin emits when a call is closed; the host wires the plugin's handler.
    await host.ctx.events.emit("visits.servicecall.closed", { callId: 1, customerId: a, engineerId: null, closedAt: clock.iso() });
    await host.ctx.events.emit("visits.servicecall.closed", { callId: 2, customerId: optedOut, engineerId: null, closedAt: clock.iso() });
    await host.ctx.events.emit("visits.servicecall.closed", { callId: 3, customerId: noEmail, engineerId: null, closedAt: clock.iso() });
    const campaigns = await host.sdb.selectFrom("satisfaction_campaign").select(["period", "status", "in_scope"]).execute();
    expect(campaigns).toEqual([{ period: "post-service-2026-Q4", status: "open", in_scope: 1 }]);
    const mails = await host.sdb.selectFrom("mail_outbox" as never).select(["to_addr" as never, "text" as never]).execute() as unknown as { to_addr: string; text: string }[];
    expect(mails.map((m) => m.to_addr)).toEqual(["a@example.com"]);
    expect(mails[0].text).toMatch(/http:\/\/aftercare\.test\/satisfaction\/s\/[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}/);

    // A second call for the same customer in the same quarter asks nothing more.
    clock.advanceDays(5);
    await host.ctx.events.emit("visits.servicecall.closed", { callId: 4, customerId: a, engineerId: null, closedAt: clock.iso() });
    expect(await countRows(host.db, "mail_outbox")).toBe(1);

    // Next quarter (2027-01-10): a new standing campaign and a new survey.
    clock.set("2027-01-10T02:00:00.000Z");
    await host.ctx.events.emit("visits.servicecall.closed", { callId: 5, customerId: a, engineerId: null, closedAt: clock.iso() });
    expect(await countRows(host.db, "mail_outbox")).toBe(2);
    const periods = (await host.sdb.selectFrom("satisfaction_campaign").select("period").orderBy("id").execute()).map((c) => c.period);
    expect(periods).toEqual(["post-service-2026-Q4", "post-service-2027-Q1"]);
  });

  it("ignores payloads that are not a closed call", async () => {
    host = await satisfactionHost(testClock("2026-11-20T02:00:00.000Z"));
    await host.ctx.events.emit("visits.servicecall.closed", { callId: "x" });
    expect(await countRows(host.db, "satisfaction_campaign")).toBe(0);
  });
});
