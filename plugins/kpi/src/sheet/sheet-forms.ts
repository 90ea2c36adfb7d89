/**
 * The SurveyJS forms of a sheet: the plan (technical support), a deduction (field engineers) and
 * the month's scores. Each JSON is rendered in the browser and validated on the server; the
 * parse functions turn validated answers into the workflow's inputs.
 */
import type { SurveyJson } from "@aftercare/forms/types";
import { pick, WORK_PLAN, FAULT_RESPONSE, type SchemeDefinition } from "../scheme/definition";
import { MAX_PLAN_ITEMS, type PlanItemInput, type ScoreInput } from "./sheets.server";
import type { SlaSuggestion } from "./sla-suggestion.server";

type T = (key: string, vars?: Record<string, string | number>) => string;
type Locale = "en" | "zh-CN";

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** Question name of an indicator's score (SurveyJS expressions do not allow "-" in names). */
export function scoreQuestion(indicator: string): string {
  return `s_${indicator.replace(/-/g, "_")}`;
}

/** Question name of a plan item's completion. */
export function completionQuestion(itemId: number): string {
  return `c_${itemId}`;
}

/** The plan editor: up to eight items (description, completion requirement, weight in %). */
export function planFormJson(t: T): SurveyJson {
  const elements = [];
  for (let n = 1; n <= MAX_PLAN_ITEMS; n++) {
    elements.push({
      type: "panel",
      name: `p${n}`,
      title: t("kpi.plan.item", { n }),
      ...(n > 1 ? { visibleIf: `{p${n - 1}_description} notempty` } : {}),
      elements: [
        { type: "text", name: `p${n}_description`, title: t("kpi.plan.description"), isRequired: n === 1, maxLength: 500 },
        { type: "comment", name: `p${n}_requirement`, title: t("kpi.plan.requirement"), isRequired: n === 1, maxLength: 1000, rows: 2 },
        { type: "text", inputType: "number", name: `p${n}_weight`, title: t("kpi.plan.weight"), isRequired: n === 1, min: 1, max: 100, step: 1 },
      ],
    });
  }
  return { showQuestionNumbers: "off", questionErrorLocation: "bottom", completeText: t("kpi.plan.save"), description: t("kpi.plan.hint"), elements } as unknown as SurveyJson;
}

