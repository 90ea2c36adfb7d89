import { describe, expect, it } from "vitest";
import { satisfactionCost } from "./cost";

describe("satisfactionCost", () => {
  it.each([
    {
      // nonconforming 120 000 × 1.5 = 180 000; service 120 000 + 180 000 = 300 000; total 500 000 + 300 000 = 800 000
      input: { conformingQualityCents: 500_000, routineServiceCents: 120_000, amplificationFactor: 1.5 },
      expected: { nonconformingServiceCents: 180_000, serviceQualityCents: 300_000, totalCents: 800_000 },
    },
    {
      // 1 001 × 0.5 = 500.5 → 501; service 1 001 + 501 = 1 502; total 0 + 1 502
      input: { conformingQualityCents: 0, routineServiceCents: 1_001, amplificationFactor: 0.5 },
      expected: { nonconformingServiceCents: 501, serviceQualityCents: 1_502, totalCents: 1_502 },
    },
    {
      // 333 × 0.15 = 49.95 → 50; service 383; total 1 000 + 383 = 1 383
      input: { conformingQualityCents: 1_000, routineServiceCents: 333, amplificationFactor: 0.15 },
      expected: { nonconformingServiceCents: 50, serviceQualityCents: 383, totalCents: 1_383 },
    },
    {
      // 100 × 1.005 = 100.5 → 101 (exact decimal factor); service 201; total 201
      input: { conformingQualityCents: 0, routineServiceCents: 100, amplificationFactor: 1.005 },
      expected: { nonconformingServiceCents: 101, serviceQualityCents: 201, totalCents: 201 },
    },
    {
      // no routine service: nothing to amplify; total = conforming quality cost
      input: { conformingQualityCents: 100_000, routineServiceCents: 0, amplificationFactor: 3 },
      expected: { nonconformingServiceCents: 0, serviceQualityCents: 0, totalCents: 100_000 },
    },
    {
      // factor 0 (every product conforming): service = routine
      input: { conformingQualityCents: 10, routineServiceCents: 20, amplificationFactor: 0 },
      expected: { nonconformingServiceCents: 0, serviceQualityCents: 20, totalCents: 30 },
    },
  ])("$input.routineServiceCents × $input.amplificationFactor", ({ input, expected }) => {
    expect(satisfactionCost(input)).toEqual({
      routineServiceCents: input.routineServiceCents,
      conformingQualityCents: input.conformingQualityCents,
      ...expected,
    });
  });

  it.each([
    { conformingQualityCents: 0, routineServiceCents: 100, amplificationFactor: -1 },
    { conformingQualityCents: 0.5, routineServiceCents: 100, amplificationFactor: 1 },
    { conformingQualityCents: 0, routineServiceCents: -100, amplificationFactor: 1 },
  ])("refuses %o", (input) => {
    expect(() => satisfactionCost(input)).toThrow(RangeError);
  });
});
