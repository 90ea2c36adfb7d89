import { describe, expect, it } from "vitest";
import {
  DEFAULT_ITEM_WEIGHTS,
  DEFAULT_ITEMS,
  DEFAULT_PRODUCT_WEIGHT,
  DEFAULT_SATISFACTION_GROUPS,
  DEFAULT_SATISFIED_THRESHOLD,
  DEFAULT_SCALE_POINTS,
  type ItemAverage,
  type ItemPoints,
  type ItemWeights,
  coverageRecovery,
  customerScore,
  groupSatisfaction,
  isSatisfied,
  itemAverages,
  satisfactionIndex,
  summarizeSatisfaction,
  validateWeights,
  weakestItems,
} from "./satisfaction";

describe("default template", () => {
  it("holds the items, scale, weights, threshold and split of DOMAIN §1", () => {
    expect(DEFAULT_ITEMS).toEqual(["quality", "price", "delivery", "packaging", "service"]);
    expect(DEFAULT_SCALE_POINTS).toEqual([100, 80, 60, 40, 20]);
    expect(DEFAULT_ITEM_WEIGHTS).toEqual({ quality: 0.3, price: 0.15, delivery: 0.2, packaging: 0.1, service: 0.25 });
    expect(DEFAULT_SATISFIED_THRESHOLD).toBe(85);
    expect(DEFAULT_PRODUCT_WEIGHT).toBe(0.8);
    expect(DEFAULT_SATISFACTION_GROUPS).toEqual({
      product: ["quality", "price", "packaging"],
      service: ["delivery", "service"],
    });
    expect(validateWeights(DEFAULT_ITEM_WEIGHTS)).toEqual([]);
  });
});

describe("customerScore and isSatisfied", () => {
  const cases: { name: string; points: ItemPoints; score: number | null; satisfied: boolean | null }[] = [
    // 0.3×100 + 0.15×100 + 0.2×100 + 0.1×100 + 0.25×100 = 100
    { name: "all top marks", points: { quality: 100, price: 100, delivery: 100, packaging: 100, service: 100 }, score: 100, satisfied: true },
    // 0.3×100 + 0.15×80 + 0.2×60 + 0.1×100 + 0.25×80 = 30 + 12 + 12 + 10 + 20 = 84 → not satisfied at 85
    { name: "84 is not satisfied", points: { quality: 100, price: 80, delivery: 60, packaging: 100, service: 80 }, score: 84, satisfied: false },
    // 0.3×100 + 0.15×100 + 0.2×80 + 0.1×40 + 0.25×80 = 30 + 15 + 16 + 4 + 20 = 85 → satisfied (≥ 85)
    { name: "exactly 85 is satisfied", points: { quality: 100, price: 100, delivery: 80, packaging: 40, service: 80 }, score: 85, satisfied: true },
    // 0.3×20 + 0.15×20 + 0.2×20 + 0.1×20 + 0.25×20 = 20
    { name: "all lowest marks", points: { quality: 20, price: 20, delivery: 20, packaging: 20, service: 20 }, score: 20, satisfied: false },
    // price skipped: (0.3×100 + 0.2×60 + 0.1×100 + 0.25×80) / (0.3 + 0.2 + 0.1 + 0.25) = 72 / 0.85 = 84.70588…
    { name: "skipped item renormalises", points: { quality: 100, price: null, delivery: 60, packaging: 100, service: 80 }, score: 72 / 0.85, satisfied: false },
    // price and packaging skipped: (0.3×100 + 0.2×80 + 0.25×80) / 0.75 = 66 / 0.75 = 88
    { name: "two skipped items", points: { quality: 100, price: null, delivery: 80, packaging: null, service: 80 }, score: 88, satisfied: true },
    // only quality answered: 0.3×60 / 0.3 = 60
    { name: "absent items count as skipped", points: { quality: 60 }, score: 60, satisfied: false },
    // nothing answered: no score
    { name: "blank form", points: { quality: null, price: null, delivery: null, packaging: null, service: null }, score: null, satisfied: null },
  ];
  it.each(cases)("$name", ({ points, score, satisfied }) => {
    const got = customerScore(points);
    if (score === null) {
      expect(got).toBeNull();
      return;
    }
    expect(got).toBeCloseTo(score, 9);
    expect(isSatisfied(got as number)).toBe(satisfied);
  });

  it("uses the template's own weights", () => {
    // weights a 0.5, b 0.5: 0.5×100 + 0.5×60 = 80
    expect(customerScore({ a: 100, b: 60 }, { a: 0.5, b: 0.5 })).toBeCloseTo(80, 9);
  });

  it.each<{ name: string; points: ItemPoints }>([
    { name: "points above 100", points: { quality: 120 } },
    { name: "negative points", points: { quality: -20 } },
    { name: "an item the template has no weight for", points: { colour: 80 } },
  ])("refuses $name", ({ points }) => {
    expect(() => customerScore(points)).toThrow(RangeError);
  });

  it.each([
    { score: 85, threshold: 85, expected: true }, // boundary: ≥
    { score: 84.99, threshold: 85, expected: false },
    { score: 85 - 1e-12, threshold: 85, expected: true }, // floating-point noise below 85 still counts
    { score: 90, threshold: 90, expected: true }, // configurable threshold
    { score: 89.9, threshold: 90, expected: false },
    { score: 0, threshold: 85, expected: false },
  ])("isSatisfied($score, $threshold) = $expected", ({ score, threshold, expected }) => {
    expect(isSatisfied(score, threshold)).toBe(expected);
  });
});

