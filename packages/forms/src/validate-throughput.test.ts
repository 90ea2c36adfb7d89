// One compiled validator serves many submissions (1,000/s in production): 10,000 validations of a
// five-rating survey, each result checked against an independent oracle. No timing assertions.
import { describe, expect, it } from "vitest";
import type { SurveyJson } from "./types";
import { compileSurvey, type ValidationResult } from "./validate";

const NAMES = ["q1", "q2", "q3", "q4", "q5"] as const;
const json: SurveyJson = {
  elements: NAMES.map((name, i) => ({ type: "rating" as const, name, isRequired: i < 3, title: { en: `Q${i + 1}`, "zh-cn": `问题${i + 1}` } })),
};

/** Values a client (or a forger) may send for one rating. */
const POOL: readonly unknown[] = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 0, 6, -1, 2.5, "3", null, undefined, Number.NaN, Number.POSITIVE_INFINITY, true, [3]];

/** Deterministic pseudo-random numbers (LCG), so a failure is reproducible. */
function* numbers(seed: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    yield state >>> 8; // the low bits of an LCG are not random
  }
}

/** What the result must be, computed without the validator. */
function oracle(answers: Record<string, unknown>): { ok: boolean; data: Record<string, number>; failing: string[] } {
  const data: Record<string, number> = {};
  const failing: string[] = [];
  NAMES.forEach((name, i) => {
    const value = answers[name];
    if (value === undefined || value === null) {
      if (i < 3) failing.push(name);
    } else if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 5) {
      data[name] = value;
    } else {
      failing.push(name);
    }
  });
  if ("extra" in answers) failing.push("extra");
  return { ok: failing.length === 0, data, failing };
}

describe("compileSurvey + validate, many submissions", () => {
  it("gives the right result for each of 10,000 validations of a 5-rating survey", () => {
    const form = compileSurvey(json);
    const random = numbers(20261127);
    const next = (): number => random.next().value as number;
    let okCount = 0;
    for (let i = 0; i < 10_000; i++) {
      const answers: Record<string, unknown> = {};
      // Half of the submissions are all-valid, the rest draw from the whole pool.
      const clean = next() % 2 === 0;
      for (const name of NAMES) {
        const value = clean ? 1 + (next() % 5) : POOL[next() % POOL.length];
        if (value !== undefined) answers[name] = value;
      }
      if (!clean && next() % 10 === 0) answers.extra = 1;
      const locale = next() % 2 === 0 ? "en" : "zh-CN";

      const result: ValidationResult = form.validate(answers, locale);
      const expected = oracle(answers);
      expect(result.ok, JSON.stringify(answers)).toBe(expected.ok);
      if (result.ok) {
        okCount++;
        expect(result.data).toEqual(expected.data);
      } else {
        expect(result.errors.map((e) => e.name)).toEqual(expected.failing);
        for (const error of result.errors) expect(error.message).not.toBe("");
      }
    }
    // Both branches were exercised substantially.
    expect(okCount).toBeGreaterThan(4_000);
    expect(okCount).toBeLessThan(10_000);
  });
});