/** The plan as form answers. */
export function planFormValues(items: readonly { description: string; requirement: string; weight: number }[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  items.forEach((item, i) => {
    values[`p${i + 1}_description`] = item.description;
    values[`p${i + 1}_requirement`] = item.requirement;
    values[`p${i + 1}_weight`] = item.weight;
  });
  return values;
}

/** The filled plan slots, in order (a slot counts when it has a description). */
export function parsePlanForm(data: Readonly<Record<string, unknown>>): PlanItemInput[] {
  const items: PlanItemInput[] = [];
  for (let n = 1; n <= MAX_PLAN_ITEMS; n++) {
    const description = str(data[`p${n}_description`]).trim();
    if (!description) continue;
    items.push({ description, requirement: str(data[`p${n}_requirement`]).trim(), weight: num(data[`p${n}_weight`] ?? 0) });
  }
  return items;
}

/** Recording a key bad behaviour: which, when (within the month), and what happened. */
export function deductionFormJson(def: SchemeDefinition, month: string, locale: Locale, t: T): SurveyJson {
  const [y, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("kpi.deduction.record"),
    elements: [
      {
        type: "radiogroup",
        name: "behaviour",
        title: t("kpi.deduction.behaviour"),
        isRequired: true,
        choices: def.behaviours.map((b) => ({ value: b.id, text: `${pick(b.label, locale)} (−${b.points})` })),
      },
      { type: "text", inputType: "date", name: "occurredOn", title: t("kpi.deduction.date"), isRequired: true, min: `${month}-01`, max: `${month}-${String(last).padStart(2, "0")}` },
      { type: "comment", name: "note", title: t("kpi.deduction.note"), isRequired: true, maxLength: 2000, rows: 2 },
    ],
  } as unknown as SurveyJson;
}

export interface ScoreFormProps {
  readonly def: SchemeDefinition;
  readonly planItems: readonly { id: number; description: string; requirement: string; weight: number }[];
  readonly deductionPoints: number;
  readonly suggestion: SlaSuggestion | null;
  readonly locale: Locale;
  readonly t: T;
}

const fmt = (v: number) => String(Math.round(v * 1e6) / 1e6);

/**
 * The supervisor's scoring form: one score per entered indicator (0–max), a completion per plan
 * item (technical support), a note, and a live total computed in the browser (the server computes
 * its own and refuses totals at full marks or above the standard score, on the "total" line).
 */
export function scoreFormJson(p: ScoreFormProps): SurveyJson {
  const { def, t } = p;
  const elements: unknown[] = [];
  const terms: string[] = [];
  if (def.kind === "support") {
    const plan = def.indicators.find((i) => i.id === WORK_PLAN)!;
    elements.push({ type: "html", name: "plan_intro", html: `<p>${escapeHtml(t("kpi.score.planIntro", { weight: fmt(plan.weight * 100) }))}</p>` });
    for (const item of p.planItems) {
      const name = completionQuestion(item.id);
      elements.push({
        type: "text",
        inputType: "number",
        name,
        title: `${item.description} (${fmt(item.weight)} %)`,
        description: `${t("kpi.plan.requirement")}: ${item.requirement}`,
        isRequired: true,
        min: 0,
        max: 100,
        step: 1,
      });
      terms.push(`{${name}} * ${fmt((def.fullMarks * plan.weight * item.weight) / 10_000)}`);
    }
  }
  for (const ind of def.indicators) {
    if (def.kind === "support" && ind.id === WORK_PLAN) continue;
    const name = scoreQuestion(ind.id);
    const suggestion = ind.id === FAULT_RESPONSE && p.suggestion ? suggestionText(p.suggestion, ind.max, p.locale, t) : null;
    elements.push({
      type: "text",
      inputType: "number",
      name,
      title: t("kpi.score.indicatorTitle", { indicator: t(`kpi.indicator.${ind.id}`), weight: fmt(ind.weight * 100), max: fmt(ind.max) }),
      ...(suggestion ? { description: suggestion } : { description: t(`kpi.indicator.${ind.id}.hint`) }),
      isRequired: true,
      min: 0,
      max: ind.max,
      step: 0.5,
    });
    terms.push(`{${name}} * ${fmt((def.fullMarks * ind.weight) / ind.max)}`);
  }
  elements.push({ type: "comment", name: "note", title: t("kpi.score.note"), maxLength: 2000, rows: 2 });
  const minus = p.deductionPoints > 0 ? ` - ${fmt(p.deductionPoints)}` : "";
  elements.push({
    type: "expression",
    name: "total",
    title: t("kpi.score.liveTotal", { deductions: p.deductionPoints > 0 ? `−${fmt(p.deductionPoints)}` : "0", fullMarks: fmt(def.fullMarks), standard: fmt(def.standardScore) }),
    expression: `round(${terms.join(" + ") || "0"}${minus}, 2)`,
  });
  return { showQuestionNumbers: "off", questionErrorLocation: "bottom", completeText: t("kpi.score.save"), elements } as unknown as SurveyJson;
}

function suggestionText(s: SlaSuggestion, max: number, locale: Locale, t: T): string {
  const pct = (v: number | null) => (v === null ? "–" : new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(v));
  return t("kpi.score.slaSuggestion", {
    calls: s.calls,
    respond: pct(s.metShare.respond),
    onSite: pct(s.metShare.onSite),
    clear: pct(s.metShare.clear),
    score: s.score === null ? "–" : `${fmt(s.score)} / ${fmt(max)}`,
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The saved scores as form answers. */
export function scoreFormValues(def: SchemeDefinition, scores: Readonly<Record<string, number>>, planItems: readonly { id: number; completion: number | null }[], note: string | null): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const ind of def.indicators) if (scores[ind.id] !== undefined && !(def.kind === "support" && ind.id === WORK_PLAN)) values[scoreQuestion(ind.id)] = scores[ind.id];
  for (const item of planItems) if (item.completion !== null) values[completionQuestion(item.id)] = item.completion;
  if (note) values.note = note;
  return values;
}

/** Validated answers as the workflow's score input. */
export function parseScoreForm(def: SchemeDefinition, planItems: readonly { id: number }[], data: Readonly<Record<string, unknown>>): ScoreInput {
  const scores: Record<string, number> = {};
  for (const ind of def.indicators) {
    if (def.kind === "support" && ind.id === WORK_PLAN) continue;
    const v = data[scoreQuestion(ind.id)];
    if (v !== undefined) scores[ind.id] = num(v);
  }
  const completions: Record<number, number> = {};
  for (const item of planItems) {
    const v = data[completionQuestion(item.id)];
    if (v !== undefined) completions[item.id] = num(v);
  }
  const note = str(data.note).trim();
  return { scores, completions, note: note ? note.slice(0, 2000) : null };
}
