import { describe, expect, it } from "vitest";
import {
  DEFAULT_GRADE_BANDS,
  type KpiScheme,
  checkMonthlyTotal,
  gradeBand,
  kpiValue,
  schemeHealth,
  schemeTotal,
  validateKpiScheme,
} from "./kpi";

/** Field engineers: four key indicators, each rated 0–10. */
const fieldScheme: KpiScheme = {
  indicators: [
    { id: "compliance", weight: 0.3, max: 10 },
    { id: "fault-response", weight: 0.3, max: 10 },
    { id: "customer-communication", weight: 0.2, max: 10 },
    { id: "information-feedback", weight: 0.2, max: 10 },
  ],
  fullMarks: 100,
  standardScore: 100,
  bands: DEFAULT_GRADE_BANDS,
};

const scores = (c: number, f: number, cc: number, i: number) => ({
  compliance: c,
  "fault-response": f,
  "customer-communication": cc,
  "information-feedback": i,
});

describe("schemeTotal and checkMonthlyTotal", () => {
  it.each([
    {
      name: "weighted scores minus a deduction",
      // 100 × (0.3×9/10 + 0.3×8/10 + 0.2×7/10 + 0.2×10/10) = 100 × (0.27 + 0.24 + 0.14 + 0.2) = 85; − 3 = 82
      scores: scores(9, 8, 7, 10),
      deductions: [{ behaviour: "late service report", points: 3 }],
      indicatorPoints: 85,
      total: 82,
      check: { ok: true },
    },
    {
      name: "full marks refused",
      // 100 × (0.3 + 0.3 + 0.2 + 0.2) = 100, no deductions → equals full marks → refused
      scores: scores(10, 10, 10, 10),
      deductions: [],
      indicatorPoints: 100,
      total: 100,
      check: { ok: false, reason: "reaches-full-marks" },
    },
    {
      name: "full indicator marks with a deduction stand",
      // 100 − 0.5 = 99.5 < 100
      scores: scores(10, 10, 10, 10),
      deductions: [{ behaviour: "uniform", points: 0.5 }],
      indicatorPoints: 100,
      total: 99.5,
      check: { ok: true },
    },
    {
      name: "just below full marks",
      // 100 × (0.3 + 0.3 + 0.2 + 0.2×9.5/10) = 100 × 0.99 = 99
      scores: scores(10, 10, 10, 9.5),
      deductions: [],
      indicatorPoints: 99,
      total: 99,
      check: { ok: true },
    },
    {
      name: "deductions beyond the points floor at 0",
      // 100 × (0.3×1/10 + 0) = 3; 3 − (2 + 4) = −3 → 0
      scores: scores(1, 0, 0, 0),
      deductions: [{ behaviour: "absent", points: 2 }, { behaviour: "rude", points: 4 }],
      indicatorPoints: 3,
      total: 0,
      check: { ok: true },
    },
  ])("$name", ({ scores: s, deductions, indicatorPoints, total, check }) => {
    const got = schemeTotal(fieldScheme, s, deductions);
    expect(got.indicatorPoints).toBeCloseTo(indicatorPoints, 9);
    expect(got.total).toBeCloseTo(total, 9);
    expect(checkMonthlyTotal(got.total, fieldScheme)).toEqual(check);
  });

  it.each([
    { total: 100, fullMarks: 100, standard: 100, check: { ok: false, reason: "reaches-full-marks" } }, // = full marks
    { total: 100 - 1e-10, fullMarks: 100, standard: 100, check: { ok: false, reason: "reaches-full-marks" } }, // float noise at 100
    { total: 99.99, fullMarks: 100, standard: 100, check: { ok: true } },
    { total: 100.5, fullMarks: 100, standard: 100, check: { ok: false, reason: "exceeds-standard" } }, // > standard (and ≥ full): exceeds first
    // full marks 120 (with bonus points), standard 100
    { total: 100, fullMarks: 120, standard: 100, check: { ok: true } }, // = standard: not above it
    { total: 101, fullMarks: 120, standard: 100, check: { ok: false, reason: "exceeds-standard" } },
    { total: 120, fullMarks: 120, standard: 100, check: { ok: false, reason: "exceeds-standard" } },
    { total: 0, fullMarks: 100, standard: 100, check: { ok: true } },
    { total: -1, fullMarks: 100, standard: 100, check: { ok: false, reason: "negative" } },
    { total: Number.NaN, fullMarks: 100, standard: 100, check: { ok: false, reason: "not-finite" } },
  ])("checkMonthlyTotal($total) with full $fullMarks, standard $standard", ({ total, fullMarks, standard, check }) => {
    expect(checkMonthlyTotal(total, { fullMarks, standardScore: standard })).toEqual(check);
  });

  it.each([
    { name: "a missing indicator", s: { compliance: 9 } },
    { name: "a score above max", s: scores(11, 8, 7, 10) },
    { name: "a negative score", s: scores(-1, 8, 7, 10) },
    { name: "an unknown indicator", s: { ...scores(9, 8, 7, 10), punctuality: 5 } },
  ])("schemeTotal refuses $name", ({ s }) => {
    expect(() => schemeTotal(fieldScheme, s)).toThrow(RangeError);
  });

  it("schemeTotal refuses a deduction of 0 or less", () => {
    expect(() => schemeTotal(fieldScheme, scores(9, 8, 7, 10), [{ behaviour: "x", points: 0 }])).toThrow(RangeError);
  });
});

