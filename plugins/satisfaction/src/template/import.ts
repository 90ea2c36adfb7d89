/**
 * Importing a SurveyJS JSON made elsewhere as a satisfaction template. Pure: no I/O, no React.
 *
 * 1. `readImportText` parses what the admin pasted or uploaded (size-capped);
 * 2. `sanitiseSurvey` strips what could run on the customers' public page (stored XSS): `html`
 *    elements, every `*Html*` property (`completedHtml`, `completedBeforeHtml`, `loadingHtml`,
 *    `completedHtmlOnCondition`, …), redirects after completion, and prototype keys — then the
 *    caller checks the rest with `findSurveyProblems`;
 * 3. `mappableQuestions` lists the single-answer rating / radiogroup / dropdown questions the
 *    admin can map to weighted items, and `answerValues` the distinct answer values to map to
 *    points (one value = one number of points across all questions, because a template has one
 *    scale: `ScaleLevel.value` → `points`);
 * 4. `buildImportedTemplate` turns the mapping into a `TemplateDefinition` (`imported: true`) and
 *    the survey JSON to store (mapped questions made required: a score needs every item).
 */
import { findSurveyProblems, localText, ratingScale, readSurvey, type ChoiceValue, type LocalizableString, type SurveyJson } from "@aftercare/forms";
import type { Bilingual, ScaleLevel, TemplateDefinition, TemplateItem } from "./definition";

/** Largest JSON text accepted. */
export const MAX_IMPORT_CHARS = 256 * 1024;
/** Deepest nesting accepted (objects and arrays). */
export const MAX_IMPORT_DEPTH = 40;

export type ImportTextProblem = "empty" | "too-large" | "not-json" | "not-object";

/**
 * Parses pasted or uploaded JSON text.
 *
 * @example
 * readImportText('{"elements":[]}') // { ok: true, json: { elements: [] } }
 * readImportText("<html>")          // { ok: false, problem: "not-json" }
 */
export function readImportText(text: string): { ok: true; json: Record<string, unknown> } | { ok: false; problem: ImportTextProblem } {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!trimmed) return { ok: false, problem: "empty" };
  if (trimmed.length > MAX_IMPORT_CHARS) return { ok: false, problem: "too-large" };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { ok: false, problem: "not-json" };
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return { ok: false, problem: "not-object" };
  return { ok: true, json: json as Record<string, unknown> };
}

/**
 * Properties that send the customer elsewhere (redirects after completion), load images from
 * elsewhere on the public page (logo, background: tracking), or reach Object.prototype.
 */
const DROPPED_KEYS: ReadonlySet<string> = new Set(["navigateToUrl", "navigateToUrlOnCondition", "logo", "backgroundImage", "__proto__", "constructor", "prototype"]);

function isDroppedKey(key: string): boolean {
  return /html/i.test(key) || DROPPED_KEYS.has(key);
}

/**
 * A copy of a survey JSON without anything that could inject markup or script into the public
 * page: `html` elements (anywhere), every property whose name contains "html" (any case), the
 * redirect properties, external images (`logo`, `backgroundImage`) and prototype keys. `removed` lists the paths taken out, for the admin.
 * Throws nothing; a JSON nested deeper than `MAX_IMPORT_DEPTH` comes back with `tooDeep`.
 *
 * @example
 * sanitiseSurvey({ completedHtml: "<img onerror=…>", elements: [{ type: "html", html: "<script>…" }, { type: "rating", name: "q" }] })
 * // { survey: { elements: [{ type: "rating", name: "q" }] }, removed: ["completedHtml", "elements[0] (html)"], tooDeep: false }
 */
export function sanitiseSurvey(json: Record<string, unknown>): { survey: Record<string, unknown>; removed: string[]; tooDeep: boolean } {
  const removed: string[] = [];
  let tooDeep = false;
  const clean = (value: unknown, path: string, depth: number): unknown => {
    if (depth > MAX_IMPORT_DEPTH) {
      tooDeep = true;
      return null;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      value.forEach((item, index) => {
        if (item && typeof item === "object" && !Array.isArray(item) && (item as Record<string, unknown>).type === "html") {
          removed.push(`${path}[${index}] (html)`);
          return;
        }
        out.push(clean(item, `${path}[${index}]`, depth + 1));
      });
      return out;
    }
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const at = path ? `${path}.${key}` : key;
        if (isDroppedKey(key)) {
          removed.push(at);
          continue;
        }
        out[key] = clean((value as Record<string, unknown>)[key], at, depth + 1);
      }
      return out;
    }
    return value;
  };
  const survey = clean(json, "", 0) as Record<string, unknown>;
  return { survey, removed, tooDeep };
}