describe("validateWeights", () => {
  it.each<{ name: string; weights: ItemWeights; items: readonly string[]; codes: string[] }>([
    // 0.3 + 0.15 + 0.2 + 0.1 + 0.25 = 1
    { name: "the defaults", weights: DEFAULT_ITEM_WEIGHTS, items: DEFAULT_ITEMS, codes: [] },
    // 0.5 + 0.6 = 1.1
    { name: "sum above 1", weights: { quality: 0.5, price: 0.6 }, items: ["quality", "price"], codes: ["sum-off"] },
    // 0.3 + 0.15 + 0.2 + 0.1 + 0.25 + 1e-10 = 1 + 1e-10: within 1e-9
    { name: "sum off by 1e-10 is fine", weights: { ...DEFAULT_ITEM_WEIGHTS, quality: 0.3 + 1e-10 }, items: DEFAULT_ITEMS, codes: [] },
    // 1 + 2e-9: outside 1e-9
    { name: "sum off by 2e-9", weights: { ...DEFAULT_ITEM_WEIGHTS, quality: 0.3 + 2e-9 }, items: DEFAULT_ITEMS, codes: ["sum-off"] },
    // 1.2 − 0.2 = 1, but a weight is negative
    { name: "negative weight", weights: { quality: 1.2, price: -0.2 }, items: ["quality", "price"], codes: ["negative-weight"] },
    // colour is not an item; price has no weight; 0.5 + 0.5 = 1
    { name: "unknown and missing items", weights: { quality: 0.5, colour: 0.5 }, items: ["quality", "price"], codes: ["unknown-item", "missing-item"] },
    { name: "NaN weight", weights: { quality: Number.NaN, price: 1 }, items: ["quality", "price"], codes: ["not-finite"] },
  ])("$name → $codes", ({ weights, items, codes }) => {
    expect(validateWeights(weights, items).map((p) => p.code)).toEqual(codes);
  });

  it("names the offending item and the sum", () => {
    expect(validateWeights({ quality: 0.5, colour: 0.6 }, ["quality"])).toEqual([
      { code: "unknown-item", item: "colour" },
      { code: "sum-off", sum: 0.5 + 0.6 },
    ]);
  });
});

describe("satisfactionIndex and summarizeSatisfaction", () => {
  it.each([
    { total: 430, surveyed: 5, index: 86 }, // 430 ÷ 5 = 86
    { total: 255, surveyed: 3, index: 85 }, // 255 ÷ 3 = 85
    { total: 0, surveyed: 0, index: null }, // nobody surveyed: no index, not NaN
  ])("$total ÷ $surveyed = $index", ({ total, surveyed, index }) => {
    expect(satisfactionIndex(total, surveyed)).toBe(index);
  });

  it("refuses a fractional or negative count", () => {
    expect(() => satisfactionIndex(10, -1)).toThrow(RangeError);
    expect(() => satisfactionIndex(10, 1.5)).toThrow(RangeError);
  });

  it.each([
    // 90 + 84 + 85 = 259 over 3 scored forms = 86.33…; 90 and 85 satisfied → 2/3
    { name: "blank form not counted", scores: [90, 84, 85, null], respondents: 3, total: 259, index: 259 / 3, satisfied: 2, share: 2 / 3 },
    // 85 exactly is satisfied: 1/1
    { name: "one respondent at 85", scores: [85], respondents: 1, total: 85, index: 85, satisfied: 1, share: 1 },
    // zero respondents: no index, no share
    { name: "zero respondents", scores: [], respondents: 0, total: 0, index: null, satisfied: 0, share: null },
    { name: "only blank forms", scores: [null, null], respondents: 0, total: 0, index: null, satisfied: 0, share: null },
  ])("$name", ({ scores, respondents, total, index, satisfied, share }) => {
    const got = summarizeSatisfaction(scores);
    expect(got.respondents).toBe(respondents);
    expect(got.totalOfScores).toBe(total);
    expect(got.satisfied).toBe(satisfied);
    if (index === null) expect(got.index).toBeNull();
    else expect(got.index).toBeCloseTo(index, 9);
    if (share === null) expect(got.shareSatisfied).toBeNull();
    else expect(got.shareSatisfied).toBeCloseTo(share, 9);
  });

  it("uses a configured threshold", () => {
    // at 90: only 90 is satisfied of 90, 84, 85 → 1
    expect(summarizeSatisfaction([90, 84, 85], 90).satisfied).toBe(1);
  });
});

