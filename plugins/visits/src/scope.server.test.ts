import { afterEach, describe, expect, it } from "vitest";
import { viewerScope } from "./scope.server";
import { listCalls } from "./call/calls.server";
import { listVisits, saveVisit } from "./visit/visits.server";
import { slaReport } from "./report/sla-report.server";
import { cadenceRows } from "./cadence/cadence.server";
import { DEFAULT_POLICY } from "./policy";
import { insertCustomer, insertUser, newCall, testClock, viewerOf, visitsHost, type VisitsHost } from "./test-support/fixtures";

const hosts: VisitsHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const NOW = "2026-03-10T02:00:00.000Z";

/**
 * Organisation: 王经理 (manager, top) ← 刘主管 (supervisor) ← A, B;  王经理 ← 陈主管 ← C. Plus an admin.
 * Calls: A's, C's, and one B took on the hotline and nobody was dispatched to. Visits: A's, C's,
 * and a joint visit owned by C with A as a visitor.
 */
async function organisation() {
  const clock = testClock(NOW);
  const host = await visitsHost(clock);
  hosts.push(host);
  const db = host.vdb;
  const admin = await insertUser(db, { name: "Admin", role: "admin" });
  const manager = await insertUser(db, { name: "王经理", role: "manager" });
  const liu = await insertUser(db, { name: "刘主管", role: "manager", supervisorId: manager });
  const chen = await insertUser(db, { name: "陈主管", role: "manager", supervisorId: manager });
  const a = await insertUser(db, { name: "A", supervisorId: liu });
  const b = await insertUser(db, { name: "B", supervisorId: liu });
  const c = await insertUser(db, { name: "C", supervisorId: chen });
  const custA = await insertCustomer(db, { company: "客户A", ownerId: a, installed: "2024-01-01" });
  const custC = await insertCustomer(db, { company: "客户C", ownerId: c, installed: "2024-01-01" });
  const calls = {
    a: await newCall(host, { customerId: custA, takenBy: a, engineerId: a, receivedAt: "2026-03-10T01:00:00.000Z" }),
    c: await newCall(host, { customerId: custC, takenBy: c, engineerId: c, receivedAt: "2026-03-10T01:00:00.000Z" }),
    b: await newCall(host, { customerId: custA, takenBy: b, receivedAt: "2026-03-10T01:30:00.000Z" }),
  };
  const visit = async (customerId: number, actorId: number, visitorIds: number[]) => {
    const r = await saveVisit(host.ctx, {
      customerId,
      actorId,
      input: { type: "routine", status: "planned", plannedAt: "2026-03-12T01:00:00.000Z", visitorIds, equipmentIds: [], startedAt: null, endedAt: null, summary: null, findings: null, requests: null, partsReplaced: null, checklist: [], followups: [] },
    });
    return r.ok ? r.id : 0;
  };
  const visits = { a: await visit(custA, a, [a]), c: await visit(custC, c, [c]), joint: await visit(custC, c, [c, a]) };
  return { host, users: { admin, manager, liu, chen, a, b, c }, calls, visits };
}

describe("who sees what: staff their own, supervisors their team, managers all", () => {
  it("derives the scope from the reporting lines", async () => {
    const { host, users: u } = await organisation();
    const scope = async (id: number) => viewerScope(host.db, await viewerOf(host, id));
    expect(await scope(u.admin)).toEqual({ kind: "all" });
    expect(await scope(u.manager)).toEqual({ kind: "all" });
    expect(await scope(u.liu)).toEqual({ kind: "users", userIds: [u.liu, u.a, u.b] });
    expect(await scope(u.a)).toEqual({ kind: "users", userIds: [u.a] });
  });

  it("filters calls, visits, reports and the cadence list by scope", async () => {
    const { host, users: u, calls, visits } = await organisation();
    const now = host.ctx.clock().toISOString();
    const seen = async (id: number) => {
      const scope = await viewerScope(host.db, await viewerOf(host, id));
      return {
        calls: (await listCalls(host.db, scope, {}, 1, 50, now)).rows.map((r) => r.id).sort(),
        visits: (await listVisits(host.db, scope, {}, 1, 50)).rows.map((r) => r.id).sort(),
        report: (await slaReport(host.db, scope, { month: "2026-03" }, now)).calls,
        customers: (await cadenceRows(host.db, scope, DEFAULT_POLICY, "2026-03-10")).map((r) => r.company).sort(),
      };
    };
    expect(await seen(u.a)).toEqual({ calls: [calls.a], visits: [visits.a, visits.joint].sort(), report: 1, customers: ["客户A"] });
    expect(await seen(u.b)).toEqual({ calls: [calls.b], visits: [], report: 1, customers: [] });
    expect(await seen(u.liu)).toEqual({ calls: [calls.a, calls.b].sort(), visits: [visits.a, visits.joint].sort(), report: 2, customers: ["客户A"] });
    expect(await seen(u.c)).toEqual({ calls: [calls.c], visits: [visits.c, visits.joint].sort(), report: 1, customers: ["客户C"] });
    expect(await seen(u.manager)).toEqual({ calls: Object.values(calls).sort(), visits: Object.values(visits).sort(), report: 3, customers: ["客户A", "客户C"] });
    // A person filter outside the scope shows nothing rather than someone else's visits.
    const aScope = await viewerScope(host.db, await viewerOf(host, u.a));
    expect((await listVisits(host.db, aScope, { personId: u.c }, 1, 50)).rows).toEqual([]);
  });

  it("gives reports to managers and settings to admins only", async () => {
    const { host } = await organisation();
    const staff = host.permissionsFor("staff");
    const manager = host.permissionsFor("manager");
    const admin = host.permissionsFor("admin");
    expect(["visits.visits.read", "visits.visits.write", "visits.calls.read", "visits.calls.write"].every((p) => staff.has(p))).toBe(true);
    expect([staff.has("visits.reports.view"), manager.has("visits.reports.view"), admin.has("visits.reports.view")]).toEqual([false, true, true]);
    expect([staff.has("visits.settings.manage"), manager.has("visits.settings.manage"), admin.has("visits.settings.manage")]).toEqual([false, false, true]);
  });
});
