import { describe, expect, it } from "vitest";
import { mean, sumsToOne, weightedMean } from "./weights";

describe("weights", () => {
  it.each([
    { pairs: [{ value: 100, weight: 0.3 }, { value: 50, weight: 0.1 }], expected: 87.5 }, // (30 + 5) / 0.4
    { pairs: [{ value: 80, weight: 1 }], expected: 80 },
    { pairs: [{ value: 80, weight: 0 }], expected: null }, // no weight: nothing to average
    { pairs: [], expected: null },
  ])("weightedMean → $expected", ({ pairs, expected }) => {
    const got = weightedMean(pairs);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 12);
  });

  it("mean and sumsToOne", () => {
    expect(mean([80, 60])).toBe(70);
    expect(mean([])).toBeNull();
    expect(sumsToOne([0.3, 0.15, 0.2, 0.1, 0.25])).toBe(true);
    expect(sumsToOne([0.3, 0.3])).toBe(false);
  });
});
