import { describe, expect, it } from "vitest";
import { classifyGap, spread } from "./gaps";
import { splitSentences } from "../response/sentences";

const SCALE = { min: 1, max: 5 }; // range 4, limit 4 / 3 = 1.333…

describe("classifyGap", () => {
  it.each([
    [4.5, 3, "blind-spot"], // +1.5 > 1.333
    [4.3, 3, "aligned"], // +1.3 ≤ 1.333
    [3, 4.4, "hidden-strength"], // −1.4 < −1.333
    [3, 4.3, "aligned"],
    [3, 3, "aligned"],
  ] as const)("self %s vs others %s → %s", (self, others, kind) => {
    expect(classifyGap(self, others, SCALE)).toBe(kind);
  });

  it("is null without both numbers", () => {
    expect(classifyGap(null, 3, SCALE)).toBeNull();
    expect(classifyGap(3, null, SCALE)).toBeNull();
  });
});

describe("spread", () => {
  it("is the population standard deviation from count, sum and sum of squares", () => {
    // 2, 3, 4: mean 3, variance (1 + 0 + 1) / 3 = 2/3.
    expect(spread({ n: 3, sum: 9, sumSquares: 29 })).toBeCloseTo(Math.sqrt(2 / 3), 12);
    // 4, 4, 4: no spread.
    expect(spread({ n: 3, sum: 12, sumSquares: 48 })).toBe(0);
    expect(spread({ n: 1, sum: 4, sumSquares: 16 })).toBeNull();
  });
});

describe("splitSentences", () => {
  it("splits Chinese and English sentences and drops empty ones", () => {
    expect(splitSentences("响应很快。说明清楚！ Very patient. Thanks")).toEqual(["响应很快。", "说明清楚！", "Very patient.", "Thanks"]);
    expect(splitSentences("  \n ")).toEqual([]);
    expect(splitSentences("版本 2.5 的设备很熟悉；报告要更细")).toEqual(["版本 2.5 的设备很熟悉；", "报告要更细"]);
  });
});