/**
 * Sanitises and checks an imported JSON: the survey to map, what was removed, and why it cannot be
 * used (the forms package's `findSurveyProblems`, in English: they name JSON paths).
 */
export function vetImportedSurvey(json: Record<string, unknown>): { survey: SurveyJson; removed: string[]; problems: string[] } {
  const { survey, removed, tooDeep } = sanitiseSurvey(json);
  const problems = tooDeep ? [`the JSON is nested more than ${MAX_IMPORT_DEPTH} levels deep`] : findSurveyProblems(survey);
  return { survey: survey as SurveyJson, removed, problems };
}

/** One answer a question offers. */
export interface AnswerChoice {
  readonly value: ChoiceValue;
  readonly label: Bilingual;
}

/** A question the admin can map to a weighted item. */
export interface MappableQuestion {
  readonly name: string;
  readonly type: "rating" | "radiogroup" | "dropdown";
  readonly title: Bilingual;
  readonly choices: readonly AnswerChoice[];
}

/** A rating-like question that cannot be mapped, and why. */
export interface SkippedQuestion {
  readonly name: string;
  /** conditional: under a visibleIf / visible:false (the server cannot require it); multiple: checkbox/tagbox. */
  readonly reason: "conditional" | "read-only" | "multiple";
}

function bilingual(text: LocalizableString | undefined, fallback: string): Bilingual {
  const en = localText(text, "en") || fallback;
  const zh = localText(text, "zh-CN") || en;
  return { en, "zh-CN": zh };
}

function choiceLabel(item: unknown, value: ChoiceValue): Bilingual {
  const text = item && typeof item === "object" ? ((item as Record<string, unknown>).text as LocalizableString | undefined) : undefined;
  return bilingual(text, String(value));
}

function choiceValue(item: unknown): ChoiceValue | undefined {
  if (typeof item === "string" || (typeof item === "number" && Number.isFinite(item))) return item;
  if (item && typeof item === "object") {
    const v = (item as Record<string, unknown>).value;
    if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
  }
  return undefined;
}

/**
 * The single-answer rating, radiogroup and dropdown questions of a (sanitised, problem-free)
 * survey, in form order, with their answers; and the ones that cannot be mapped.
 *
 * @example
 * mappableQuestions({ elements: [{ type: "rating", name: "speed", title: "Speed" }] }).questions[0]
 * // { name: "speed", type: "rating", title: { en: "Speed", "zh-CN": "Speed" }, choices: [{ value: 1, … }, … { value: 5, … }] }
 */
export function mappableQuestions(survey: SurveyJson): { questions: MappableQuestion[]; skipped: SkippedQuestion[] } {
  const questions: MappableQuestion[] = [];
  const skipped: SkippedQuestion[] = [];
  for (const q of readSurvey(survey).questions) {
    const json = q.json;
    if (json.type === "checkbox" || json.type === "tagbox") {
      skipped.push({ name: q.name, reason: "multiple" });
      continue;
    }
    if (json.type !== "rating" && json.type !== "radiogroup" && json.type !== "dropdown") continue;
    if (q.conditional) {
      skipped.push({ name: q.name, reason: "conditional" });
      continue;
    }
    if (q.readOnly) {
      skipped.push({ name: q.name, reason: "read-only" });
      continue;
    }
    let choices: AnswerChoice[];
    if (json.type === "rating") {
      const explicit = Array.isArray(json.rateValues) ? json.rateValues : [];
      choices = ratingScale(json).values.map((value) => {
        const item = explicit.find((x) => choiceValue(x) === value);
        return { value, label: choiceLabel(item, value) };
      });
    } else {
      choices = json.choices.flatMap((item) => {
        const value = choiceValue(item);
        return value === undefined ? [] : [{ value, label: choiceLabel(item, value) }];
      });
    }
    questions.push({ name: q.name, type: json.type, title: bilingual(json.title, q.name), choices });
  }
  return { questions, skipped };
}

/** A distinct answer value across the questions (the key is `String(value)`). */
export interface AnswerValue {
  readonly key: string;
  readonly value: ChoiceValue;
  /** The text of its first appearance. */
  readonly label: Bilingual;
  /** Names of the questions offering it. */
  readonly questions: readonly string[];
  /** The same key is a number in one question and a string in another: answers would not match. */
  readonly mixedTypes: boolean;
}

