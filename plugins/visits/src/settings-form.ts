/** The admin's settings form (SLA policy, cadence, return visits, checklists) as a SurveyJS model. */
import type { SurveyJson } from "@aftercare/forms/types";
import { checklistFromLines, MAX_CHECKLIST_ITEMS, policyProblems, POLICY_LIMITS, type Checklists, type VisitsPolicy } from "./policy";
import { VISIT_TYPES, type VisitType } from "./visit/visit-types";

type T = (key: string, vars?: Record<string, string | number>) => string;

const number = (name: keyof VisitsPolicy, t: T) => ({
  type: "text",
  inputType: "number",
  name,
  title: t(`visits.settings.${name}`),
  isRequired: true,
  min: POLICY_LIMITS[name][0],
  max: POLICY_LIMITS[name][1],
  step: 1,
});

export function settingsSurveyJson(t: T): SurveyJson {
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("common.save"),
    elements: [
      { type: "panel", name: "sla", title: t("visits.settings.sla"), elements: [number("respondMinutes", t), number("onSiteHours", t), number("clearHours", t), number("warningPercent", t)] },
      { type: "panel", name: "cadence", title: t("visits.settings.cadence"), elements: [number("visitsPerPeriod", t), number("periodMonths", t), number("dueWithinDays", t), number("returnVisitDays", t)] },
      {
        type: "panel",
        name: "checklists",
        title: t("visits.settings.checklists"),
        description: t("visits.settings.checklistHint"),
        elements: VISIT_TYPES.map((type) => ({ type: "comment", name: `checklist_${type}`, title: t(`visits.type.${type}`), maxLength: 6000, rows: 3 })),
      },
    ],
  } as unknown as SurveyJson;
}

/** The stored settings as the form's answers. */
export function settingsValues(policy: VisitsPolicy, checklists: Checklists): Record<string, unknown> {
  return { ...policy, ...Object.fromEntries(VISIT_TYPES.map((type) => [`checklist_${type}`, checklists[type].map((i) => i.label).join("\n")])) };
}

/** Validated answers → settings, or the fields out of range. */
export function parseSettings(data: Readonly<Record<string, unknown>>): { ok: true; policy: VisitsPolicy; checklists: Checklists } | { ok: false; fields: (keyof VisitsPolicy)[] } {
  const numbers = Object.fromEntries((Object.keys(POLICY_LIMITS) as (keyof VisitsPolicy)[]).map((k) => [k, typeof data[k] === "string" ? Number(data[k]) : data[k]]));
  const fields = policyProblems(numbers);
  if (fields.length) return { ok: false, fields };
  const checklists = Object.fromEntries(
    VISIT_TYPES.map((type) => [type, checklistFromLines(typeof data[`checklist_${type}`] === "string" ? (data[`checklist_${type}`] as string) : "").slice(0, MAX_CHECKLIST_ITEMS)]),
  ) as unknown as Record<VisitType, ReturnType<typeof checklistFromLines>>;
  return { ok: true, policy: numbers as unknown as VisitsPolicy, checklists };
}
