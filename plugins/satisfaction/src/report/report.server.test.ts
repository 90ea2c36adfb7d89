import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { campaignComments, campaignReport, campaignResponses, NO_FILTER, satisfactionTrend, type CampaignReport } from "./report.server";
import { closeCampaign } from "../campaign/campaigns.server";
import { answer, answersFor, insertCustomers, insertUser, satisfactionHost, sentCampaign, testClock, type Db, type Levels } from "../test-support/fixtures";

/*
 * The fixture, with every expected number worked out by hand from DOMAIN.md §1.
 *
 * Default template: weights quality .30, price .15, delivery .20, packaging .10, service .25;
 * satisfied at ≥ 85; product = {quality, price, packaging} (.55), service = {delivery, service} (.45);
 * w_product .8.
 *
 * Answer patterns (quality, price, delivery, packaging, service) → weighted score:
 *   A 100/100/100/100/100 → 30 + 15 + 20 + 10 + 25 = 100  satisfied
 *   B  80/ 80/ 80/ 80/ 80 → 24 + 12 + 16 +  8 + 20 =  80
 *   C  80/100/100/ 60/ 80 → 24 + 15 + 20 +  6 + 20 =  85  satisfied (exactly at the threshold)
 *   D 100/ 80/ 60/100/ 80 → 30 + 12 + 12 + 10 + 20 =  84
 *   E 100/100/ 80/ 80/100 → 30 + 15 + 16 +  8 + 25 =  94  satisfied
 *   F  60/ 60/ 40/ 60/ 40 → 18 +  9 +  8 +  6 + 10 =  51
 *   G  20/ 40/ 20/ 40/ 20 →  6 +  6 +  4 +  4 +  5 =  25
 *   H 100/ 60/100/ 20/100 → 30 +  9 + 20 +  2 + 25 =  86  satisfied
 *
 * 20 customers (owners: Z = 张伟 Zhang Wei, L = 李娜 Li Na); campaign 1 ("2026 May") answers:
 *   c1  华东 high Z A    c2  华东 high Z A    c3  华东 mid Z B    c4  华东 mid L C
 *   c5  华东 high L E    c6  华东 mid  L D    c7  华东 high Z G   c8  华东 mid Z E
 *   c9  华南 high L A    c10 华南 mid  L B    c11 华南 high Z C   c12 华南 mid Z F
 *   c13 华北 high L B    c14 华北 mid  L D    c15 华北 high Z E   c16 华北 mid L H
 *   c17 华东 high Z —    c18 华东 mid  L —    c19 华南 high L —   c20 华北 mid Z —
 */
const PATTERNS = {
  A: [100, 100, 100, 100, 100],
  B: [80, 80, 80, 80, 80],
  C: [80, 100, 100, 60, 80],
  D: [100, 80, 60, 100, 80],
  E: [100, 100, 80, 80, 100],
  F: [60, 60, 40, 60, 40],
  G: [20, 40, 20, 40, 20],
  H: [100, 60, 100, 20, 100],
} as const satisfies Record<string, Levels>;
type Pattern = keyof typeof PATTERNS;

const CUSTOMERS: readonly { region: string; tier: string; owner: "Z" | "L"; may: Pattern | null }[] = [
  { region: "华东", tier: "high", owner: "Z", may: "A" },
  { region: "华东", tier: "high", owner: "Z", may: "A" },
  { region: "华东", tier: "mid", owner: "Z", may: "B" },
  { region: "华东", tier: "mid", owner: "L", may: "C" },
  { region: "华东", tier: "high", owner: "L", may: "E" },
  { region: "华东", tier: "mid", owner: "L", may: "D" },
  { region: "华东", tier: "high", owner: "Z", may: "G" },
  { region: "华东", tier: "mid", owner: "Z", may: "E" },
  { region: "华南", tier: "high", owner: "L", may: "A" },
  { region: "华南", tier: "mid", owner: "L", may: "B" },
  { region: "华南", tier: "high", owner: "Z", may: "C" },
  { region: "华南", tier: "mid", owner: "Z", may: "F" },
  { region: "华北", tier: "high", owner: "L", may: "B" },
  { region: "华北", tier: "mid", owner: "L", may: "D" },
  { region: "华北", tier: "high", owner: "Z", may: "E" },
  { region: "华北", tier: "mid", owner: "L", may: "H" },
  { region: "华东", tier: "high", owner: "Z", may: null },
  { region: "华东", tier: "mid", owner: "L", may: null },
  { region: "华南", tier: "high", owner: "L", may: null },
  { region: "华北", tier: "mid", owner: "Z", may: null },
];