describe("itemAverages, groupSatisfaction and weakestItems", () => {
  const responses: ItemPoints[] = [
    { quality: 100, price: 80, delivery: 60, packaging: 100, service: 80 },
    { quality: 80, price: null, delivery: 80, packaging: 60, service: 100 },
    { quality: 60, price: 60, delivery: 100, packaging: 80, service: null },
  ];

  it("averages each item over the answers given", () => {
    // quality (100+80+60)/3 = 80; price (80+60)/2 = 70; delivery (60+80+100)/3 = 80;
    // packaging (100+60+80)/3 = 80; service (80+100)/2 = 90
    expect(itemAverages(responses)).toEqual([
      { item: "quality", average: 80, answers: 3 },
      { item: "price", average: 70, answers: 2 },
      { item: "delivery", average: 80, answers: 3 },
      { item: "packaging", average: 80, answers: 3 },
      { item: "service", average: 90, answers: 2 },
    ]);
    expect(itemAverages([])).toEqual(DEFAULT_ITEMS.map((item) => ({ item, average: null, answers: 0 })));
  });

  const averages = (values: Record<string, number | null>): ItemAverage[] =>
    Object.entries(values).map(([item, average]) => ({ item, average, answers: average === null ? 0 : 1 }));

  it.each([
    {
      name: "default groups and weights",
      // product = (0.3×80 + 0.15×70 + 0.1×80) / (0.3 + 0.15 + 0.1) = 42.5 / 0.55 = 77.2727…
      // service = (0.2×80 + 0.25×90) / (0.2 + 0.25) = 38.5 / 0.45 = 85.5555…
      // overall = 0.8 × 77.2727… + 0.2 × 85.5555… = 61.8181… + 17.1111… = 78.9292…
      input: averages({ quality: 80, price: 70, delivery: 80, packaging: 80, service: 90 }),
      props: {},
      product: 42.5 / 0.55,
      service: 38.5 / 0.45,
      overall: 0.8 * (42.5 / 0.55) + 0.2 * (38.5 / 0.45),
    },
    {
      name: "all items equal",
      // every mean of 80s is 80; 0.8×80 + 0.2×80 = 80
      input: averages({ quality: 80, price: 80, delivery: 80, packaging: 80, service: 80 }),
      props: {},
      product: 80,
      service: 80,
      overall: 80,
    },
    {
      name: "w_product 0.5",
      // product = (0.3×100 + 0.15×40 + 0.1×40) / 0.55 = 40 / 0.55 = 72.7272…; service = (0.2×60 + 0.25×60) / 0.45 = 60
      // overall = 0.5 × 72.7272… + 0.5 × 60 = 66.3636…
      input: averages({ quality: 100, price: 40, delivery: 60, packaging: 40, service: 60 }),
      props: { productWeight: 0.5 },
      product: 40 / 0.55,
      service: 60,
      overall: 0.5 * (40 / 0.55) + 0.5 * 60,
    },
    {
      name: "regrouped: delivery counted as product",
      // product = (0.3×90 + 0.15×70 + 0.2×50 + 0.1×70) / 0.75 = (27 + 10.5 + 10 + 7) / 0.75 = 72.6666…
      // service = 0.25×80 / 0.25 = 80; overall = 0.8 × 72.6666… + 0.2 × 80 = 74.1333…
      input: averages({ quality: 90, price: 70, delivery: 50, packaging: 70, service: 80 }),
      props: { groups: { product: ["quality", "price", "delivery", "packaging"], service: ["service"] } },
      product: 54.5 / 0.75,
      service: 80,
      overall: 0.8 * (54.5 / 0.75) + 0.2 * 80,
    },
    {
      name: "unanswered item left out of its group",
      // price nobody answered: product = (0.3×90 + 0.1×60) / 0.4 = 33 / 0.4 = 82.5; service = (0.2×80 + 0.25×80)/0.45 = 80
      // overall = 0.8 × 82.5 + 0.2 × 80 = 66 + 16 = 82
      input: averages({ quality: 90, price: null, delivery: 80, packaging: 60, service: 80 }),
      props: {},
      product: 82.5,
      service: 80,
      overall: 82,
    },
  ])("$name", ({ input, props, product, service, overall }) => {
    const got = groupSatisfaction(input, props);
    expect(got.product).toBeCloseTo(product, 9);
    expect(got.service).toBeCloseTo(service, 9);
    expect(got.overall).toBeCloseTo(overall, 9);
  });

  it("has no overall when a whole group is unanswered", () => {
    // delivery and service both unanswered: service group has nothing → overall cannot be formed
    const got = groupSatisfaction(averages({ quality: 90, price: 70, delivery: null, packaging: 70, service: null }));
    expect(got.service).toBeNull();
    expect(got.overall).toBeNull();
    // product = (0.3×90 + 0.15×70 + 0.1×70) / 0.55 = 44.5 / 0.55
    expect(got.product).toBeCloseTo(44.5 / 0.55, 9);
  });

  it("refuses w_product outside 0–1 and a group item without weight", () => {
    const input = averages({ quality: 80 });
    expect(() => groupSatisfaction(input, { productWeight: 1.2 })).toThrow(RangeError);
    expect(() => groupSatisfaction(input, { groups: { product: ["colour"], service: [] } })).toThrow(RangeError);
  });

  it.each([
    // 70 lowest; then 80 ×3 in item order quality, delivery, packaging
    { n: 2, expected: ["price", "quality"] },
    { n: 3, expected: ["price", "quality", "delivery"] },
    { n: 10, expected: ["price", "quality", "delivery", "packaging", "service"] },
    { n: 0, expected: [] },
  ])("weakestItems(n = $n)", ({ n, expected }) => {
    const input = averages({ quality: 80, price: 70, delivery: 80, packaging: 80, service: 90 });
    expect(weakestItems(input, n).map((a) => a.item)).toEqual(expected);
    // input untouched
    expect(input.map((a) => a.item)).toEqual(["quality", "price", "delivery", "packaging", "service"]);
  });

  it("weakestItems leaves out unanswered items and keeps order on ties", () => {
    // price unanswered; packaging 50 and service 50 tie → packaging first (item order)
    const input = averages({ quality: 90, price: null, delivery: 60, packaging: 50, service: 50 });
    expect(weakestItems(input, 3).map((a) => a.item)).toEqual(["packaging", "service", "delivery"]);
  });
});

