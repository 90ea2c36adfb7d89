import { afterEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { insertPerson, kpiHost, tx, type Db, type Person } from "../test-support/fixtures";
import { saveScores, startMonth } from "../sheet/sheets.server";
import { monthHealth, pulledDown } from "./health.server";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MONTH = "2026-11";
const NOW = "2026-12-01T02:00:00.000Z";

/** A field team of `scores.length` engineers under one supervisor, each scored [compliance, fault, communication, feedback]. */
async function fieldTeam(scores: [number, number, number, number][]): Promise<{ db: Db; manager: Person }> {
  const host = await kpiHost();
  hosts.push(host);
  const db = host.kdb;
  const manager = await insertPerson(db, { name: "Manager", role: "manager" });
  const sup = await insertPerson(db, { name: "Supervisor", role: "manager", supervisor: manager });
  const people: Person[] = [];
  for (let i = 0; i < scores.length; i++) people.push(await insertPerson(db, { name: `Engineer ${i + 1}`, role: "staff", kind: "field", supervisor: sup }));
  await tx(db, (trx) => startMonth(trx, { month: MONTH, supervisor: sup, now: NOW }));
  for (const [i, p] of people.entries()) {
    const sheet = await db.selectFrom("kpi_sheet").select("id").where("employee_id", "=", p.id).executeTakeFirstOrThrow();
    const [c, f, m, fb] = scores[i];
    const r = await tx(db, (trx) => saveScores(trx, { id: sheet.id, actor: sup, permissions: sup.permissions, input: { scores: { compliance: c, "fault-response": f, "customer-communication": m, "information-feedback": fb }, completions: {}, note: null }, now: NOW }));
    if (!r.ok) throw new Error(r.key);
  }
  return { db, manager };
}

// Low scores: fault response 5/10 drags them down. 9/5/8/8 → 27 + 15 + 16 + 16 = 74 → C, KPI 0.8.
const LOW: [number, number, number, number] = [9, 5, 8, 8];
// 9/9/9/9 → 90 → A, KPI 1.5.
const HIGH: [number, number, number, number] = [9, 9, 9, 9];

describe("scheme health: the 80 % rule", () => {
  it("flags the scheme when 4 of 5 employees (80 %) are below 1, naming fault response", async () => {
    const { db, manager } = await fieldTeam([LOW, LOW, LOW, LOW, HIGH]);
    const [report] = await monthHealth(db, MONTH, manager);
    expect(report.health).toMatchObject({ employees: 5, belowOne: 4, shareBelowOne: 0.8, unreasonable: true });
    // mean ratios: compliance 0.9, fault (4 × 0.5 + 0.9) / 5 = 0.58, communication 0.82, feedback 0.82; mean 0.78
    expect(report.pulledDown.map((p) => p.indicator)).toEqual(["fault-response"]);
    expect(report.pulledDown[0].meanRatio).toBeCloseTo(0.58, 10);
    expect(report.buckets.map((b) => b.count)).toEqual([0, 4, 0, 0, 1, 0]);
  });

  it("does not flag it at 3 of 5 (60 %) nor at 7 of 9 (77.8 %, just below 80 %)", async () => {
    const { db, manager } = await fieldTeam([LOW, LOW, LOW, HIGH, HIGH]);
    expect((await monthHealth(db, MONTH, manager))[0].health).toMatchObject({ belowOne: 3, unreasonable: false });
    const nine = await fieldTeam([LOW, LOW, LOW, LOW, LOW, LOW, LOW, HIGH, HIGH]);
    expect((await monthHealth(nine.db, MONTH, nine.manager))[0].health).toMatchObject({ employees: 9, belowOne: 7, unreasonable: false });
  });

  it("names at least the lowest indicator even when all are alike", () => {
    expect(pulledDown([{ indicator: "a", meanRatio: 0.7 }, { indicator: "b", meanRatio: 0.7 }])).toEqual([{ indicator: "a", meanRatio: 0.7 }]);
    expect(pulledDown([{ indicator: "a", meanRatio: null }])).toEqual([]);
  });
});
