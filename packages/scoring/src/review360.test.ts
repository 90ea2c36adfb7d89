import { describe, expect, it } from "vitest";
import {
  DEFAULT_MIN_RATERS,
  DEFAULT_RATER_WEIGHTS,
  type RaterGroup,
  type RaterGroupRatings,
  type Review360Result,
  review360,
  validateRaterWeights,
} from "./review360";

const ratings = (raters: number, communication: number | null, interpersonal: number | null, business: number | null): RaterGroupRatings => ({
  raters,
  means: { communication, interpersonal, business },
});

const statusOf = (result: Review360Result, group: RaterGroup) => result.groups.find((g) => g.group === group);
const competency = (result: Review360Result, id: string) => result.competencies.find((c) => c.competency === id);

const self = ratings(1, 5, 4, 4);
const supervisor = ratings(1, 4, 4, 3); // mean 11/3
const peers = ratings(4, 3, 3, 4); // mean 10/3
const subordinates = ratings(3, 4, 5, 4); // mean 13/3
const customers = ratings(5, 5, 4, 3); // mean 12/3 = 4

describe("defaults", () => {
  it("are the weights and minimums of the brief", () => {
    expect(DEFAULT_RATER_WEIGHTS).toEqual({ self: 0, supervisor: 0.3, peers: 0.3, subordinates: 0.1, customers: 0.3 });
    expect(DEFAULT_MIN_RATERS).toEqual({ self: 1, supervisor: 1, peers: 3, subordinates: 3, customers: 3 });
    expect(validateRaterWeights(DEFAULT_RATER_WEIGHTS)).toEqual([]);
  });
});