describe("coverageRecovery", () => {
  it.each([
    // 36/40 = 0.9; 30/36 = 0.8333…; 0.9 × 0.8333… = 0.75 → meets exactly at the target
    { inScope: 40, sent: 36, returned: 30, coverage: 0.9, recovery: 30 / 36, product: 0.75, meets: true },
    // 100/100 = 1; 74/100 = 0.74 → below
    { inScope: 100, sent: 100, returned: 74, coverage: 1, recovery: 0.74, product: 0.74, meets: false },
    // 80/100 = 0.8; 70/80 = 0.875; 0.8 × 0.875 = 0.7 → below
    { inScope: 100, sent: 80, returned: 70, coverage: 0.8, recovery: 0.875, product: 0.7, meets: false },
    // everything sent and returned: 1 × 1 = 1
    { inScope: 10, sent: 10, returned: 10, coverage: 1, recovery: 1, product: 1, meets: true },
    // nothing sent: coverage 0, recovery undefined (÷0), product 0
    { inScope: 50, sent: 0, returned: 0, coverage: 0, recovery: null, product: 0, meets: false },
    // nobody in scope: nothing defined, no NaN
    { inScope: 0, sent: 0, returned: 0, coverage: null, recovery: null, product: null, meets: false },
  ])("$inScope in scope, $sent sent, $returned returned", ({ inScope, sent, returned, coverage, recovery, product, meets }) => {
    const got = coverageRecovery({ inScope, sent, returned });
    for (const [value, expected] of [
      [got.coverage, coverage],
      [got.recovery, recovery],
      [got.product, product],
    ] as const) {
      if (expected === null) expect(value).toBeNull();
      else expect(value).toBeCloseTo(expected, 12);
    }
    expect(got.meetsTarget).toBe(meets);
  });

  it.each([
    { name: "more returned than sent", counts: { inScope: 10, sent: 5, returned: 6 } },
    { name: "more sent than in scope", counts: { inScope: 10, sent: 11, returned: 5 } },
    { name: "negative count", counts: { inScope: -1, sent: 0, returned: 0 } },
    { name: "fractional count", counts: { inScope: 10, sent: 5.5, returned: 5 } },
  ])("refuses $name", ({ counts }) => {
    expect(() => coverageRecovery(counts)).toThrow(RangeError);
  });
});
