import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { definePlugin } from "@aftercare/plugin-api";
import type { TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { closeCall, recordMilestone, SERVICECALL_CLOSED, type ServiceCallClosedEvent } from "./calls.server";
import { customerHistory, type SatisfactionHistoryEntry } from "../history/customer-history.server";
import { saveSettings } from "../policy.server";
import { DEFAULT_CHECKLISTS, DEFAULT_POLICY } from "../policy";
import { drainOutbox, insertCustomer, insertUser, newCall, startTestSmtpServer, testClock, visitsHost, type TestClock, type VisitsHost } from "../test-support/fixtures";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startTestSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});
const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const RECEIVED = "2026-03-02T01:00:00.000Z";

/** A call taken by the hotline, handled by the engineer, cleared; returns ids. */
async function clearedCall(host: VisitsHost, clock: TestClock, ownerId: number | null) {
  const hotline = await insertUser(host.vdb, { name: "周杰" });
  const engineer = await insertUser(host.vdb, { name: "张伟", email: `engineer${Math.random()}@aftercare.test` });
  const customer = await insertCustomer(host.vdb, { company: "南京食品有限公司05", ownerId });
  const id = await newCall(host, { customerId: customer, takenBy: hotline, engineerId: engineer, receivedAt: RECEIVED });
  clock.set("2026-03-02T09:00:00.000Z");
  for (const [milestone, at] of [["responded", "2026-03-02T01:10:00.000Z"], ["arrived", "2026-03-02T04:00:00.000Z"], ["workStarted", "2026-03-02T04:10:00.000Z"], ["cleared", "2026-03-02T06:00:00.000Z"]] as const) {
    expect(await recordMilestone(host.ctx, { id, milestone, at, actorId: engineer })).toEqual({ ok: true });
  }
  return { id, customer, engineer, hotline };
}

describe("closing a service call", () => {
  it("schedules a phone return visit for the customer's owner 7 days later, mails the owner and emits the event — without the satisfaction plugin", async () => {
    const clock = testClock(RECEIVED);
    const host = await visitsHost(clock);
    hosts.push(host);
    const events: ServiceCallClosedEvent[] = [];
    host.ctx.events.on(SERVICECALL_CLOSED, (p) => void events.push(p as ServiceCallClosedEvent));
    const owner = await insertUser(host.vdb, { name: "Li Na", email: "owner@aftercare.test", locale: "en" });
    const { id, customer, engineer } = await clearedCall(host, clock, owner);

    expect(await closeCall(host.ctx, { id, at: "2026-03-02T08:00:00.000Z", resolution: "更换轴承后试机正常", actorId: engineer })).toEqual({ ok: true });
    const visit = await host.vdb.selectFrom("visits_visit").selectAll().where("source_call_id", "=", id).executeTakeFirstOrThrow();
    // Closed 08:00 UTC on 2 March + 7 days = 08:00 UTC on 9 March.
    expect(visit).toMatchObject({ type: "phone_return", status: "planned", owner_id: owner, customer_id: customer, planned_at: "2026-03-09T08:00:00.000Z" });
    expect(events).toEqual([{ callId: id, customerId: customer, engineerId: engineer, closedAt: "2026-03-02T08:00:00.000Z", returnVisitId: visit.id, returnVisitOwnerId: owner }]);
    const [mail] = await drainOutbox(host.db, smtp);
    expect(mail.envelopeTo).toEqual(["owner@aftercare.test"]);
    expect(mail.parsed.subject).toBe(`Return visit: call 南京食品有限公司05 about service call #${id} on 2026-03-09`);
    expect(mail.parsed.text).toContain(`http://aftercare.test/visits/${visit.id}`);
    // Closing twice does nothing more.
    expect(await closeCall(host.ctx, { id, at: "2026-03-02T08:30:00.000Z", resolution: "x", actorId: engineer })).toEqual({ ok: false, key: "visits.error.callClosed" });
    expect(events).toHaveLength(1);

    // The customer's history without the satisfaction plugin: visits and calls, newest first, no survey section.
    const history = await customerHistory(host.ctx, customer);
    expect(history.surveysAvailable).toBe(false);
    expect(history.entries.map((e) => e.kind)).toEqual(["visit", "call"]);
  });

  it("uses the configured number of days, and the engineer when the customer has no owner", async () => {
    const clock = testClock(RECEIVED);
    const host = await visitsHost(clock);
    hosts.push(host);
    const admin = await insertUser(host.vdb, { name: "Admin", role: "admin" });
    await saveSettings(host.ctx, { policy: { ...DEFAULT_POLICY, returnVisitDays: 3 }, checklists: DEFAULT_CHECKLISTS, actorId: admin });
    const { id, engineer } = await clearedCall(host, clock, null);
    await closeCall(host.ctx, { id, at: "2026-03-02T08:00:00.000Z", resolution: "ok", actorId: engineer });
    const visit = await host.vdb.selectFrom("visits_visit").selectAll().where("source_call_id", "=", id).executeTakeFirstOrThrow();
    expect(visit).toMatchObject({ owner_id: engineer, planned_at: "2026-03-05T08:00:00.000Z" });
    await drainOutbox(host.db, smtp);
  });

  it("lets another plugin answer the event and add survey results to the history through services only", async () => {
    const received: unknown[] = [];
    const surveys: SatisfactionHistoryEntry[] = [
      { at: "2026-03-03T02:00:00.000Z", title: "售后服务回访问卷", score: 92.5, href: "/satisfaction/campaigns/1/report" },
      { at: "2025-05-20T02:00:00.000Z", title: "2025 年 5 月满意度调查", score: 81 },
    ];
    const stub = definePlugin({
      id: "history-stub",
      packageName: "@aftercare/history-stub",
      titleKey: "stub.title",
      locales: { en: {}, "zh-CN": {} },
      on: { [SERVICECALL_CLOSED]: (_ctx, payload) => void received.push(payload) },
      init(ctx) {
        ctx.services.provide("satisfaction.customerHistory", async ({ customerId }: { customerId: number }) => (customerId > 0 ? [...surveys, { nonsense: true }] : []));
      },
    });
    const clock = testClock(RECEIVED);
    const host = await visitsHost(clock, [stub]);
    hosts.push(host);
    const owner = await insertUser(host.vdb, { name: "李娜", email: "li@aftercare.test" });
    const { id, customer, engineer } = await clearedCall(host, clock, owner);
    await closeCall(host.ctx, { id, at: "2026-03-02T08:00:00.000Z", resolution: "ok", actorId: engineer });
    expect(received).toMatchObject([{ callId: id, customerId: customer }]);
    const history = await customerHistory(host.ctx, customer);
    expect(history.surveysAvailable).toBe(true);
    // Newest first: return visit (9 Mar), survey (3 Mar), call (2 Mar), old survey (May 2025); the malformed entry is skipped.
    expect(history.entries.map((e) => e.kind)).toEqual(["visit", "survey", "call", "survey"]);
    expect(history.entries[1]).toEqual({ kind: "survey", at: "2026-03-03T02:00:00.000Z", title: "售后服务回访问卷", score: 92.5, detail: null, href: "/satisfaction/campaigns/1/report" });
    await drainOutbox(host.db, smtp);
  });
});