/**
 * The distinct answer values of some questions, in order of first appearance.
 *
 * @example
 * answerValues([{ name: "a", choices: [{ value: 1, … }, { value: 2, … }] }, { name: "b", choices: [{ value: 2, … }] }]).map((v) => v.key) // ["1", "2"]
 */
export function answerValues(questions: readonly Pick<MappableQuestion, "name" | "choices">[]): AnswerValue[] {
  const byKey = new Map<string, { value: ChoiceValue; label: Bilingual; questions: string[]; mixedTypes: boolean }>();
  for (const q of questions) {
    for (const choice of q.choices) {
      const key = String(choice.value);
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, { value: choice.value, label: choice.label, questions: [q.name], mixedTypes: false });
      else {
        if (!seen.questions.includes(q.name)) seen.questions.push(q.name);
        if (typeof seen.value !== typeof choice.value) seen.mixedTypes = true;
      }
    }
  }
  return [...byKey.entries()].map(([key, v]) => ({ key, ...v }));
}

/**
 * Default points for answer values: numbers scale to 0–100 by their largest (1–5 → 20…100, the
 * default template's scale; 0–10 → 0…100); texts are spread from 100 (first) down to 0 (last).
 *
 * @example
 * defaultPoints([1, 2, 3, 4, 5])           // [20, 40, 60, 80, 100]
 * defaultPoints(["good", "fair", "poor"])  // [100, 50, 0]
 */
export function defaultPoints(values: readonly ChoiceValue[]): number[] {
  if (values.length === 0) return [];
  if (values.every((v) => typeof v === "number")) {
    const nums = values as number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    if (min >= 0 && max > 0) return nums.map((v) => Math.round((v / max) * 100));
    if (max === min) return nums.map(() => 100);
    return nums.map((v) => Math.round(((v - min) / (max - min)) * 100));
  }
  if (values.length === 1) return [100];
  return values.map((_, i) => Math.round(100 - (i * 100) / (values.length - 1)));
}

const ITEM_ID = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * An item id (`/^[a-z][a-z0-9_]{0,39}$/`) made from a question name, unique among `taken`.
 *
 * @example
 * itemIdFor("Product Quality", new Set()) // "product_quality"
 * itemIdFor("3. 价格", new Set())          // "q_3"
 */
export function itemIdFor(name: string, taken: ReadonlySet<string>): string {
  let base = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .replace(/_+/g, "_");
  if (!/^[a-z]/.test(base)) base = `q_${base}`.replace(/_+$/, "");
  if (base === "q" || !base) base = "q";
  base = base.slice(0, 36);
  if (ITEM_ID.test(base) && !taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/** How one question is used. */
export interface ItemMapping {
  readonly question: string;
  readonly use: boolean;
  readonly id: string;
  readonly title: Bilingual;
  readonly weight: number;
  readonly group: "product" | "service";
}

/** How one answer value scores. */
export interface ValueMapping {
  readonly key: string;
  readonly points: number;
  readonly label: Bilingual;
}

export interface ImportMapping {
  readonly items: readonly ItemMapping[];
  readonly values: readonly ValueMapping[];
}

/** The general settings of a template (those not tied to questions). */
export interface TemplateGeneral {
  readonly title: Bilingual;
  readonly intro: Bilingual;
  readonly threshold: number;
  readonly productWeight: number;
}

/**
 * A first mapping to show the admin: every mappable question used, equal weights (two decimals,
 * summing to exactly 1), all in the product group but the last (service), default points
 * (`defaultPoints` within the first question offering each value).
 */
export function defaultMapping(questions: readonly MappableQuestion[]): ImportMapping {
  const n = questions.length;
  const share = n ? Math.floor(100 / n) / 100 : 0;
  const first = n ? Math.round((1 - share * (n - 1)) * 100) / 100 : 0;
  const taken = new Set<string>();
  const items = questions.map((q, i) => {
    const id = itemIdFor(q.name, taken);
    taken.add(id);
    return { question: q.name, use: true, id, title: q.title, weight: i === 0 ? first : share, group: (n > 1 && i === n - 1 ? "service" : "product") as "product" | "service" };
  });
  // Each value's default comes from the first question offering it, scaled within that question.
  const points = new Map<string, number>();
  for (const q of questions) {
    const own = defaultPoints(q.choices.map((c) => c.value));
    q.choices.forEach((c, i) => {
      if (!points.has(String(c.value))) points.set(String(c.value), own[i]);
    });
  }
  return { items, values: answerValues(questions).map((v) => ({ key: v.key, points: points.get(v.key) ?? 0, label: v.label })) };
}

export type ImportProblem =
  | { readonly code: "unknown-question"; readonly question: string }
  | { readonly code: "mixed-value-types"; readonly value: string };

/** What `buildImportedTemplate` makes. */
export interface ImportedTemplate {
  readonly definition: TemplateDefinition;
  /** The survey to store: the sanitised JSON with the mapped questions required. */
  readonly survey: SurveyJson;
  /** For each `definition.scale` level, the key of the answer value it scores. */
  readonly levelKeys: readonly string[];
  /** Mapping problems `validateTemplate` cannot see. */
  readonly problems: readonly ImportProblem[];
}

function requireQuestions(value: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => requireQuestions(v, names));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = requireQuestions(v, names);
    if (typeof out.name === "string" && typeof out.type === "string" && names.has(out.name) && out.type !== "panel") out.isRequired = true;
    return out;
  }
  return value;
}