describe("review360", () => {
  it.each([
    {
      name: "every group visible: default weights unchanged",
      groups: { self, supervisor, peers, subordinates, customers },
      // visible weight 0.3 + 0.3 + 0.1 + 0.3 = 1 → unchanged
      weights: { supervisor: 0.3, peers: 0.3, subordinates: 0.1, customers: 0.3 },
      // communication: 0.3×4 + 0.3×3 + 0.1×4 + 0.3×5 = 1.2 + 0.9 + 0.4 + 1.5 = 4.0 → gap 5 − 4 = 1
      // interpersonal: 0.3×4 + 0.3×3 + 0.1×5 + 0.3×4 = 1.2 + 0.9 + 0.5 + 1.2 = 3.8 → gap 4 − 3.8 = 0.2
      // business:      0.3×3 + 0.3×4 + 0.1×4 + 0.3×3 = 0.9 + 1.2 + 0.4 + 0.9 = 3.4 → gap 4 − 3.4 = 0.6
      others: { communication: 4, interpersonal: 3.8, business: 3.4 },
      gaps: { communication: 1, interpersonal: 0.2, business: 0.6 },
      // overall: 0.3×11/3 + 0.3×10/3 + 0.1×13/3 + 0.3×4 = 1.1 + 1.0 + 0.4333… + 1.2 = 3.7333…
      overall: 1.1 + 1.0 + 1.3 / 3 + 1.2,
    },
    {
      name: "peers hidden (2 < 3): their weight redistributed, their ratings never in others",
      // peers rated 1/1/1: if they leaked, communication others would be 0.3×4+0.3×1+0.1×4+0.3×5 = 3.4
      groups: { self, supervisor, peers: ratings(2, 1, 1, 1), subordinates, customers },
      // visible weight 0.3 + 0.1 + 0.3 = 0.7 → supervisor 3/7, subordinates 1/7, customers 3/7
      weights: { supervisor: 3 / 7, subordinates: 1 / 7, customers: 3 / 7 },
      // communication: (3×4 + 1×4 + 3×5) / 7 = 31/7 = 4.428…; gap 5 − 31/7 = 4/7
      // interpersonal: (3×4 + 1×5 + 3×4) / 7 = 29/7 = 4.142…; gap 4 − 29/7 = −1/7
      // business:      (3×3 + 1×4 + 3×3) / 7 = 22/7 = 3.142…; gap 4 − 22/7 = 6/7
      others: { communication: 31 / 7, interpersonal: 29 / 7, business: 22 / 7 },
      gaps: { communication: 4 / 7, interpersonal: -1 / 7, business: 6 / 7 },
      // overall: (3×11/3 + 1×13/3 + 3×4) / 7 = (11 + 4.333… + 12) / 7 = 82/21 = 3.9047…
      overall: 82 / 21,
    },
    {
      name: "peers hidden, subordinates absent: supervisor and customers share equally",
      groups: { self, supervisor, peers: ratings(2, 1, 1, 1), customers: ratings(3, 3, 4, 5) },
      // visible weight 0.3 + 0.3 = 0.6 → 0.5 each
      weights: { supervisor: 0.5, customers: 0.5 },
      // communication (4 + 3)/2 = 3.5, gap 5 − 3.5 = 1.5; interpersonal (4 + 4)/2 = 4, gap 0; business (3 + 5)/2 = 4, gap 0
      others: { communication: 3.5, interpersonal: 4, business: 4 },
      gaps: { communication: 1.5, interpersonal: 0, business: 0 },
      // overall 0.5 × 11/3 + 0.5 × 12/3 = 23/6 = 3.8333…
      overall: 23 / 6,
    },
    {
      name: "peers at exactly 3 raters are visible",
      groups: { supervisor, peers: ratings(3, 2, 2, 2) },
      // visible weight 0.3 + 0.3 = 0.6 → 0.5 each; no self → no gaps
      weights: { supervisor: 0.5, peers: 0.5 },
      // communication (4 + 2)/2 = 3; interpersonal (4 + 2)/2 = 3; business (3 + 2)/2 = 2.5
      others: { communication: 3, interpersonal: 3, business: 2.5 },
      gaps: { communication: null, interpersonal: null, business: null },
      // overall 0.5 × 11/3 + 0.5 × 2 = 17/6
      overall: 17 / 6,
    },
    {
      name: "a group that skipped a competency is left out of that competency only",
      groups: { self, supervisor: ratings(1, 4, 4, null), peers, subordinates, customers },
      // weights as all visible
      weights: { supervisor: 0.3, peers: 0.3, subordinates: 0.1, customers: 0.3 },
      // business without supervisor: (0.3×4 + 0.1×4 + 0.3×3) / 0.7 = 2.5 / 0.7 = 3.5714…; gap 4 − 25/7 = 3/7
      others: { communication: 4, interpersonal: 3.8, business: 25 / 7 },
      gaps: { communication: 1, interpersonal: 0.2, business: 3 / 7 },
      // supervisor mean over answered competencies (4 + 4)/2 = 4:
      // 0.3×4 + 0.3×10/3 + 0.1×13/3 + 0.3×4 = 1.2 + 1 + 0.4333… + 1.2 = 3.8333…
      overall: 1.2 + 1 + 1.3 / 3 + 1.2,
    },
  ])("$name", ({ groups, weights, others, gaps, overall }) => {
    const result = review360({ groups });
    for (const view of result.groups) {
      const expected = (weights as Partial<Record<RaterGroup, number>>)[view.group];
      if (view.status === "visible" && view.group !== "self") expect(view.effectiveWeight).toBeCloseTo(expected ?? 0, 12);
      if (expected !== undefined) expect(view.status).toBe("visible");
    }
    for (const [id, value] of Object.entries(others)) expect(competency(result, id)?.others).toBeCloseTo(value, 12);
    for (const [id, value] of Object.entries(gaps)) {
      if (value === null) expect(competency(result, id)?.gap).toBeNull();
      else expect(competency(result, id)?.gap).toBeCloseTo(value, 12);
    }
    expect(result.overall).toBeCloseTo(overall, 12);
  });

  it("returns a hidden group with no numbers at all", () => {
    const result = review360({ groups: { self, supervisor, peers: ratings(2, 1, 1, 1), customers } });
    expect(statusOf(result, "peers")).toEqual({ group: "peers", status: "hidden" });
    expect(statusOf(result, "subordinates")).toEqual({ group: "subordinates", status: "absent" });
    expect(result.groups.map((g) => g.group)).toEqual(["self", "supervisor", "peers", "subordinates", "customers"]);
  });

  it("hides a group with zero raters the same way as one with too few", () => {
    const result = review360({ groups: { supervisor, peers: ratings(0, null, null, null) } });
    expect(statusOf(result, "peers")).toEqual({ group: "peers", status: "hidden" });
  });

  it("shows self to the reviewee with weight 0, never counted in others or overall", () => {
    // only self and supervisor: others = supervisor alone (weight 0.3/0.3 = 1)
    const result = review360({ groups: { self: ratings(1, 1, 1, 1), supervisor } });
    expect(statusOf(result, "self")).toEqual({
      group: "self",
      status: "visible",
      raters: 1,
      means: { communication: 1, interpersonal: 1, business: 1 },
      effectiveWeight: 0,
    });
    // overall = 1 × 11/3, not pulled down by self's 1s
    expect(result.overall).toBeCloseTo(11 / 3, 12);
    // communication gap: 1 − 4 = −3
    expect(competency(result, "communication")).toEqual({ competency: "communication", self: 1, others: 4, gap: -3 });
  });

  it("has no overall, others or gaps when only self is visible", () => {
    const result = review360({ groups: { self, peers: ratings(2, 3, 3, 3), customers: ratings(1, 5, 5, 5) } });
    expect(result.overall).toBeNull();
    expect(result.competencies).toEqual([
      { competency: "communication", self: 5, others: null, gap: null },
      { competency: "interpersonal", self: 4, others: null, gap: null },
      { competency: "business", self: 4, others: null, gap: null },
    ]);
  });

  it("has no self column when self did not rate", () => {
    const result = review360({ groups: { self: ratings(0, null, null, null), supervisor } });
    expect(statusOf(result, "self")).toEqual({ group: "self", status: "hidden" });
    expect(competency(result, "business")).toEqual({ competency: "business", self: null, others: 3, gap: null });
  });

  it("applies configured weights, minimums and competencies", () => {
    // peers need 2 here; weights supervisor 0.5, peers 0.5; one competency "safety"
    const result = review360({
      groups: { supervisor: { raters: 1, means: { safety: 4 } }, peers: { raters: 2, means: { safety: 2 } } },
      competencies: ["safety"],
      weights: { self: 0, supervisor: 0.5, peers: 0.5, subordinates: 0, customers: 0 },
      minRaters: { ...DEFAULT_MIN_RATERS, peers: 2 },
    });
    // 0.5×4 + 0.5×2 = 3
    expect(competency(result, "safety")?.others).toBeCloseTo(3, 12);
    expect(result.overall).toBeCloseTo(3, 12);
  });

  it.each([
    { name: "fractional raters", props: { groups: { peers: ratings(2.5, 3, 3, 3) } } },
    { name: "a minimum below 1", props: { groups: {}, minRaters: { ...DEFAULT_MIN_RATERS, peers: 0 } } },
    { name: "a non-finite mean", props: { groups: { peers: ratings(3, Number.NaN, 3, 3) } } },
  ])("refuses $name", ({ props }) => {
    expect(() => review360(props)).toThrow(RangeError);
  });
});

describe("validateRaterWeights", () => {
  it.each([
    // 0.1 + 0.3 + 0.3 + 0 + 0.3 = 1, but self must be 0
    { name: "self weighted", weights: { self: 0.1, supervisor: 0.3, peers: 0.3, subordinates: 0, customers: 0.3 }, codes: ["self-weighted"] },
    // 0.3 + 0.3 + 0.3 + 0.3 = 1.2
    { name: "sum 1.2", weights: { self: 0, supervisor: 0.3, peers: 0.3, subordinates: 0.3, customers: 0.3 }, codes: ["sum-off"] },
    // 0.5 + 0.5 + 0.2 − 0.2 = 1, but a weight is negative
    { name: "negative weight", weights: { self: 0, supervisor: 0.5, peers: 0.5, subordinates: -0.2, customers: 0.2 }, codes: ["negative-weight"] },
  ])("$name → $codes", ({ weights, codes }) => {
    expect(validateRaterWeights(weights).map((p) => p.code)).toEqual(codes);
  });
});
