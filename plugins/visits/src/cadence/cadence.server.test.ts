import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TestSmtpServer } from "@aftercare/mail/test-smtp-server";
import { cadenceRows } from "./cadence.server";
import { DEFAULT_POLICY } from "../policy";
import { CADENCE_DIGEST_JOB } from "../lifecycle.server";
import { drainOutbox, insertCustomer, insertUser, startTestSmtpServer, testClock, visitsHost, type Db, type VisitsHost } from "../test-support/fixtures";
import type { VisitType } from "../visit/visit-types";

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

/** A visit that started at `startedAt` (UTC); `status` done unless given. */
async function visit(db: Db, customerId: number, ownerId: number, startedAt: string, opts: { type?: VisitType; status?: "done" | "planned" | "cancelled" } = {}) {
  const status = opts.status ?? "done";
  const date = new Date(Date.parse(startedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
  await db
    .insertInto("visits_visit")
    .values({
      customer_id: customerId,
      type: opts.type ?? "routine",
      status,
      owner_id: ownerId,
      planned_at: startedAt,
      started_at: status === "done" ? startedAt : null,
      ended_at: status === "done" ? startedAt : null,
      visit_date: status === "done" ? date : null,
      summary: null,
      findings: null,
      requests: null,
      parts_replaced: null,
      checklist_json: null,
      cancel_reason: null,
      source_call_id: null,
      created_by: ownerId,
      created_at: startedAt,
      updated_at: startedAt,
      closed_at: null,
    })
    .execute();
}

// Today: 10 January 2026 in Shanghai. Rule: 2 visits per 12 months, "due" within 30 days.
// The rolling period is 2025-01-10 … 2026-01-10 (both included).
const NOW = "2026-01-10T02:00:00.000Z";

async function fixtures() {
  const clock = testClock(NOW);
  const host = await visitsHost(clock);
  hosts.push(host);
  const db = host.vdb;
  const li = await insertUser(db, { name: "李娜", email: "li.na@aftercare.test" });
  const wang = await insertUser(db, { name: "Wang", email: "wang@aftercare.test", locale: "en" });
  const c = async (company: string, ownerId: number, installed: string | null = "2023-05-01") => insertCustomer(db, { company, ownerId, installed });
  const a = await c("A 准时", li);
  await visit(db, a, li, "2025-03-01T02:00:00.000Z");
  await visit(db, a, li, "2025-12-28T02:00:00.000Z");
  const b = await c("B 待拜访", li);
  await visit(db, b, li, "2025-01-20T02:00:00.000Z");
  await visit(db, b, li, "2025-12-30T02:00:00.000Z");
  const cc = await c("C 逾期", li);
  await visit(db, cc, li, "2024-12-20T02:00:00.000Z");
  await visit(db, cc, li, "2025-11-05T02:00:00.000Z");
  const d = await c("D 只有电话回访", wang);
  await visit(db, d, wang, "2025-06-01T02:00:00.000Z", { type: "phone_return" });
  await visit(db, d, wang, "2025-12-01T02:00:00.000Z", { type: "phone_return" });
  await visit(db, d, wang, "2025-12-15T02:00:00.000Z", { status: "cancelled" });
  await visit(db, d, wang, "2026-01-20T02:00:00.000Z", { status: "planned" });
  const e = await c("E 新客户", wang, "2025-08-01");
  // G: a visit at 01:30 on 10 Jan 2025 in Shanghai (17:30 UTC on the 9th) — inside the period by company date.
  const g = await c("G 时区边界", wang);
  await visit(db, g, wang, "2025-01-09T17:30:00.000Z");
  await visit(db, g, wang, "2025-07-01T02:00:00.000Z");
  return { clock, host, li, wang, ids: { a, b, c: cc, d, e, g } };
}

describe("the cadence list (every customer visited at least twice a year)", () => {
  it("classifies customers across the year boundary by hand-computed due dates", async () => {
    const { host, ids } = await fixtures();
    const rows = await cadenceRows(host.db, null, DEFAULT_POLICY, "2026-01-10");
    const by = Object.fromEntries(rows.map((r) => [r.customerId, { status: r.status, n: r.visitsInPeriod, due: r.nextDueOn, last: r.lastVisit }]));
    // A: 2nd most recent visit 2025-03-01 + 12 months = 2026-03-01, 50 days away (> 30) → ok.
    expect(by[ids.a]).toEqual({ status: "ok", n: 2, due: "2026-03-01", last: "2025-12-28" });
    // B: 2025-01-20 + 12 months = 2026-01-20, 10 days away → due.
    expect(by[ids.b]).toEqual({ status: "due", n: 2, due: "2026-01-20", last: "2025-12-30" });
    // C: 2024-12-20 + 12 months = 2025-12-20, passed → overdue; only 2025-11-05 is in the period.
    expect(by[ids.c]).toEqual({ status: "overdue", n: 1, due: "2025-12-20", last: "2025-11-05" });
    // D: phone return visits, a cancelled and a planned visit do not count; customer since 2023-05-01 → overdue since 2024-05-01.
    expect(by[ids.d]).toEqual({ status: "overdue", n: 0, due: "2024-05-01", last: null });
    // E: installed 2025-08-01, never visited: one full period from then → due by 2026-08-01.
    expect(by[ids.e]).toEqual({ status: "due", n: 0, due: "2026-08-01", last: null });
    // G: 2025-01-10 (company date) + 12 months = 2026-01-10 = today → still due, not overdue.
    expect(by[ids.g]).toEqual({ status: "due", n: 2, due: "2026-01-10", last: "2025-07-01" });
    // Overdue first, then by due date.
    expect(rows.map((r) => r.customerId)).toEqual([ids.d, ids.c, ids.g, ids.b, ids.e, ids.a]);
  });

  it("lists one owner's customers, and a scope's", async () => {
    const { host, li, wang, ids } = await fixtures();
    const mine = await cadenceRows(host.db, { kind: "users", userIds: [li] }, DEFAULT_POLICY, "2026-01-10");
    expect(mine.map((r) => r.customerId).sort()).toEqual([ids.a, ids.b, ids.c].sort());
    const wangs = await cadenceRows(host.db, null, DEFAULT_POLICY, "2026-01-10", wang);
    expect(wangs.filter((r) => r.status === "overdue").map((r) => r.company)).toEqual(["D 只有电话回访"]);
  });

  it("honours a configured count and period: once per 6 months makes A overdue", async () => {
    const { host, ids } = await fixtures();
    const rows = await cadenceRows(host.db, null, { ...DEFAULT_POLICY, visitsPerPeriod: 1, periodMonths: 6 }, "2026-01-10");
    // A's most recent visit 2025-12-28 + 6 months = 2026-06-28 → ok; C's 2025-11-05 + 6 = 2026-05-05 → ok; G's 2025-07-01 + 6 = 2026-01-01 → overdue.
    const by = Object.fromEntries(rows.map((r) => [r.customerId, r.status]));
    expect([by[ids.a], by[ids.c], by[ids.g]]).toEqual(["ok", "ok", "overdue"]);
  });

  it("mails each owner one digest of their overdue customers per month, never again on a rerun", async () => {
    const { clock, host } = await fixtures();
    await host.runJob(CADENCE_DIGEST_JOB);
    await host.runJob(CADENCE_DIGEST_JOB);
    const january = await drainOutbox(host.db, smtp);
    expect(january.map((m) => m.envelopeTo[0]).sort()).toEqual(["li.na@aftercare.test", "wang@aftercare.test"]);
    const toLi = january.find((m) => m.envelopeTo[0] === "li.na@aftercare.test")!.parsed;
    expect(toLi.subject).toBe("2026-01：1 个客户拜访已逾期");
    expect(toLi.text).toContain("C 逾期");
    expect(toLi.text).not.toContain("B 待拜访");
    const toWang = january.find((m) => m.envelopeTo[0] === "wang@aftercare.test")!.parsed;
    expect(toWang.subject).toBe("1 customer(s) overdue for a visit — 2026-01");

    // Later in January: nothing more.
    clock.set("2026-01-25T02:00:00.000Z");
    await host.runJob(CADENCE_DIGEST_JOB);
    expect(await drainOutbox(host.db, smtp)).toEqual([]);

    // February (Shanghai): 1 Feb 00:30 local = 31 Jan 16:30 UTC. B (due 2026-01-20) and G are now overdue too.
    clock.set("2026-01-31T16:30:00.000Z");
    await host.runJob(CADENCE_DIGEST_JOB);
    const february = await drainOutbox(host.db, smtp);
    expect(february.map((m) => m.parsed.subject).sort()).toEqual(["2 customer(s) overdue for a visit — 2026-02", "2026-02：2 个客户拜访已逾期"]);
  });
});