/**
 * Builds the template from a sanitised survey and the admin's mapping: the used questions become
 * items (question = the SurveyJS name), the values they offer become the scale (best first), and
 * the stored survey requires every mapped question. Check the definition with `validateTemplate`.
 *
 * @example
 * const built = buildImportedTemplate(survey, mapping, { title, intro, threshold: 85, productWeight: 0.8 });
 * const problems = [...built.problems, ...validateTemplate(built.definition)];
 */
export function buildImportedTemplate(survey: SurveyJson, mapping: ImportMapping, general: TemplateGeneral): ImportedTemplate {
  const { questions } = mappableQuestions(survey);
  const byName = new Map(questions.map((q) => [q.name, q]));
  const problems: ImportProblem[] = [];
  const used: MappableQuestion[] = [];
  const items: TemplateItem[] = [];
  for (const m of mapping.items) {
    if (!m.use) continue;
    const q = byName.get(m.question);
    if (!q) {
      problems.push({ code: "unknown-question", question: m.question });
      continue;
    }
    used.push(q);
    items.push({ id: m.id.trim(), question: q.name, title: { en: m.title.en.trim(), "zh-CN": m.title["zh-CN"].trim() }, weight: m.weight, group: m.group });
  }
  const values = answerValues(used);
  const byKey = new Map(mapping.values.map((v) => [v.key, v]));
  const levels: { level: ScaleLevel; key: string }[] = [];
  for (const v of values) {
    if (v.mixedTypes) problems.push({ code: "mixed-value-types", value: v.key });
    const m = byKey.get(v.key);
    const label = m?.label ?? v.label;
    levels.push({ key: v.key, level: { value: v.value, points: m ? m.points : Number.NaN, label: { en: label.en.trim(), "zh-CN": label["zh-CN"].trim() } } });
  }
  // Best first, as the definition expects; ties keep their order.
  levels.sort((a, b) => (Number.isFinite(b.level.points) ? b.level.points : -1) - (Number.isFinite(a.level.points) ? a.level.points : -1));
  const definition: TemplateDefinition = {
    title: general.title,
    intro: general.intro,
    items,
    scale: levels.map((l) => l.level),
    threshold: general.threshold,
    productWeight: general.productWeight,
    whyComments: false,
    imported: true,
  };
  const stored = requireQuestions(survey, new Set(used.map((q) => q.name))) as SurveyJson;
  return { definition, survey: stored, levelKeys: levels.map((l) => l.key), problems };
}

/** The mapping a stored imported template was saved with (to edit it again). */
export function mappingOf(definition: TemplateDefinition, survey: SurveyJson): ImportMapping {
  const { questions } = mappableQuestions(survey);
  const fresh = defaultMapping(questions);
  const taken = new Set(definition.items.map((i) => i.id));
  const items = questions.map((q) => {
    const item = definition.items.find((i) => i.question === q.name);
    if (item) return { question: q.name, use: true, id: item.id, title: item.title, weight: item.weight, group: item.group };
    const id = itemIdFor(q.name, taken);
    taken.add(id);
    return { question: q.name, use: false, id, title: q.title, weight: 0, group: "product" as const };
  });
  const values = fresh.values.map((v) => {
    const level = definition.scale.find((l) => String(l.value) === v.key);
    return level ? { key: v.key, points: level.points, label: level.label } : v;
  });
  return { items, values };
}
