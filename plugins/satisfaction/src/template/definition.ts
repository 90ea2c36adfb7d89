import { sumsToOne } from "@aftercare/scoring/weights";
import type { Locale } from "@aftercare/plugin-api";

/** Text in both interface languages. */
export type Bilingual = { readonly en: string; readonly "zh-CN": string };

export interface TemplateItem {
  /** Stable id used in scores and reports (quality, price, …). */
  readonly id: string;
  /** The SurveyJS question whose answer rates this item. */
  readonly question: string;
  readonly title: Bilingual;
  readonly weight: number;
  readonly group: "product" | "service";
}

export interface ScaleLevel {
  /** The answer value the survey stores (for generated templates, the points themselves). */
  readonly value: string | number;
  readonly points: number;
  readonly label: Bilingual;
}

/** A satisfaction template: what is asked, and how answers become scores. */
export interface TemplateDefinition {
  readonly title: Bilingual;
  readonly intro: Bilingual;
  readonly items: readonly TemplateItem[];
  /** Levels from best to worst. */
  readonly scale: readonly ScaleLevel[];
  readonly threshold: number;
  /** w_product; w_service = 1 − w_product. */
  readonly productWeight: number;
  /** Ask "why?" after each item. */
  readonly whyComments: boolean;
  /** The survey JSON was imported from elsewhere; items map its rating questions. */
  readonly imported: boolean;
}

export type TemplateProblem =
  | { readonly code: "no-items" }
  | { readonly code: "duplicate-item"; readonly item: string }
  | { readonly code: "bad-item-id"; readonly item: string }
  | { readonly code: "weights-sum"; readonly sum: number }
  | { readonly code: "bad-weight"; readonly item: string }
  | { readonly code: "missing-text"; readonly what: string }
  | { readonly code: "scale-too-short" }
  | { readonly code: "bad-points"; readonly level: number }
  | { readonly code: "duplicate-level" }
  | { readonly code: "bad-threshold" }
  | { readonly code: "bad-product-weight" }
  | { readonly code: "empty-group"; readonly group: "product" | "service" };

const ITEM_ID = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Checks a template definition; returns every problem (empty when valid).
 *
 * @example
 * validateTemplate(DEFAULT_TEMPLATE) // []
 */
export function validateTemplate(def: TemplateDefinition): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if (def.items.length === 0) problems.push({ code: "no-items" });
  const seen = new Set<string>();
  for (const item of def.items) {
    if (!ITEM_ID.test(item.id)) problems.push({ code: "bad-item-id", item: item.id });
    if (seen.has(item.id)) problems.push({ code: "duplicate-item", item: item.id });
    seen.add(item.id);
    if (!Number.isFinite(item.weight) || item.weight <= 0 || item.weight > 1) problems.push({ code: "bad-weight", item: item.id });
    if (!item.title.en.trim() || !item.title["zh-CN"].trim()) problems.push({ code: "missing-text", what: `item:${item.id}` });
  }
  if (def.items.length > 0) {
    // Summed over the items themselves: a record keyed by id would drop a duplicate item's weight.
    const sum = def.items.reduce((s, i) => s + i.weight, 0);
    if (!sumsToOne(def.items.map((i) => i.weight))) {
      problems.push({ code: "weights-sum", sum: Math.round(sum * 1e6) / 1e6 });
    }
  }
  if (def.scale.length < 2) problems.push({ code: "scale-too-short" });
  def.scale.forEach((level, i) => {
    if (!Number.isFinite(level.points) || level.points < 0 || level.points > 100) problems.push({ code: "bad-points", level: i + 1 });
    if (!level.label.en.trim() || !level.label["zh-CN"].trim()) problems.push({ code: "missing-text", what: `level:${i + 1}` });
  });
  if (new Set(def.scale.map((l) => String(l.value))).size !== def.scale.length) problems.push({ code: "duplicate-level" });
  if (!Number.isFinite(def.threshold) || def.threshold < 0 || def.threshold > 100) problems.push({ code: "bad-threshold" });
  if (!Number.isFinite(def.productWeight) || def.productWeight < 0 || def.productWeight > 1) problems.push({ code: "bad-product-weight" });
  if (def.productWeight > 0 && !def.items.some((i) => i.group === "product")) problems.push({ code: "empty-group", group: "product" });
  if (def.productWeight < 1 && !def.items.some((i) => i.group === "service")) problems.push({ code: "empty-group", group: "service" });
  if (!def.title.en.trim() || !def.title["zh-CN"].trim()) problems.push({ code: "missing-text", what: "title" });
  return problems;
}

/** The message key and values for a problem, for the template editor. */
export function problemMessage(problem: TemplateProblem): { key: string; vars: Record<string, string | number> } {
  const { code, ...vars } = problem as TemplateProblem & Record<string, string | number>;
  return { key: `satisfaction.template.problem.${code}`, vars: vars as Record<string, string | number> };
}

/** Item weights as a record, for the scoring functions. */
export function itemWeights(def: TemplateDefinition): Record<string, number> {
  return Object.fromEntries(def.items.map((i) => [i.id, i.weight]));
}

/** The groups as the scoring functions expect them. */
export function itemGroups(def: TemplateDefinition): { product: string[]; service: string[] } {
  return { product: def.items.filter((i) => i.group === "product").map((i) => i.id), service: def.items.filter((i) => i.group === "service").map((i) => i.id) };
}

/** The text of a bilingual string in a locale. */
export function pick(text: Bilingual, locale: Locale): string {
  return text[locale] || text.en || text["zh-CN"];
}