/*
 * Campaign 2 ("2026 Q4"): before it, c19 and c20 lost their email addresses, so 18 of 20 are sent.
 * c1–c3 answer A, c4–c6 B, c7–c9 E, c10–c12 C: 12 returned.
 */
const Q4: readonly Pattern[] = ["A", "A", "A", "B", "B", "B", "E", "E", "E", "C", "C", "C"];

let host: TestHost & { sdb: Db };
let zhang: number;
let li: number;
let ids: number[];
let may: number;
let q4: number;

beforeAll(async () => {
  const clock = testClock("2026-05-06T01:00:00.000Z");
  host = await satisfactionHost(clock);
  const manager = await insertUser(host.sdb, { name: "王经理 Wang Li", role: "manager" });
  zhang = await insertUser(host.sdb, { name: "张伟 Zhang Wei" });
  li = await insertUser(host.sdb, { name: "李娜 Li Na" });
  ids = await insertCustomers(
    host.sdb,
    CUSTOMERS.map((c, i) => ({
      company: `客户${String(i + 1).padStart(2, "0")}有限公司`,
      email: `c${i + 1}@example.com`,
      region: c.region,
      tier: c.tier,
      ownerId: c.owner === "Z" ? zhang : li,
    })),
  );

  may = await sentCampaign(host, manager, clock.iso(), { name: "2026 年 5 月满意度调查", period: "2026 May" });
  clock.set("2026-05-10T03:00:00.000Z");
  for (const [i, c] of CUSTOMERS.entries()) {
    if (!c.may) continue;
    const extra: Record<string, unknown> = {};
    if (i === 6) Object.assign(extra, { delivery_why: "交货延误两次。", comments: "售后响应慢。" }); // c7 (G, 华东)
    if (i === 11) Object.assign(extra, { price_why: "价格偏高。" }); // c12 (F, 华南)
    const outcome = await answer(host, may, ids[i], answersFor(PATTERNS[c.may], extra));
    if (!outcome.ok) throw new Error(`c${i + 1} could not answer`);
  }
  clock.set("2026-06-05T00:00:00.000Z");
  await closeCampaign(host.sdb, may, clock.iso());

  await host.sdb.updateTable("customers").set({ email: null }).where("id", "in", [ids[18], ids[19]]).execute();
  clock.set("2026-12-01T01:00:00.000Z");
  q4 = await sentCampaign(host, manager, clock.iso(), { name: "2026 年第四季度满意度调查", period: "2026 Q4" });
  clock.set("2026-12-03T01:00:00.000Z");
  for (const [i, p] of Q4.entries()) {
    const outcome = await answer(host, q4, ids[i], answersFor(PATTERNS[p]));
    if (!outcome.ok) throw new Error(`c${i + 1} could not answer Q4`);
  }
});

afterAll(async () => {
  await host?.destroy();
});

async function report(id: number, filter = NO_FILTER): Promise<CampaignReport> {
  const r = await campaignReport(host.sdb, id, filter);
  if (!r) throw new Error("no report");
  return r;
}

const itemAverages = (r: CampaignReport) => Object.fromEntries(r.items.map((i) => [i.item, i.average]));

