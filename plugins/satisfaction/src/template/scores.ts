import { customerScore, groupSatisfaction, isSatisfied } from "@aftercare/scoring/satisfaction";
import type { TemplateDefinition } from "./definition";
import { itemGroups, itemWeights } from "./definition";
import { CLOSING_QUESTION, whyQuestion } from "./survey-json";

/** Everything stored for one response, as numbers. */
export interface ResponseScores {
  /** item id → points (0–100) */
  readonly items: Readonly<Record<string, number>>;
  readonly score: number;
  readonly satisfied: boolean;
  readonly product: number | null;
  readonly service: number | null;
  /** Some item was answered at the lowest level of the scale. */
  readonly lowestLevel: boolean;
  /** item id (or null for the closing question) → comment */
  readonly comments: readonly { item: string | null; text: string }[];
}

/**
 * Turns validated answers into scores: each item's points (by its scale level), the weighted
 * score, the satisfied flag (score ≥ threshold) and the product/service group scores of this
 * one customer. Returns null when a rated item has no answer the scale knows.
 *
 * @example
 * scoreResponse(DEFAULT_TEMPLATE, { quality: 100, price: 80, delivery: 60, packaging: 100, service: 80 }).score // 84
 */
export function scoreResponse(def: TemplateDefinition, answers: Readonly<Record<string, unknown>>): ResponseScores | null {
  const points: Record<string, number> = {};
  for (const item of def.items) {
    const answer = answers[item.question];
    const level = def.scale.find((l) => l.value === answer || (typeof answer === "string" && String(l.value) === answer));
    if (!level) return null;
    points[item.id] = level.points;
  }
  const weights = itemWeights(def);
  const score = customerScore(points, weights);
  if (score === null) return null;
  const groups = groupSatisfaction(
    def.items.map((i) => ({ item: i.id, average: points[i.id], answers: 1 })),
    { weights, groups: itemGroups(def), productWeight: def.productWeight },
  );
  const lowest = Math.min(...def.scale.map((l) => l.points));
  const comments: { item: string | null; text: string }[] = [];
  for (const item of def.items) {
    const text = answers[whyQuestion(item.id)];
    if (typeof text === "string" && text.trim()) comments.push({ item: item.id, text: text.trim() });
  }
  const closing = answers[CLOSING_QUESTION];
  if (typeof closing === "string" && closing.trim()) comments.push({ item: null, text: closing.trim() });
  return {
    items: points,
    score,
    satisfied: isSatisfied(score, def.threshold),
    product: groups.product,
    service: groups.service,
    lowestLevel: Object.values(points).some((p) => p === lowest),
    comments,
  };
}
