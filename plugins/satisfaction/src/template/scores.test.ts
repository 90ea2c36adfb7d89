import { describe, expect, it } from "vitest";
import { scoreResponse } from "./scores";
import { DEFAULT_TEMPLATE } from "./default-template";
import type { TemplateDefinition } from "./definition";
import { validateTemplate } from "./definition";

// DOMAIN.md §1 with the default template: weights quality 0.30, price 0.15, delivery 0.20,
// packaging 0.10, after-sales service 0.25; levels 100/80/60/40/20; satisfied at ≥ 85;
// product = {quality, price, packaging} (weights 0.30 + 0.15 + 0.10 = 0.55),
// service = {delivery, service} (weights 0.20 + 0.25 = 0.45).

/** quality, price, delivery, packaging, service */
function answers(q: number, p: number, d: number, pk: number, s: number, extra: Record<string, unknown> = {}) {
  return { quality: q, price: p, delivery: d, packaging: pk, service: s, ...extra };
}

function score(a: Record<string, unknown>, def: TemplateDefinition = DEFAULT_TEMPLATE) {
  const result = scoreResponse(def, a);
  if (!result) throw new Error("expected a scored response");
  return result;
}

describe("scoreResponse: the weighted score and the satisfied flag", () => {
  it("100/80/60/100/80 scores 84, one point short of satisfied", () => {
    // 0.3·100 + 0.15·80 + 0.2·60 + 0.1·100 + 0.25·80 = 30 + 12 + 12 + 10 + 20 = 84
    const r = score(answers(100, 80, 60, 100, 80));
    expect(r.score).toBeCloseTo(84, 9);
    expect(r.satisfied).toBe(false);
    expect(r.items).toEqual({ quality: 100, price: 80, delivery: 60, packaging: 100, service: 80 });
  });

  it("every item 'satisfied' (80) scores 80, which is not satisfied at 85", () => {
    // 0.3·80 + 0.15·80 + 0.2·80 + 0.1·80 + 0.25·80 = 24 + 12 + 16 + 8 + 20 = 80
    const r = score(answers(80, 80, 80, 80, 80));
    expect(r.score).toBeCloseTo(80, 9);
    expect(r.satisfied).toBe(false);
  });

  it("a score of exactly 85 is satisfied (≥, not >), whatever the floating-point noise", () => {
    // 80/80/80/80/100: 24 + 12 + 16 + 8 + 25 = 85
    const a = score(answers(80, 80, 80, 80, 100));
    expect(a.score).toBeCloseTo(85, 9);
    expect(a.satisfied).toBe(true);
    // 80/100/100/60/80: 24 + 15 + 20 + 6 + 20 = 85
    const b = score(answers(80, 100, 100, 60, 80));
    expect(b.score).toBeCloseTo(85, 9);
    expect(b.satisfied).toBe(true);
    // 100/100/80/40/80: 30 + 15 + 16 + 4 + 20 = 85
    const c = score(answers(100, 100, 80, 40, 80));
    expect(c.score).toBeCloseTo(85, 9);
    expect(c.satisfied).toBe(true);
  });

  it("one level lower on the cheapest item drops below 85", () => {
    // 80/80/80/60/100: 24 + 12 + 16 + 6 + 25 = 83
    const r = score(answers(80, 80, 80, 60, 100));
    expect(r.score).toBeCloseTo(83, 9);
    expect(r.satisfied).toBe(false);
  });

  it("all best gives 100, all worst gives 20", () => {
    expect(score(answers(100, 100, 100, 100, 100)).score).toBeCloseTo(100, 9);
    // 6 + 3 + 4 + 2 + 5 = 20
    expect(score(answers(20, 20, 20, 20, 20)).score).toBeCloseTo(20, 9);
  });

  it("the same score is computed from answer values sent as strings", () => {
    // A form post may carry "100"; it is the same level: 30 + 12 + 12 + 10 + 20 = 84
    const r = score({ quality: "100", price: "80", delivery: "60", packaging: "100", service: "80" });
    expect(r.score).toBeCloseTo(84, 9);
  });

  it("returns null when a rated item is missing or answered off the scale", () => {
    expect(scoreResponse(DEFAULT_TEMPLATE, { quality: 100, price: 80, delivery: 60, packaging: 100 })).toBeNull();
    expect(scoreResponse(DEFAULT_TEMPLATE, answers(100, 80, 60, 100, 90))).toBeNull();
    expect(scoreResponse(DEFAULT_TEMPLATE, answers(100, 80, 60, 100, 0))).toBeNull();
  });
});