describe("campaign 1 (2026 May): 20 in scope, 20 sent, 16 returned", () => {
  it("counts, coverage, recovery and coverage × recovery meet the 75 % target", async () => {
    const r = await report(may);
    expect(r.counts).toEqual({ inScope: 20, sent: 20, returned: 16 });
    // coverage = 20 / 20 = 1; recovery = 16 / 20 = 0.8; coverage × recovery = 0.8 ≥ 0.75
    expect(r.coverage).toBeCloseTo(1, 12);
    expect(r.recovery).toBeCloseTo(0.8, 12);
    expect(r.coverageTimesRecovery).toBeCloseTo(0.8, 12);
    expect(r.meetsTarget).toBe(true);
    expect(r.campaign).toMatchObject({ id: may, period: "2026 May", status: "closed" });
  });

  it("satisfaction index = Σ scores ÷ respondents, and the share satisfied", async () => {
    const r = await report(may);
    // Σ = 3·100 (A) + 3·80 (B) + 2·85 (C) + 2·84 (D) + 3·94 (E) + 51 (F) + 25 (G) + 86 (H)
    //   = 300 + 240 + 170 + 168 + 282 + 51 + 25 + 86 = 1322; index = 1322 / 16 = 82.625
    expect(r.index).toBeCloseTo(82.625, 9);
    // satisfied: A×3 + C×2 + E×3 + H×1 = 9 of 16 = 0.5625
    expect(r.shareSatisfied).toBeCloseTo(0.5625, 12);
  });

  it("per-item averages, group satisfaction and the composite with w_product 0.8", async () => {
    const r = await report(may);
    // quality   = (300 + 240 + 160 + 200 + 300 + 60 + 20 + 100) / 16 = 1380 / 16 = 86.25
    // price     = (300 + 240 + 200 + 160 + 300 + 60 + 40 +  60) / 16 = 1360 / 16 = 85
    // delivery  = (300 + 240 + 200 + 120 + 240 + 40 + 20 + 100) / 16 = 1260 / 16 = 78.75
    // packaging = (300 + 240 + 120 + 200 + 240 + 60 + 40 +  20) / 16 = 1220 / 16 = 76.25
    // service   = (300 + 240 + 160 + 160 + 300 + 40 + 20 + 100) / 16 = 1320 / 16 = 82.5
    // (each sum: A×3, B×3, C×2, D×2, E×3, F, G, H in that order)
    const avg = itemAverages(r);
    expect(avg.quality).toBeCloseTo(86.25, 9);
    expect(avg.price).toBeCloseTo(85, 9);
    expect(avg.delivery).toBeCloseTo(78.75, 9);
    expect(avg.packaging).toBeCloseTo(76.25, 9);
    expect(avg.service).toBeCloseTo(82.5, 9);
    expect(r.items.map((i) => [i.item, i.answers, i.weight, i.group])).toEqual([
      ["quality", 16, 0.3, "product"],
      ["price", 16, 0.15, "product"],
      ["delivery", 16, 0.2, "service"],
      ["packaging", 16, 0.1, "product"],
      ["service", 16, 0.25, "service"],
    ]);
    // Check: .3·86.25 + .15·85 + .2·78.75 + .1·76.25 + .25·82.5 = 25.875 + 12.75 + 15.75 + 7.625 + 20.625 = 82.625 = index
    // product = (25.875 + 12.75 + 7.625) / .55 = 46.25 / .55 = 84.0909…
    // service = (15.75 + 20.625) / .45 = 36.375 / .45 = 80.8333…
    // composite = .8 · 84.0909… + .2 · 80.8333… = 67.2727… + 16.1666… = 83.4393…
    expect(r.groups.product).toBeCloseTo(84.090909091, 6);
    expect(r.groups.service).toBeCloseTo(80.833333333, 6);
    expect(r.groups.overall).toBeCloseTo(83.439393939, 6);
  });

  it("names the weakest items as the areas to improve", async () => {
    // packaging 76.25 < delivery 78.75 < service 82.5 < price 85 < quality 86.25
    expect((await report(may)).weakest).toEqual(["packaging", "delivery"]);
  });

  it("distributes the scores in 10-point bands", async () => {
    // [90,100]: A×3 (100) + E×3 (94) = 6;  [80,90): B×3 (80) + C×2 (85) + D×2 (84) + H (86) = 8
    // [50,60): F (51) = 1;  [20,30): G (25) = 1
    expect((await report(may)).distribution).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 8, 6]);
  });

  it("breaks down by region, tier and owner (lowest index first)", async () => {
    const r = await report(may);
    const rows = (b: CampaignReport["breakdown"]["region"]) => b.map((x) => ({ key: x.key, label: x.label, n: x.responses, index: x.index, share: x.shareSatisfied }));
    // 华南: c9 A, c10 B, c11 C, c12 F = 100 + 80 + 85 + 51 = 316 / 4 = 79; satisfied A, C = 2/4
    // 华东: c1–c8 = 100 + 100 + 80 + 85 + 94 + 84 + 25 + 94 = 662 / 8 = 82.75; satisfied A, A, C, E, E = 5/8
    // 华北: c13 B, c14 D, c15 E, c16 H = 80 + 84 + 94 + 86 = 344 / 4 = 86; satisfied E, H = 2/4
    const region = rows(r.breakdown.region);
    expect(region.map((x) => [x.key, x.n])).toEqual([["华南", 4], ["华东", 8], ["华北", 4]]);
    expect(region.map((x) => x.index)).toEqual([expect.closeTo(79, 9), expect.closeTo(82.75, 9), expect.closeTo(86, 9)]);
    expect(region.map((x) => x.share)).toEqual([0.5, 0.625, 0.5]);
    // mid:  c3 B, c4 C, c6 D, c8 E, c10 B, c12 F, c14 D, c16 H = 80 + 85 + 84 + 94 + 80 + 51 + 84 + 86 = 644 / 8 = 80.5; satisfied C, E, H = 3/8
    // high: c1 A, c2 A, c5 E, c7 G, c9 A, c11 C, c13 B, c15 E = 100 + 100 + 94 + 25 + 100 + 85 + 80 + 94 = 678 / 8 = 84.75; satisfied 6/8
    const tier = rows(r.breakdown.tier);
    expect(tier.map((x) => [x.key, x.n, x.share])).toEqual([["mid", 8, 0.375], ["high", 8, 0.75]]);
    expect(tier.map((x) => x.index)).toEqual([expect.closeTo(80.5, 9), expect.closeTo(84.75, 9)]);
    // Zhang: c1 A, c2 A, c3 B, c7 G, c8 E, c11 C, c12 F, c15 E = 100 + 100 + 80 + 25 + 94 + 85 + 51 + 94 = 629 / 8 = 78.625; satisfied 5/8
    // Li:    c4 C, c5 E, c6 D, c9 A, c10 B, c13 B, c14 D, c16 H = 85 + 94 + 84 + 100 + 80 + 80 + 84 + 86 = 693 / 8 = 86.625; satisfied 4/8
    const owner = rows(r.breakdown.owner);
    expect(owner.map((x) => [x.key, x.label, x.n, x.share])).toEqual([
      [String(zhang), "张伟 Zhang Wei", 8, 0.625],
      [String(li), "李娜 Li Na", 8, 0.5],
    ]);
    expect(owner.map((x) => x.index)).toEqual([expect.closeTo(78.625, 9), expect.closeTo(86.625, 9)]);
    // The breakdowns add up: 316 + 662 + 344 = 644 + 678 = 629 + 693 = 1322
  });

  it("a region filter narrows every figure", async () => {
    const r = await report(may, { region: "华东", tier: null, ownerId: null });
    // 华东: c1–c8 and c17, c18 in scope and sent (10); c1–c8 returned (8)
    expect(r.counts).toEqual({ inScope: 10, sent: 10, returned: 8 });
    // coverage 10/10 = 1, recovery 8/10 = 0.8, product 0.8 ≥ 0.75
    expect(r.coverage).toBeCloseTo(1, 12);
    expect(r.recovery).toBeCloseTo(0.8, 12);
    expect(r.coverageTimesRecovery).toBeCloseTo(0.8, 12);
    expect(r.meetsTarget).toBe(true);
    // index 662 / 8 = 82.75; satisfied 5/8 = 0.625
    expect(r.index).toBeCloseTo(82.75, 9);
    expect(r.shareSatisfied).toBeCloseTo(0.625, 12);
    // c1–c8 are A, A, B, C, E, D, G, E:
    // quality   = 100 + 100 + 80 + 80 + 100 + 100 + 20 + 100 = 680 / 8 = 85
    // price     = 100 + 100 + 80 + 100 + 100 + 80 + 40 + 100 = 700 / 8 = 87.5
    // delivery  = 100 + 100 + 80 + 100 + 80 + 60 + 20 + 80  = 620 / 8 = 77.5
    // packaging = 100 + 100 + 80 + 60 + 80 + 100 + 40 + 80  = 640 / 8 = 80
    // service   = 100 + 100 + 80 + 80 + 100 + 80 + 20 + 100 = 660 / 8 = 82.5
    const avg = itemAverages(r);
    expect(avg.quality).toBeCloseTo(85, 9);
    expect(avg.price).toBeCloseTo(87.5, 9);
    expect(avg.delivery).toBeCloseTo(77.5, 9);
    expect(avg.packaging).toBeCloseTo(80, 9);
    expect(avg.service).toBeCloseTo(82.5, 9);
    expect(r.items.every((i) => i.answers === 8)).toBe(true);
    // product = (.3·85 + .15·87.5 + .1·80) / .55 = (25.5 + 13.125 + 8) / .55 = 46.625 / .55 = 84.7727…
    // service = (.2·77.5 + .25·82.5) / .45 = (15.5 + 20.625) / .45 = 36.125 / .45 = 80.2777…
    // composite = .8 · 84.7727… + .2 · 80.2777… = 67.8181… + 16.0555… = 83.8737…
    expect(r.groups.product).toBeCloseTo(84.772727273, 6);
    expect(r.groups.service).toBeCloseTo(80.277777778, 6);
    expect(r.groups.overall).toBeCloseTo(83.873737374, 6);
    expect(r.weakest).toEqual(["delivery", "packaging"]);
    // [90,100]: A, A, E, E = 4; [80,90): B, C, D = 3; [20,30): G = 1
    expect(r.distribution).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 3, 4]);
    expect(r.breakdown.region.map((x) => [x.key, x.responses])).toEqual([["华东", 8]]);
    // high: c1 A, c2 A, c5 E, c7 G = 319 / 4 = 79.75; mid: c3 B, c4 C, c6 D, c8 E = 343 / 4 = 85.75
    expect(r.breakdown.tier.map((x) => [x.key, x.responses])).toEqual([["high", 4], ["mid", 4]]);
    expect(r.breakdown.tier.map((x) => x.index)).toEqual([expect.closeTo(79.75, 9), expect.closeTo(85.75, 9)]);
  });

  it("tier and owner filters narrow the counts too", async () => {
    // mid: c3, c4, c6, c8, c10, c12, c14, c16 answered, c18, c20 did not: 10 in scope, 8 returned; index 644 / 8 = 80.5
    const mid = await report(may, { region: null, tier: "mid", ownerId: null });
    expect(mid.counts).toEqual({ inScope: 10, sent: 10, returned: 8 });
    expect(mid.index).toBeCloseTo(80.5, 9);
    // Li: c4, c5, c6, c9, c10, c13, c14, c16 answered, c18, c19 did not; index 693 / 8 = 86.625; satisfied 4/8
    const byLi = await report(may, { region: null, tier: null, ownerId: li });
    expect(byLi.counts).toEqual({ inScope: 10, sent: 10, returned: 8 });
    expect(byLi.index).toBeCloseTo(86.625, 9);
    expect(byLi.shareSatisfied).toBeCloseTo(0.5, 12);
    // Both filters: 华南 and Zhang = c11 C (85), c12 F (51): index 136 / 2 = 68, one satisfied of 2
    const southZhang = await report(may, { region: "华南", tier: null, ownerId: zhang });
    expect(southZhang.counts).toEqual({ inScope: 2, sent: 2, returned: 2 });
    expect(southZhang.index).toBeCloseTo(68, 9);
    expect(southZhang.shareSatisfied).toBe(0.5);
  });

  it("lists the comments per item, narrowed by the filter", async () => {
    const all = await campaignComments(host.sdb, may);
    expect(all.map((c) => [c.item, c.text, c.company]).sort()).toEqual(
      [
        ["delivery", "交货延误两次。", "客户07有限公司"],
        [null, "售后响应慢。", "客户07有限公司"],
        ["price", "价格偏高。", "客户12有限公司"],
      ].sort(),
    );
    const south = await campaignComments(host.sdb, may, { region: "华南", tier: null, ownerId: null });
    expect(south.map((c) => c.text)).toEqual(["价格偏高。"]);
  });
});

