/**
 * The admin's scheme editor as a SurveyJS model: names in both languages, the month the version
 * applies from, weights (%) and scales of the kind's indicators, full marks and standard score,
 * grade bands, the KPI-value rule, the base pay coefficient and (field engineers) the catalogue of
 * key bad behaviours. `parseSchemeForm` turns validated answers into a definition.
 */
import type { SurveyJson } from "@aftercare/forms/types";
import type { GradeBand } from "@aftercare/scoring";
import { indicatorIds, type BehaviourDef, type SchemeDefinition, type StaffKind } from "./definition";

type T = (key: string, vars?: Record<string, string | number>) => string;

export const BAND_SLOTS = 6;
export const BEHAVIOUR_SLOTS = 10;

const q = (id: string) => id.replace(/-/g, "_");
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const str = (v: unknown): string => (typeof v === "string" ? v.trim() : v === undefined || v === null ? "" : String(v).trim());
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function schemeFormJson(kind: StaffKind, t: T): SurveyJson {
  const indicators = indicatorIds(kind).map((id) => ({
    type: "panel",
    name: `ind_${q(id)}`,
    title: t(`kpi.indicator.${id}`),
    elements: [
      { type: "text", inputType: "number", name: `w_${q(id)}`, title: t("kpi.scheme.weight"), isRequired: true, min: 0, max: 100, step: 1 },
      { type: "text", inputType: "number", name: `max_${q(id)}`, title: t("kpi.scheme.max"), isRequired: true, min: 1, max: 1000, step: 1 },
    ],
  }));
  const bands = Array.from({ length: BAND_SLOTS }, (_, i) => ({
    type: "panel",
    name: `band${i + 1}`,
    title: t("kpi.scheme.band", { n: i + 1 }),
    elements: [
      { type: "text", name: `band${i + 1}_grade`, title: t("kpi.scheme.grade"), isRequired: i === 0, maxLength: 10 },
      { type: "text", inputType: "number", name: `band${i + 1}_min`, title: t("kpi.scheme.bandMin"), min: 0, max: 1000, step: 0.5 },
      { type: "text", inputType: "number", name: `band${i + 1}_kpi`, title: t("kpi.scheme.bandKpi"), min: 0.5, max: 5, step: 0.05 },
    ],
  }));
  const behaviours =
    kind === "field"
      ? [
          {
            type: "panel",
            name: "behaviours",
            title: t("kpi.scheme.behaviours"),
            description: t("kpi.scheme.behavioursHint"),
            elements: Array.from({ length: BEHAVIOUR_SLOTS }, (_, i) => ({
              type: "panel",
              name: `b${i + 1}`,
              title: t("kpi.scheme.behaviour", { n: i + 1 }),
              elements: [
                { type: "text", name: `b${i + 1}_zh`, title: t("kpi.scheme.labelZh"), maxLength: 200 },
                { type: "text", name: `b${i + 1}_en`, title: t("kpi.scheme.labelEn"), maxLength: 200 },
                { type: "text", inputType: "number", name: `b${i + 1}_points`, title: t("kpi.scheme.points"), min: 0.5, max: 100, step: 0.5 },
              ],
            })),
          },
        ]
      : [];
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("kpi.scheme.save"),
    elements: [
      { type: "text", name: "monthFrom", title: t("kpi.scheme.monthFrom"), description: t("kpi.scheme.monthFromHint"), isRequired: true, validators: [{ type: "regex", regex: "^\\d{4}-(0[1-9]|1[0-2])$", text: t("kpi.scheme.monthFormat") }] },
      { type: "text", name: "name_zh", title: t("kpi.scheme.nameZh"), isRequired: true, maxLength: 200 },
      { type: "text", name: "name_en", title: t("kpi.scheme.nameEn"), isRequired: true, maxLength: 200 },
      { type: "html", name: "weights_hint", html: `<p>${t("kpi.scheme.weightsHint")}</p>` },
      ...indicators,
      { type: "text", inputType: "number", name: "fullMarks", title: t("kpi.scheme.fullMarks"), isRequired: true, min: 1, max: 1000 },
      { type: "text", inputType: "number", name: "standardScore", title: t("kpi.scheme.standardScore"), description: t("kpi.scheme.standardHint"), isRequired: true, min: 1, max: 1000 },
      ...bands,
      {
        type: "radiogroup",
        name: "kpiRule",
        title: t("kpi.scheme.kpiRule"),
        isRequired: true,
        choices: [
          { value: "bands", text: t("kpi.scheme.rule.bands") },
          { value: "linear", text: t("kpi.scheme.rule.linear") },
        ],
      },
      { type: "text", inputType: "number", name: "totalForOne", title: t("kpi.scheme.totalForOne"), visibleIf: "{kpiRule} = 'linear'", min: 0, max: 1000 },
      { type: "text", inputType: "number", name: "perPoint", title: t("kpi.scheme.perPoint"), visibleIf: "{kpiRule} = 'linear'", min: 0.0001, max: 5 },
      { type: "text", inputType: "number", name: "baseCoefficient", title: t("kpi.scheme.baseCoefficient"), description: t("kpi.scheme.baseCoefficientHint"), isRequired: true, min: 0.5, max: 0.8, step: 0.05 },
      ...behaviours,
    ],
  } as unknown as SurveyJson;
}