describe("scoreResponse: product and service groups of one response", () => {
  it("rescales the weights within each group", () => {
    // 100/80/60/100/80
    // product = (0.3·100 + 0.15·80 + 0.1·100) / 0.55 = (30 + 12 + 10) / 0.55 = 52 / 0.55 = 94.5454…
    // service = (0.2·60 + 0.25·80) / 0.45 = (12 + 20) / 0.45 = 32 / 0.45 = 71.1111…
    const r = score(answers(100, 80, 60, 100, 80));
    expect(r.product).toBeCloseTo(52 / 0.55, 9);
    expect(r.product).toBeCloseTo(94.545454545, 6);
    expect(r.service).toBeCloseTo(32 / 0.45, 9);
    expect(r.service).toBeCloseTo(71.111111111, 6);
    // The two groups, weighted by their shares of the item weights, give back the score:
    // 0.55 · 94.5454… + 0.45 · 71.1111… = 52 + 32 = 84
    expect(0.55 * r.product! + 0.45 * r.service!).toBeCloseTo(84, 9);
  });

  it("80/100/100/60/80: product 81.82, service 88.89", () => {
    // product = (0.3·80 + 0.15·100 + 0.1·60) / 0.55 = (24 + 15 + 6) / 0.55 = 45 / 0.55 = 81.8181…
    // service = (0.2·100 + 0.25·80) / 0.45 = (20 + 20) / 0.45 = 88.8888…
    const r = score(answers(80, 100, 100, 60, 80));
    expect(r.product).toBeCloseTo(81.818181818, 6);
    expect(r.service).toBeCloseTo(88.888888889, 6);
  });

  it("follows the template's groups, not a fixed split", () => {
    // Move delivery into the product group: product = {quality, price, delivery, packaging}
    // (weights 0.75), service = {service} (0.25).
    const def: TemplateDefinition = {
      ...DEFAULT_TEMPLATE,
      items: DEFAULT_TEMPLATE.items.map((i) => (i.id === "delivery" ? { ...i, group: "product" as const } : i)),
    };
    // 100/80/60/100/80: product = (30 + 12 + 12 + 10) / 0.75 = 64 / 0.75 = 85.3333…, service = 80
    const r = score(answers(100, 80, 60, 100, 80), def);
    expect(r.product).toBeCloseTo(64 / 0.75, 9);
    expect(r.service).toBeCloseTo(80, 9);
    expect(r.score).toBeCloseTo(84, 9);
  });
});

describe("scoreResponse: the lowest-level flag", () => {
  it("is set when any item is at the lowest level, even for a satisfied score", () => {
    // 100/100/100/20/100: 30 + 15 + 20 + 2 + 25 = 92 → satisfied, but packaging is 非常不满意
    const r = score(answers(100, 100, 100, 20, 100));
    expect(r.score).toBeCloseTo(92, 9);
    expect(r.satisfied).toBe(true);
    expect(r.lowestLevel).toBe(true);
  });

  it("is not set by the second-lowest level", () => {
    // 40/40/40/40/40 = 40: dissatisfied everywhere, but never "very dissatisfied"
    const r = score(answers(40, 40, 40, 40, 40));
    expect(r.score).toBeCloseTo(40, 9);
    expect(r.lowestLevel).toBe(false);
    expect(score(answers(100, 80, 60, 100, 80)).lowestLevel).toBe(false);
  });

  it("uses the template's own lowest level on a custom scale", () => {
    // Three levels, values are words: good 100, fair 50, poor 0; weights 0.5 / 0.5; threshold 75.
    const def: TemplateDefinition = {
      ...DEFAULT_TEMPLATE,
      items: [
        { id: "quality", question: "q1", title: { en: "Quality", "zh-CN": "质量" }, weight: 0.5, group: "product" },
        { id: "service", question: "q2", title: { en: "Service", "zh-CN": "服务" }, weight: 0.5, group: "service" },
      ],
      scale: [
        { value: "good", points: 100, label: { en: "Good", "zh-CN": "好" } },
        { value: "fair", points: 50, label: { en: "Fair", "zh-CN": "一般" } },
        { value: "poor", points: 0, label: { en: "Poor", "zh-CN": "差" } },
      ],
      threshold: 75,
    };
    expect(validateTemplate(def)).toEqual([]);
    // good + fair: 0.5·100 + 0.5·50 = 75 → satisfied at 75, no lowest level
    const a = score({ q1: "good", q2: "fair" }, def);
    expect(a.score).toBeCloseTo(75, 9);
    expect(a.satisfied).toBe(true);
    expect(a.lowestLevel).toBe(false);
    expect(a.items).toEqual({ quality: 100, service: 50 });
    // good + poor: 50 → not satisfied, lowest level (0 points)
    const b = score({ q1: "good", q2: "poor" }, def);
    expect(b.score).toBeCloseTo(50, 9);
    expect(b.satisfied).toBe(false);
    expect(b.lowestLevel).toBe(true);
    // An answer keyed by item id instead of question name is not an answer
    expect(scoreResponse(def, { quality: "good", service: "good" })).toBeNull();
  });
});

describe("scoreResponse: comments", () => {
  it("collects each item's 'why' and the closing comment, trimmed, skipping blanks", () => {
    const r = score(
      answers(100, 60, 40, 80, 80, {
        price_why: "  价格偏高，希望有批量折扣。 ",
        delivery_why: "Two deliveries were late.",
        packaging_why: "   ",
        comments: "售后响应慢。\n",
      }),
    );
    expect(r.comments).toEqual([
      { item: "price", text: "价格偏高，希望有批量折扣。" },
      { item: "delivery", text: "Two deliveries were late." },
      { item: null, text: "售后响应慢。" },
    ]);
  });

  it("has no comments when none were written", () => {
    expect(score(answers(80, 80, 80, 80, 80)).comments).toEqual([]);
  });
});
