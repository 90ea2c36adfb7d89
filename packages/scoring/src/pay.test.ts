import { describe, expect, it } from "vitest";
import { computePay, validatePay } from "./pay";

describe("computePay", () => {
  it.each([
    {
      name: "round figures",
      // base 800 000 × 0.6 = 480 000; standard 800 000 × 0.4 = 320 000; actual 320 000 × 1.25 = 400 000
      // pay 480 000 + 400 000 = 880 000
      input: { averagePayCents: 800_000, baseCoefficient: 0.6, kpiValue: 1.25 },
      expected: { baseCents: 480_000, standardPerformanceCents: 320_000, actualPerformanceCents: 400_000, actualPayCents: 880_000 },
    },
    {
      name: "half cents round away from zero, each figure on its own",
      // base 12 345 × 0.5 = 6 172.5 → 6 173; standard 12 345 × 0.5 = 6 172.5 → 6 173 (sum 12 346 = avg + 1)
      // actual 6 173 × 1 = 6 173; pay 6 173 + 6 173 = 12 346
      input: { averagePayCents: 12_345, baseCoefficient: 0.5, kpiValue: 1 },
      expected: { baseCents: 6_173, standardPerformanceCents: 6_173, actualPerformanceCents: 6_173, actualPayCents: 12_346 },
    },
    {
      name: "half cent in actual performance (1.005 is exact, not 1.00499…)",
      // base 500 × 0.8 = 400; standard 500 × 0.2 = 100; actual 100 × 1.005 = 100.5 → 101; pay 400 + 101 = 501
      input: { averagePayCents: 500, baseCoefficient: 0.8, kpiValue: 1.005 },
      expected: { baseCents: 400, standardPerformanceCents: 100, actualPerformanceCents: 101, actualPayCents: 501 },
    },
    {
      name: "actual performance from the rounded standard performance",
      // base 333 × 0.65 = 216.45 → 216; standard 333 × 0.35 = 116.55 → 117
      // actual 117 × 1.1 = 128.7 → 129 (not 116.55 × 1.1 = 128.205 → 128); pay 216 + 129 = 345
      input: { averagePayCents: 333, baseCoefficient: 0.65, kpiValue: 1.1 },
      expected: { baseCents: 216, standardPerformanceCents: 117, actualPerformanceCents: 129, actualPayCents: 345 },
    },
    {
      name: "fractions below a half round down",
      // base 1 001 × 0.7 = 700.7 → 701; standard 1 001 × 0.3 = 300.3 → 300; actual 300 × 1.5 = 450; pay 1 151
      input: { averagePayCents: 1_001, baseCoefficient: 0.7, kpiValue: 1.5 },
      expected: { baseCents: 701, standardPerformanceCents: 300, actualPerformanceCents: 450, actualPayCents: 1_151 },
    },
    {
      name: "KPI half cent: 200 × 0.5025",
      // base 1 000 × 0.8 = 800; standard 200; actual 200 × 0.5025 = 100.5 → 101; pay 901
      input: { averagePayCents: 1_000, baseCoefficient: 0.8, kpiValue: 0.5025 },
      expected: { baseCents: 800, standardPerformanceCents: 200, actualPerformanceCents: 101, actualPayCents: 901 },
    },
    {
      name: "lowest base, highest KPI",
      // base 1 000 000 × 0.5 = 500 000; standard 500 000; actual × 5 = 2 500 000; pay 3 000 000
      input: { averagePayCents: 1_000_000, baseCoefficient: 0.5, kpiValue: 5 },
      expected: { baseCents: 500_000, standardPerformanceCents: 500_000, actualPerformanceCents: 2_500_000, actualPayCents: 3_000_000 },
    },
    {
      name: "highest base, lowest KPI",
      // base 800 000; standard 200 000; actual × 0.5 = 100 000; pay 900 000
      input: { averagePayCents: 1_000_000, baseCoefficient: 0.8, kpiValue: 0.5 },
      expected: { baseCents: 800_000, standardPerformanceCents: 200_000, actualPerformanceCents: 100_000, actualPayCents: 900_000 },
    },
    {
      name: "no pay last month",
      input: { averagePayCents: 0, baseCoefficient: 0.6, kpiValue: 2 },
      expected: { baseCents: 0, standardPerformanceCents: 0, actualPerformanceCents: 0, actualPayCents: 0 },
    },
  ])("$name", ({ input, expected }) => {
    expect(computePay(input)).toEqual(expected);
  });

  it.each([
    { name: "base coefficient 0.49", input: { averagePayCents: 1000, baseCoefficient: 0.49, kpiValue: 1 }, problems: ["base-coefficient-out-of-range"] },
    { name: "base coefficient 0.81", input: { averagePayCents: 1000, baseCoefficient: 0.81, kpiValue: 1 }, problems: ["base-coefficient-out-of-range"] },
    { name: "KPI value 0.49", input: { averagePayCents: 1000, baseCoefficient: 0.6, kpiValue: 0.49 }, problems: ["kpi-value-out-of-range"] },
    { name: "KPI value 5.01", input: { averagePayCents: 1000, baseCoefficient: 0.6, kpiValue: 5.01 }, problems: ["kpi-value-out-of-range"] },
    { name: "fractional cents", input: { averagePayCents: 10.5, baseCoefficient: 0.6, kpiValue: 1 }, problems: ["average-pay-not-whole-cents"] },
    { name: "negative pay", input: { averagePayCents: -100, baseCoefficient: 0.6, kpiValue: 1 }, problems: ["average-pay-negative"] },
    { name: "NaN KPI", input: { averagePayCents: 100, baseCoefficient: 0.6, kpiValue: Number.NaN }, problems: ["kpi-value-out-of-range"] },
  ])("refuses $name", ({ input, problems }) => {
    expect(validatePay(input)).toEqual(problems);
    expect(() => computePay(input)).toThrow(RangeError);
  });

  it.each([
    { baseCoefficient: 0.5, kpiValue: 0.5 },
    { baseCoefficient: 0.8, kpiValue: 5 },
  ])("accepts the bounds ($baseCoefficient, $kpiValue)", (bounds) => {
    expect(validatePay({ averagePayCents: 1000, ...bounds })).toEqual([]);
  });
});