describe("grades and KPI value", () => {
  it.each([
    { total: 99.5, grade: "A" },
    { total: 90, grade: "A" }, // lower bound inclusive
    { total: 89.9, grade: "B" },
    { total: 75, grade: "B" },
    { total: 74.99, grade: "C" },
    { total: 60, grade: "C" },
    { total: 59.9, grade: "D" },
    { total: 0, grade: "D" },
    { total: -1, grade: null }, // below every band
  ])("gradeBand($total) = $grade", ({ total, grade }) => {
    expect(gradeBand(total)?.grade ?? null).toBe(grade);
  });

  it("grades by configured bands, in any order", () => {
    const bands = [
      { grade: "pass", min: 0, kpiValue: 1 },
      { grade: "merit", min: 80, kpiValue: 2 },
    ];
    expect(gradeBand(85, bands)?.grade).toBe("merit");
    expect(gradeBand(79, bands)?.grade).toBe("pass");
  });

  const linear = { kind: "linear", totalForOne: 80, perPoint: 0.05 } as const;
  it.each([
    { name: "band A", total: 92, rule: undefined, value: 1.5 },
    { name: "band B", total: 80, rule: undefined, value: 1 },
    { name: "band C", total: 65, rule: undefined, value: 0.8 },
    { name: "band D", total: 10, rule: undefined, value: 0.5 },
    // custom band value 6 is clamped to 5
    { name: "band value above 5 clamped", total: 95, rule: { kind: "bands", bands: [{ grade: "S", min: 0, kpiValue: 6 }] } as const, value: 5 },
    { name: "linear above", total: 90, rule: linear, value: 1.5 }, // 1 + (90 − 80) × 0.05 = 1.5
    { name: "linear at one", total: 80, rule: linear, value: 1 }, // 1 + 0
    { name: "linear at 0.5 exactly", total: 70, rule: linear, value: 0.5 }, // 1 − 10 × 0.05 = 0.5
    { name: "linear below 0.5 clamped", total: 40, rule: linear, value: 0.5 }, // 1 − 40 × 0.05 = −1 → 0.5
    { name: "linear above 5 clamped", total: 200, rule: linear, value: 5 }, // 1 + 120 × 0.05 = 7 → 5
  ])("$name: kpiValue($total) = $value", ({ total, rule, value }) => {
    expect(kpiValue(total, rule)).toBeCloseTo(value, 12);
  });
});