/** A definition as form answers. */
export function schemeFormValues(def: SchemeDefinition, monthFrom: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    monthFrom,
    name_zh: def.name["zh-CN"],
    name_en: def.name.en,
    fullMarks: def.fullMarks,
    standardScore: def.standardScore,
    kpiRule: def.kpiRule.kind,
    baseCoefficient: def.baseCoefficient,
  };
  if (def.kpiRule.kind === "linear") {
    values.totalForOne = def.kpiRule.totalForOne;
    values.perPoint = def.kpiRule.perPoint;
  }
  for (const ind of def.indicators) {
    values[`w_${q(ind.id)}`] = round6(ind.weight * 100);
    values[`max_${q(ind.id)}`] = ind.max;
  }
  def.bands.forEach((b, i) => {
    values[`band${i + 1}_grade`] = b.grade;
    values[`band${i + 1}_min`] = b.min;
    values[`band${i + 1}_kpi`] = b.kpiValue;
  });
  def.behaviours.forEach((b, i) => {
    values[`b${i + 1}_zh`] = b.label["zh-CN"];
    values[`b${i + 1}_en`] = b.label.en;
    values[`b${i + 1}_points`] = b.points;
  });
  return values;
}

/**
 * Validated answers as a definition and the month it applies from, plus slot errors (message keys
 * by question name) the scheme validation cannot see: a band or behaviour slot half filled.
 * Behaviours keep the id of the slot's previous behaviour, so history stays readable.
 */
export function parseSchemeForm(kind: StaffKind, data: Readonly<Record<string, unknown>>, previous: SchemeDefinition): { definition: SchemeDefinition; monthFrom: string; errors: { name: string; key: string }[] } {
  const errors: { name: string; key: string }[] = [];
  const bands: GradeBand[] = [];
  for (let n = 1; n <= BAND_SLOTS; n++) {
    const grade = str(data[`band${n}_grade`]);
    const min = data[`band${n}_min`];
    const kpi = data[`band${n}_kpi`];
    if (!grade && min === undefined && kpi === undefined) continue;
    if (!grade || min === undefined || kpi === undefined) {
      errors.push({ name: `band${n}_grade`, key: "kpi.scheme.problem.bandIncomplete" });
      continue;
    }
    bands.push({ grade, min: num(min), kpiValue: num(kpi) });
  }
  bands.sort((a, b) => b.min - a.min);
  const behaviours: BehaviourDef[] = [];
  for (let n = 1; n <= BEHAVIOUR_SLOTS && kind === "field"; n++) {
    const zh = str(data[`b${n}_zh`]);
    const en = str(data[`b${n}_en`]);
    const points = data[`b${n}_points`];
    if (!zh && !en && points === undefined) continue;
    if (!zh || !en || points === undefined) {
      errors.push({ name: `b${n}_zh`, key: "kpi.scheme.problem.behaviourIncomplete" });
      continue;
    }
    behaviours.push({ id: previous.behaviours[n - 1]?.id ?? `b${n}`, label: { en, "zh-CN": zh }, points: num(points) });
  }
  const rule = data.kpiRule === "linear" ? { kind: "linear" as const, totalForOne: num(data.totalForOne ?? NaN), perPoint: num(data.perPoint ?? NaN) } : { kind: "bands" as const };
  const definition: SchemeDefinition = {
    kind,
    name: { en: str(data.name_en), "zh-CN": str(data.name_zh) },
    indicators: indicatorIds(kind).map((id) => ({ id, weight: round6(num(data[`w_${q(id)}`]) / 100), max: num(data[`max_${q(id)}`]) })),
    behaviours,
    fullMarks: num(data.fullMarks),
    standardScore: num(data.standardScore),
    bands,
    kpiRule: rule,
    baseCoefficient: num(data.baseCoefficient),
  };
  return { definition, monthFrom: str(data.monthFrom), errors };
}
