import { describe, expect, it } from "vitest";
import { divideRounded, multiplyCents, toMillionths } from "./money";

describe("money rounding", () => {
  it.each([
    { n: 25n, d: 10n, q: 3n }, // 2.5 → 3 (half away from zero)
    { n: -25n, d: 10n, q: -3n }, // −2.5 → −3
    { n: 15n, d: 10n, q: 2n }, // 1.5 → 2
    { n: 24n, d: 10n, q: 2n }, // 2.4 → 2
    { n: 26n, d: 10n, q: 3n }, // 2.6 → 3
    { n: -24n, d: 10n, q: -2n }, // −2.4 → −2
    { n: 0n, d: 7n, q: 0n },
  ])("divideRounded($n, $d) = $q", ({ n, d, q }) => {
    expect(divideRounded(n, d)).toBe(q);
  });

  it.each([
    { cents: 100, factor: 1.005, expected: 101 }, // 100.5 → 101 (Math.round(100 × 1.005) would give 100)
    { cents: 1001, factor: 0.7, expected: 701 }, // 700.7 → 701
    { cents: 333, factor: 0.15, expected: 50 }, // 49.95 → 50
    { cents: -5, factor: 0.5, expected: -3 }, // −2.5 → −3
    { cents: 999, factor: 0, expected: 0 },
  ])("multiplyCents($cents, $factor) = $expected", ({ cents, factor, expected }) => {
    expect(multiplyCents(cents, factor)).toBe(expected);
  });

  it("takes factors to six decimal places", () => {
    expect(toMillionths(0.65)).toBe(650_000);
    expect(toMillionths(1.0000004)).toBe(1_000_000);
    expect(() => toMillionths(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => multiplyCents(10.5, 1)).toThrow(RangeError);
  });
});
