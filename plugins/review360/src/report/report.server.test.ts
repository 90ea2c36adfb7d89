import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MIN_RATERS } from "@aftercare/scoring";
import { closeCycle } from "../cycle/cycles.server";
import { assignCustomers, assignStaff } from "../raters/assignments.server";
import { answersFor, insertCustomers, openedCycle, review360Host, revieweeOf, submitAsCustomer, submitAsStaff, team, type Host360 } from "../test-support/fixtures";
import { revieweeReport, teamHeatmap, type RevieweeReport } from "./report.server";
import { cycleCsv } from "./export.server";
import { createTranslator } from "@aftercare/i18n";
import { en } from "../locales/en";

const hosts: Host360[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const PEER_SECRET = "PEER-SECRET 只有两位同事写的评语";

/**
 * The fixture of every case below (1–5 scale, default weights and minimums):
 *   self:        communication 5, interpersonal 4, business 2
 *   supervisor:  communication 4, interpersonal 4, business 3              (1 rater ≥ 1: visible)
 *   peers ×2:    1 everywhere, with a comment                              (2 < 3: hidden)
 *   customers:   communication 2 / 3 / 4, interpersonal 4, business 5      (3 ≥ 3: visible)
 */
async function scenario(options: { customers?: number } = {}) {
  const h = await review360Host();
  hosts.push(h);
  const t = await team(h.rdb);
  const cycleId = await openedCycle(h, t.manager, [t.reviewee]);
  const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
  const peers = t.others.slice(0, 2);
  expect(await assignStaff(h.rdb, rid, "peers", peers, h.now.iso)).toEqual({ ok: true, count: 2 });
  const customers = await insertCustomers(h.rdb, [
    { company: "上海精密机械有限公司", email: "c1@example.com" },
    { company: "苏州饲料有限公司", email: "c2@example.com" },
    { company: "杭州新材料有限公司", email: "c3@example.com" },
  ]);
  expect(await assignCustomers(h.ctx, rid, customers)).toEqual({ ok: true, count: 3 });

  await submitAsStaff(h, rid, t.reviewee, answersFor({ communication: 5, interpersonal: 4, business: 2 }, { strengths: "我响应很快。", improve: "报告要写得更细。" }));
  await submitAsStaff(h, rid, t.supervisor, answersFor({ communication: 4, interpersonal: 4, business: 3 }, { strengths: "技术扎实。处理故障一次到位！" }));
  for (const p of peers) await submitAsStaff(h, rid, p, answersFor(1, { improve: PEER_SECRET }));
  const customerComm = [2, 3, 4];
  for (const [i, c] of customers.slice(0, options.customers ?? 3).entries()) {
    await submitAsCustomer(h, rid, c, answersFor({ communication: customerComm[i], interpersonal: 4, business: 5 }, { strengths: "服务态度好。" }));
  }
  expect(await closeCycle(h.rdb, cycleId, h.now.iso)).toBe(true);
  return { h, t, cycleId, rid };
}

async function ready(h: Host360, rid: number): Promise<RevieweeReport> {
  const report = await revieweeReport(h.rdb, rid);
  if (!report || report.state !== "ready") throw new Error("report not ready");
  return report;
}

const byId = <T extends { id: string }>(rows: readonly T[], id: string) => rows.find((r) => r.id === id)!;

describe("the 360 report", () => {
  it("shows group means only for groups at their minimum and redistributes the hidden group's weight", async () => {
    const { h, rid } = await scenario();
    const r = await ready(h, rid);
    expect(r.participation).toEqual([
      { group: "self", status: "visible", raters: 1, weight: 0 },
      // Visible weighted groups supervisor 0.3 and customers 0.3: each 0.3 / 0.6 = 0.5.
      { group: "supervisor", status: "visible", raters: 1, weight: 0.5 },
      { group: "peers", status: "hidden" },
      { group: "subordinates", status: "absent" },
      { group: "customers", status: "visible", raters: 3, weight: 0.5 },
    ]);
    const comm = byId(r.competencies, "communication");
    // customers' communication mean (2 + 3 + 4) / 3 = 3; others = 0.5 × 4 + 0.5 × 3 = 3.5.
    expect(comm.groups.map((g) => [g.group, g.mean])).toEqual([["self", 5], ["supervisor", 4], ["customers", 3]]);
    expect(comm.others).toBeCloseTo(3.5, 10);
    expect(byId(r.competencies, "interpersonal").others).toBeCloseTo(4, 10); // 0.5 × 4 + 0.5 × 4
    expect(byId(r.competencies, "business").others).toBeCloseTo(4, 10); // 0.5 × 3 + 0.5 × 5
    // overall = 0.5 × mean(4, 4, 3) + 0.5 × mean(3, 4, 5) = 0.5 × 11/3 + 0.5 × 4 = 3.8333…
    expect(r.overall).toBeCloseTo(23 / 6, 10);
  });

  it("never folds a hidden group into others (2 peers rating 1 would pull communication to 2.67)", async () => {
    const { h, rid } = await scenario();
    const r = await ready(h, rid);
    // Folded with weight 0.3: (0.3 × 4 + 0.3 × 1 + 0.3 × 3) / 0.9 = 2.67. Not folded: 3.5.
    expect(byId(r.competencies, "communication").others).toBeCloseTo(3.5, 10);
    for (const row of [...r.competencies, ...r.items]) expect(row.groups.map((g) => g.group)).not.toContain("peers");
  });

  it("computes self-vs-others gaps, blind spots and hidden strengths (limit ⅓ × 4 = 1.33)", async () => {
    const { h, rid } = await scenario();
    const r = await ready(h, rid);
    // communication: 5 − 3.5 = +1.5 > 1.33 → blind spot; interpersonal 4 − 4 = 0; business 2 − 4 = −2 → hidden strength.
    expect(r.competencies.map((c) => [c.id, c.self, c.gap, c.gapKind])).toEqual([
      ["communication", 5, 1.5, "blind-spot"],
      ["interpersonal", 4, 0, "aligned"],
      ["business", 2, -2, "hidden-strength"],
    ]);
  });

  it("reports per item the spread of each group and of others", async () => {
    const { h, rid } = await scenario();
    const item = byId((await ready(h, rid)).items, "communication_1");
    // customers 2, 3, 4: mean 3, population SD √(2/3) = 0.8165.
    const customers = item.groups.find((g) => g.group === "customers")!;
    expect(customers.mean).toBe(3);
    expect(customers.spread).toBeCloseTo(Math.sqrt(2 / 3), 10);
    // others' scores 4 (supervisor), 2, 3, 4: mean 3.25, variance 45/4 − 3.25² = 0.6875.
    expect(item.othersSpread).toBeCloseTo(Math.sqrt(0.6875), 10);
    expect(item.groups.find((g) => g.group === "supervisor")!.spread).toBeNull(); // one score: no spread
    expect(item.others).toBeCloseTo(3.5, 10);
    expect(item.competency).toBe("communication");
  });

  it("lists the highest and lowest items by others' mean", async () => {
    const { h, rid } = await scenario();
    const r = await ready(h, rid);
    // others per item: communication 3.5, interpersonal 4, business 4 (all items within a competency alike).
    expect(r.highest.map((i) => i.others)).toEqual([4, 4, 4]);
    expect(r.lowest.map((i) => i.competency)).toEqual(["communication", "communication", "communication"]);
  });

  it("shows comments of visible groups only, split into sentences", async () => {
    const { h, rid } = await scenario();
    const r = await ready(h, rid);
    expect(r.comments.map((c) => [c.group, c.kind, [...c.sentences].sort()])).toEqual([
      ["self", "strengths", ["我响应很快。"]],
      ["self", "improve", ["报告要写得更细。"]],
      ["supervisor", "strengths", ["处理故障一次到位！", "技术扎实。"]],
      ["customers", "strengths", ["服务态度好。", "服务态度好。", "服务态度好。"]],
    ]);
  });

  it("leaks nothing of the hidden group: not in the report data, the heatmap or the CSV export", async () => {
    const { h, rid, cycleId, t } = await scenario();
    const json = JSON.stringify(await ready(h, rid));
    expect(json).not.toContain("PEER-SECRET");
    expect(json).not.toMatch(/"group":"peers","mean"/);
    expect(json).not.toMatch(/"group":"peers","status":"visible"/);
    // A narrower view (the heatmap filtered by supervisor) is built from the same report: same numbers.
    const heat = await teamHeatmap(h.rdb, cycleId, t.supervisor);
    expect(heat).toHaveLength(1);
    expect(heat[0].others.communication).toBeCloseTo(3.5, 10);
    const csv = (await cycleCsv(h.rdb, cycleId, "en", createTranslator(en)))!;
    expect(csv).not.toContain("PEER-SECRET");
    expect(csv.split("\n").filter((line) => line.includes(",Peers,"))).toEqual([]);
    expect(csv).toContain("Participation: Peers,,,,too few responses to show");
    expect(csv).toContain("Customers · Strengths");
  });

  it("hides customers too when only 2 of 3 answered: others and overall come from the supervisor alone", async () => {
    const { h, rid } = await scenario({ customers: 2 });
    const r = await ready(h, rid);
    expect(r.participation.find((p) => p.group === "customers")).toEqual({ group: "customers", status: "hidden" });
    expect(r.participation.find((p) => p.group === "supervisor")).toMatchObject({ weight: 1 });
    expect(byId(r.competencies, "communication").others).toBe(4);
    expect(r.overall).toBeCloseTo(11 / 3, 10); // mean(4, 4, 3), supervisor weight 0.3 / 0.3 = 1
    expect(JSON.stringify(r)).not.toContain("服务态度好");
  });

  it("computes nothing while the cycle is open (a report updated at each submission would reveal each new rating)", async () => {
    const h = await review360Host();
    hosts.push(h);
    const t = await team(h.rdb);
    const cycleId = await openedCycle(h, t.manager, [t.reviewee]);
    const rid = await revieweeOf(h.rdb, cycleId, t.reviewee);
    await submitAsStaff(h, rid, t.reviewee, answersFor(4));
    const report = await revieweeReport(h.rdb, rid);
    expect(report?.state).toBe("pending");
    expect(Object.keys(report!)).toEqual(["state", "cycle", "reviewee"]);
    expect(DEFAULT_MIN_RATERS.peers).toBe(3);
  });
});
