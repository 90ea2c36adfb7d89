import { describe, expect, it } from "vitest";
import { DEFAULT_FIELD_SCHEME, DEFAULT_SUPPORT_SCHEME, type SchemeDefinition } from "../scheme/definition";
import { scoreSheet, workPlanScore } from "./sheet-score";

// Field scheme: weights 0.3 / 0.3 / 0.2 / 0.2, each scored 0–10, full marks 100, bands A ≥ 90 (1.5),
// B ≥ 75 (1), C ≥ 60 (0.8), D (0.5).
const field = (compliance: number, fault: number, communication: number, feedback: number) => ({
  compliance,
  "fault-response": fault,
  "customer-communication": communication,
  "information-feedback": feedback,
});

describe("scoreSheet: totals and deductions", () => {
  it("adds the weighted indicators and takes the key-behaviour deductions off", () => {
    // 100 × (0.3×0.9 + 0.3×0.8 + 0.2×0.7 + 0.2×1.0) = 27 + 24 + 14 + 20 = 85; − 3 − 5 = 77 → B, KPI 1
    const r = scoreSheet(DEFAULT_FIELD_SCHEME, field(9, 8, 7, 10), [], [3, 5]);
    expect(r).toEqual({ ok: true, scores: field(9, 8, 7, 10), indicatorPoints: 85, deductionPoints: 8, total: 77, grade: "B", kpiValue: 1 });
  });

  it("floors the total at 0 when deductions exceed the points", () => {
    // 100 × 0.3 × 0.1 = 3 points; − 10 → 0 → D, KPI 0.5
    const r = scoreSheet(DEFAULT_FIELD_SCHEME, field(1, 0, 0, 0), [], [10]);
    expect(r).toMatchObject({ ok: true, total: 0, grade: "D", kpiValue: 0.5 });
  });

  it("computes technical support's work plan from the plan items", () => {
    // plan: 60 % × 90 % + 40 % × 50 % = 74 % of 100 = 74; total 100 × (0.7 × 0.74 + 0.3 × 0.8) = 51.8 + 24 = 75.8 → B
    expect(workPlanScore([{ weight: 60, completion: 90 }, { weight: 40, completion: 50 }], 100)).toBe(74);
    const r = scoreSheet(DEFAULT_SUPPORT_SCHEME, { "daily-work": 80 }, [{ weight: 60, completion: 90 }, { weight: 40, completion: 50 }], []);
    expect(r).toMatchObject({ ok: true, scores: { "work-plan": 74, "daily-work": 80 }, total: 75.8, grade: "B", kpiValue: 1 });
  });
});

describe("scoreSheet: a total never reaches full marks nor exceeds the standard score", () => {
  it("refuses a perfect month: 10/10 everywhere is 100 = full marks", () => {
    expect(scoreSheet(DEFAULT_FIELD_SCHEME, field(10, 10, 10, 10), [], [])).toEqual({ ok: false, reason: "reaches-full-marks", total: 100 });
  });

  it("accepts the same month with one deduction (97) and half a point less (98.5)", () => {
    expect(scoreSheet(DEFAULT_FIELD_SCHEME, field(10, 10, 10, 10), [], [3])).toMatchObject({ ok: true, total: 97 });
    // 100 × (0.3 × 0.95 + 0.3 + 0.2 + 0.2) = 98.5
    expect(scoreSheet(DEFAULT_FIELD_SCHEME, field(9.5, 10, 10, 10), [], [])).toMatchObject({ ok: true, total: 98.5, grade: "A", kpiValue: 1.5 });
  });

  it("refuses a total above a standard score set below full marks", () => {
    const strict: SchemeDefinition = { ...DEFAULT_FIELD_SCHEME, standardScore: 95 };
    // 98.5 > 95
    expect(scoreSheet(strict, field(9.5, 10, 10, 10), [], [])).toEqual({ ok: false, reason: "exceeds-standard", total: 98.5 });
    // exactly the standard score stands: 10/10/10/7.5 = 30 + 30 + 20 + 15 = 95
    expect(scoreSheet(strict, field(10, 10, 10, 7.5), [], [])).toMatchObject({ ok: true, total: 95 });
    // 30 + 30 + 20 + 16 = 96 > 95
    expect(scoreSheet(strict, field(10, 10, 10, 8), [], [])).toEqual({ ok: false, reason: "exceeds-standard", total: 96 });
  });

  it("refuses a support month whose plan is fully done and daily work perfect", () => {
    expect(scoreSheet(DEFAULT_SUPPORT_SCHEME, { "daily-work": 100 }, [{ weight: 100, completion: 100 }], [])).toEqual({ ok: false, reason: "reaches-full-marks", total: 100 });
  });
});

describe("scoreSheet: KPI value mapping", () => {
  it("by bands: the band's KPI value at each lower bound", () => {
    // 30+30+10+20 = 90 → A 1.5; 28.5+27+17+17 = 89.5 → B 1; 75 → B 1; 60 → C 0.8; 18+18+12+11.5 = 59.5 → D 0.5
    const at = (c: number, f: number, m: number, i: number) => scoreSheet(DEFAULT_FIELD_SCHEME, field(c, f, m, i), [], []);
    expect(at(10, 10, 5, 10)).toMatchObject({ total: 90, grade: "A", kpiValue: 1.5 });
    expect(at(10, 10, 10, 5)).toMatchObject({ total: 90, kpiValue: 1.5 });
    expect(at(9.5, 9, 8.5, 8.5)).toMatchObject({ total: 89.5, grade: "B", kpiValue: 1 });
    expect(at(7.5, 7.5, 7.5, 7.5)).toMatchObject({ total: 75, grade: "B", kpiValue: 1 });
    expect(at(6, 6, 6, 6)).toMatchObject({ total: 60, grade: "C", kpiValue: 0.8 });
    expect(at(6, 6, 6, 5.75)).toMatchObject({ total: 59.5, grade: "D", kpiValue: 0.5 });
  });

  it("by a linear rule, clamped to 0.5–5", () => {
    const linear: SchemeDefinition = { ...DEFAULT_FIELD_SCHEME, kpiRule: { kind: "linear", totalForOne: 80, perPoint: 0.05 } };
    // 90 → 1 + 10 × 0.05 = 1.5; 80 → 1; 60 → 1 − 20 × 0.05 = 0 → clamped to 0.5
    expect(scoreSheet(linear, field(10, 10, 5, 10), [], [])).toMatchObject({ total: 90, kpiValue: 1.5 });
    expect(scoreSheet(linear, field(8, 8, 8, 8), [], [])).toMatchObject({ total: 80, kpiValue: 1 });
    expect(scoreSheet(linear, field(6, 6, 6, 6), [], [])).toMatchObject({ total: 60, kpiValue: 0.5 });
    // a steep rule: 1 + (99 − 80) × 0.5 = 10.5 → clamped to 5
    const steep: SchemeDefinition = { ...DEFAULT_FIELD_SCHEME, kpiRule: { kind: "linear", totalForOne: 80, perPoint: 0.5 } };
    expect(scoreSheet(steep, field(10, 10, 10, 10), [], [1])).toMatchObject({ total: 99, kpiValue: 5 });
  });
});
