import { describe, expect, it } from "vitest";
import { exponentialBackoff } from "./backoff";

describe("exponentialBackoff", () => {
  it("doubles from the base per attempt, capped at the maximum", () => {
    const noJitter = exponentialBackoff({ baseMs: 1_000, maxMs: 10_000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(noJitter)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("adds up to the jitter fraction on top", () => {
    const low = exponentialBackoff({ baseMs: 1_000, jitter: 0.2, random: () => 0 });
    const high = exponentialBackoff({ baseMs: 1_000, jitter: 0.2, random: () => 0.999_999 });
    expect(low(3)).toBe(4_000);
    expect(high(3)).toBe(4_800);
  });

  it("spreads eight default attempts over about two hours", () => {
    const b = exponentialBackoff({ random: () => 0 });
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((sum, n) => sum + b(n), 0);
    expect(total).toBe((1 + 2 + 4 + 8 + 16 + 32 + 60) * 60_000);
  });
});