describe("campaign 2 (2026 Q4): 20 in scope, 18 sent, 12 returned", () => {
  it("is flagged below the 75 % target", async () => {
    const r = await report(q4);
    // c19 and c20 have no email: unreachable, not sent
    expect(r.counts).toEqual({ inScope: 20, sent: 18, returned: 12 });
    // coverage = 18 / 20 = 0.9; recovery = 12 / 18 = 0.6667; coverage × recovery = 0.9 · 0.6667 = 0.6 < 0.75
    expect(r.coverage).toBeCloseTo(0.9, 12);
    expect(r.recovery).toBeCloseTo(2 / 3, 12);
    expect(r.coverageTimesRecovery).toBeCloseTo(0.6, 12);
    expect(r.meetsTarget).toBe(false);
    // Σ = 3·100 + 3·80 + 3·94 + 3·85 = 300 + 240 + 282 + 255 = 1077; index 1077 / 12 = 89.75
    expect(r.index).toBeCloseTo(89.75, 9);
    // satisfied: A, E, C = 9 of 12 = 0.75
    expect(r.shareSatisfied).toBeCloseTo(0.75, 12);
    // quality = (3·100 + 3·80 + 3·100 + 3·80) / 12 = 1080 / 12 = 90
    expect(itemAverages(r).quality).toBeCloseTo(90, 9);
  });

  it("the trend runs across both campaigns, oldest first", async () => {
    const trend = await satisfactionTrend(host.sdb);
    expect(trend.map((t) => [t.campaignId, t.period, t.responses])).toEqual([
      [may, "2026 May", 16],
      [q4, "2026 Q4", 12],
    ]);
    expect(trend[0].index).toBeCloseTo(82.625, 9);
    expect(trend[0].shareSatisfied).toBeCloseTo(0.5625, 12);
    expect(trend[1].index).toBeCloseTo(89.75, 9);
    expect(trend[1].shareSatisfied).toBeCloseTo(0.75, 12);
  });
});

describe("responses for export", () => {
  it("lists every response with its item points", async () => {
    const rows = await campaignResponses(host.sdb, q4);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ company: "客户01有限公司", region: "华东", tier: "high", owner: "张伟 Zhang Wei", satisfied: 1 });
    expect(rows[0].items).toEqual({ quality: 100, price: 100, delivery: 100, packaging: 100, service: 100 });
    // c10 answered C: 80/100/100/60/80 = 85
    expect(rows[9].items).toEqual({ quality: 80, price: 100, delivery: 100, packaging: 60, service: 80 });
    expect(rows[9].score).toBeCloseTo(85, 9);
  });
});