describe("schemeHealth", () => {
  /** Support staff: work plan 60 %, daily work 40 %, both rated 0–10. */
  const support = {
    indicators: [
      { id: "work-plan", weight: 0.6, max: 10 },
      { id: "daily-work", weight: 0.4, max: 10 },
    ],
  };
  const employee = (kpi: number, plan: number, daily: number) => ({ kpiValue: kpi, scores: { "work-plan": plan, "daily-work": daily } });

  it.each([
    {
      name: "4 of 5 below 1 is unreasonable (boundary 80 %)",
      employees: [employee(0.8, 5, 9), employee(0.9, 6, 8), employee(0.7, 4, 9), employee(0.8, 5, 10), employee(1.2, 9, 9)],
      // 4/5 = 0.8 ≥ 0.8 → unreasonable
      belowOne: 4,
      share: 0.8,
      unreasonable: true,
      // work-plan: (5 + 6 + 4 + 5 + 9)/10/5 = 0.58; daily-work: (9 + 8 + 9 + 10 + 9)/10/5 = 0.9 → plan pulls down
      ranking: [["work-plan", 0.58], ["daily-work", 0.9]],
    },
    {
      name: "3 of 5 below 1 is acceptable",
      employees: [employee(0.8, 5, 9), employee(0.9, 6, 8), employee(0.7, 4, 9), employee(1, 8, 6), employee(1.2, 9, 9)],
      // 3/5 = 0.6 < 0.8; a KPI value of exactly 1 is not below 1
      belowOne: 3,
      share: 0.6,
      unreasonable: false,
      // plan (5+6+4+8+9)/50 = 0.64; daily (9+8+9+6+9)/50 = 0.82
      ranking: [["work-plan", 0.64], ["daily-work", 0.82]],
    },
    {
      name: "equal ratios keep scheme order",
      employees: [employee(0.9, 5, 5)],
      // 1/1 = 1 ≥ 0.8; both 0.5 → scheme order
      belowOne: 1,
      share: 1,
      unreasonable: true,
      ranking: [["work-plan", 0.5], ["daily-work", 0.5]],
    },
  ])("$name", ({ employees, belowOne, share, unreasonable, ranking }) => {
    const got = schemeHealth(support, employees);
    expect(got.employees).toBe(employees.length);
    expect(got.belowOne).toBe(belowOne);
    expect(got.shareBelowOne).toBeCloseTo(share, 12);
    expect(got.unreasonable).toBe(unreasonable);
    expect(got.indicators.map((i) => i.indicator)).toEqual(ranking.map((r) => r[0]));
    got.indicators.forEach((i, n) => expect(i.meanRatio).toBeCloseTo(ranking[n][1] as number, 12));
  });

  it("has no share and is not unreasonable with no employees", () => {
    expect(schemeHealth(support, [])).toEqual({
      employees: 0,
      belowOne: 0,
      shareBelowOne: null,
      unreasonable: false,
      indicators: [
        { indicator: "work-plan", meanRatio: null },
        { indicator: "daily-work", meanRatio: null },
      ],
    });
  });
});

describe("validateKpiScheme", () => {
  it.each([
    { name: "the field scheme", scheme: fieldScheme, codes: [] },
    // 0.5 ≠ 1
    { name: "weights summing to 0.5", scheme: { ...fieldScheme, indicators: [{ id: "a", weight: 0.5, max: 10 }] }, codes: ["sum-off"] },
    { name: "standard above full marks", scheme: { ...fieldScheme, standardScore: 110 }, codes: ["standard-above-full-marks"] },
    { name: "bands starting at 60", scheme: { ...fieldScheme, bands: [{ grade: "A", min: 60, kpiValue: 1 }] }, codes: ["bands-not-covering-zero"] },
    { name: "no bands", scheme: { ...fieldScheme, bands: [] }, codes: ["no-bands"] },
    {
      name: "duplicate indicator, zero max, band KPI value 0.4",
      scheme: {
        ...fieldScheme,
        indicators: [{ id: "a", weight: 0.5, max: 10 }, { id: "a", weight: 0.5, max: 0 }],
        bands: [{ grade: "D", min: 0, kpiValue: 0.4 }],
      },
      codes: ["duplicate-indicator", "bad-max", "band-kpi-out-of-range"],
    },
  ])("$name → $codes", ({ scheme, codes }) => {
    expect(validateKpiScheme(scheme).map((p) => p.code)).toEqual(codes);
  });
});
