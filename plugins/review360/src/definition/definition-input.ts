/**
 * The competencies, behaviour statements and scale labels a manager edits for one cycle (while
 * it is a draft), checked and turned into a {@link CycleDefinition}. Pure: the route and the
 * server functions share it, the tests call it directly.
 */
import type { Locale } from "@aftercare/plugin-api";
import type { Bilingual, CompetencyDef, CycleDefinition, ItemDef, ScaleAnchor } from "./competencies";
import { IMPROVE_QUESTION, NOT_OBSERVED, STRENGTHS_QUESTION } from "./survey-json";

export const LOCALES: readonly Locale[] = ["zh-CN", "en"];
/** The scale is always 1–5; only its anchor labels are edited. */
export const SCALE_VALUES: readonly number[] = [1, 2, 3, 4, 5];
export const MAX_COMPETENCIES = 10;
export const MAX_ITEMS = 12;
export const MAX_TITLE_LENGTH = 80;
export const MAX_ITEM_LENGTH = 300;
export const MAX_LABEL_LENGTH = 30;

/** One problem, at a path of the submitted definition (`competencies.1.items.0.text.en`, `scale.2.label.zh-CN`, or `""`). */
export interface DefinitionError {
  readonly path: string;
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export type DefinitionResult = { readonly ok: true; readonly definition: CycleDefinition } | { readonly ok: false; readonly errors: readonly DefinitionError[] };

/** Ids also used as SurveyJS page/question names that a competency or item must not take. */
const RESERVED = new Set([STRENGTHS_QUESTION, IMPROVE_QUESTION, "comments", NOT_OBSERVED]);
const ID = /^[a-z][a-z0-9_]{0,39}$/;

const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/**
 * Checks a definition as the editor posts it: at least one competency, each with at least one
 * statement, every competency title, statement and scale label given in both languages (and not
 * too long), exactly the anchors 1–5. Ids are kept when usable (so the defaults keep theirs) and
 * made up otherwise; every id is unique across competencies and statements.
 *
 * @example
 * parseDefinitionInput({ competencies: [], scale: DEFAULT_DEFINITION.scale });
 * // { ok: false, errors: [{ path: "competencies", key: "review360.definition.noCompetency" }] }
 */
export function parseDefinitionInput(input: unknown): DefinitionResult {
  const errors: DefinitionError[] = [];
  const root = record(input);
  const rawCompetencies = Array.isArray(root?.competencies) ? (root!.competencies as unknown[]) : [];
  const rawScale = Array.isArray(root?.scale) ? (root!.scale as unknown[]) : [];

  const bilingual = (raw: unknown, path: string, max: number): Bilingual => {
    const r = record(raw);
    const out = { en: "", "zh-CN": "" } as Record<Locale, string>;
    for (const locale of LOCALES) {
      const text = typeof r?.[locale] === "string" ? (r[locale] as string).replace(/\s+/g, " ").trim() : "";
      if (!text) errors.push({ path: `${path}.${locale}`, key: "review360.definition.missingText" });
      else if (text.length > max) errors.push({ path: `${path}.${locale}`, key: "review360.definition.tooLong", params: { max } });
      out[locale] = text;
    }
    return out;
  };

  if (rawCompetencies.length === 0) errors.push({ path: "competencies", key: "review360.definition.noCompetency" });
  if (rawCompetencies.length > MAX_COMPETENCIES) errors.push({ path: "competencies", key: "review360.definition.tooManyCompetencies", params: { max: MAX_COMPETENCIES } });

  const used = new Set<string>();
  const claim = (wanted: unknown, fallback: string): string => {
    let id = typeof wanted === "string" && ID.test(wanted) && !RESERVED.has(wanted) && !used.has(wanted) ? wanted : fallback;
    for (let n = 2; used.has(id) || RESERVED.has(id); n++) id = `${fallback}_${n}`;
    used.add(id);
    return id;
  };

  // Ids the editor sent are claimed first, in order, so a made-up id never takes a kept one.
  const wantedIds = new Set<string>();
  for (const c of rawCompetencies) {
    const cr = record(c);
    if (typeof cr?.id === "string") wantedIds.add(cr.id);
    for (const item of Array.isArray(cr?.items) ? (cr!.items as unknown[]) : []) {
      const ir = record(item);
      if (typeof ir?.id === "string") wantedIds.add(ir.id);
    }
  }
  const fallbackFree = (base: string) => {
    let id = base;
    for (let n = 2; wantedIds.has(id) || used.has(id); n++) id = `${base}_${n}`;
    return id;
  };

  const competencies: CompetencyDef[] = rawCompetencies.slice(0, MAX_COMPETENCIES).map((raw, ci) => {
    const c = record(raw);
    const path = `competencies.${ci}`;
    const title = bilingual(c?.title, `${path}.title`, MAX_TITLE_LENGTH);
    const id = claim(c?.id, fallbackFree(`c${ci + 1}`));
    const rawItems = Array.isArray(c?.items) ? (c!.items as unknown[]) : [];
    if (rawItems.length === 0) errors.push({ path: `${path}.items`, key: "review360.definition.noItems" });
    if (rawItems.length > MAX_ITEMS) errors.push({ path: `${path}.items`, key: "review360.definition.tooManyItems", params: { max: MAX_ITEMS } });
    const items: ItemDef[] = rawItems.slice(0, MAX_ITEMS).map((rawItem, ii) => {
      const item = record(rawItem);
      const text = bilingual(item?.text, `${path}.items.${ii}.text`, MAX_ITEM_LENGTH);
      return { id: claim(item?.id, fallbackFree(`${id}_${ii + 1}`)), text };
    });
    return { id, title, items };
  });

  const scale: ScaleAnchor[] = SCALE_VALUES.map((value, i) => {
    const raw = rawScale.map(record).find((a) => a?.value === value);
    return { value, label: bilingual(raw?.label, `scale.${i}.label`, MAX_LABEL_LENGTH) };
  });
  if (rawScale.length !== SCALE_VALUES.length || rawScale.some((a) => !SCALE_VALUES.includes(record(a)?.value as number))) {
    errors.push({ path: "scale", key: "review360.definition.scaleValues" });
  }

  if (errors.length) return { ok: false, errors };
  return { ok: true, definition: { competencies, scale } };
}

/** Where an error is, in words ("Competency 2 · statement 1 · English"), for the page and the tests. */
export function errorPlace(path: string, t: (key: string, params?: Record<string, string | number>) => string): string {
  const parts: string[] = [];
  const m = /^competencies\.(\d+)(?:\.title\.([\w-]+)|\.items(?:\.(\d+)\.text\.([\w-]+))?)?/.exec(path);
  const s = /^scale\.(\d+)\.label\.([\w-]+)/.exec(path);
  if (m) {
    parts.push(t("review360.definition.competencyN", { n: Number(m[1]) + 1 }));
    if (m[3] !== undefined) parts.push(t("review360.definition.itemN", { n: Number(m[3]) + 1 }));
    const locale = m[2] ?? m[4];
    if (locale) parts.push(t(`review360.definition.lang.${locale}`));
  } else if (s) {
    parts.push(t("review360.definition.anchorN", { n: SCALE_VALUES[Number(s[1])] ?? Number(s[1]) + 1 }), t(`review360.definition.lang.${s[2]}`));
  } else if (path === "scale") {
    parts.push(t("review360.cycleForm.scale"));
  }
  return parts.join(" · ");
}
