import type { SurveyJson } from "@aftercare/forms";
import { DEFAULT_MIN_RATERS, DEFAULT_RATER_WEIGHTS, RATER_GROUPS, validateRaterWeights, type RaterGroup } from "@aftercare/scoring";
import type { Translate } from "@aftercare/i18n";
import type { Cycle, CycleSettings } from "./cycles.server";

export interface CycleFormOptions {
  readonly staff: readonly { id: number; name: string }[];
  readonly supervisors: readonly { id: number; name: string }[];
}

const WEIGHTED: readonly RaterGroup[] = RATER_GROUPS.filter((g) => g !== "self");

/** The set-up form of a cycle (SurveyJS): rendered in the browser, validated on the server. Creating and editing a draft share it. */
export function cycleSurveyJson(o: CycleFormOptions, t: Translate, mode: "create" | "edit" = "create"): SurveyJson {
  const number = (name: string, title: string, min: number, max: number, step = 1) => ({ type: "text" as const, inputType: "number" as const, name, title, isRequired: true, min, max, step });
  return {
    showQuestionNumbers: "off",
    completeText: t(mode === "create" ? "review360.cycleForm.create" : "review360.cycleForm.save"),
    pages: [
      {
        name: "cycle",
        elements: [
          { type: "text", name: "name", title: t("review360.cycle.name"), isRequired: true, maxLength: 120 },
          { type: "text", name: "period", title: t("review360.cycle.period"), description: t("review360.cycle.periodHint"), isRequired: true, maxLength: 40 },
          { type: "text", inputType: "date", name: "dueDate", title: t("review360.cycle.dueDate"), isRequired: true },
          {
            type: "panel",
            name: "who",
            title: t("review360.cycleForm.reviewees"),
            description: t("review360.cycleForm.revieweesHint"),
            elements: [
              { type: "tagbox", name: "reviewees", title: t("review360.cycleForm.pick"), choices: o.staff.map((s) => ({ value: s.id, text: s.name })) },
              { type: "checkbox", name: "staffKinds", title: t("review360.cycleForm.staffKinds"), colCount: 0, choices: [{ value: "support", text: t("review360.kind.support") }, { value: "field", text: t("review360.kind.field") }] },
              { type: "dropdown", name: "supervisorId", title: t("field.supervisor"), choices: o.supervisors.map((s) => ({ value: s.id, text: s.name })) },
            ],
          },
          {
            type: "panel",
            name: "weights",
            title: t("review360.cycleForm.weights"),
            description: t("review360.cycleForm.weightsHint"),
            elements: WEIGHTED.map((g) => number(`weight_${g}`, t(`review360.group.${g}`), 0, 1, 0.05)),
          },
          {
            type: "panel",
            name: "minimums",
            title: t("review360.cycleForm.minimums"),
            description: t("review360.cycleForm.minimumsHint"),
            elements: WEIGHTED.map((g) => number(`min_${g}`, t(`review360.group.${g}`), 1, 50)),
          },
          {
            type: "panel",
            name: "peers",
            title: t("review360.cycleForm.nomination"),
            elements: [number("peerMin", t("review360.cycle.peerMin"), 1, 30), number("peerMax", t("review360.cycle.peerMax"), 1, 30)],
          },
          {
            type: "panel",
            name: "reminders",
            title: t("review360.cycleForm.reminders"),
            elements: [number("reminderAfterDays", t("review360.cycle.reminderAfterDays"), 1, 60), number("reminderMax", t("review360.cycle.reminderMax"), 0, 10)],
          },
        ],
      },
    ],
  } as SurveyJson;
}

/** Starting values of the form: the defaults of issue 4. */
export function cycleFormDefaults(today: string): Record<string, unknown> {
  const due = new Date(new Date(`${today}T00:00:00.000Z`).getTime() + 21 * 86_400_000).toISOString().slice(0, 10);
  return {
    dueDate: due,
    ...Object.fromEntries(WEIGHTED.map((g) => [`weight_${g}`, DEFAULT_RATER_WEIGHTS[g]])),
    ...Object.fromEntries(WEIGHTED.map((g) => [`min_${g}`, DEFAULT_MIN_RATERS[g]])),
    peerMin: 3,
    peerMax: 6,
    reminderAfterDays: 5,
    reminderMax: 2,
  };
}

/** The form's values for a stored draft: its settings, and its reviewees picked by name. */
export function cycleFormValues(cycle: Cycle, revieweeUserIds: readonly number[], choosable: readonly number[]): Record<string, unknown> {
  const allowed = new Set(choosable);
  return {
    name: cycle.name,
    period: cycle.period,
    dueDate: cycle.dueDate,
    reviewees: revieweeUserIds.filter((id) => allowed.has(id)),
    ...Object.fromEntries(WEIGHTED.map((g) => [`weight_${g}`, cycle.weights[g]])),
    ...Object.fromEntries(WEIGHTED.map((g) => [`min_${g}`, cycle.minRaters[g]])),
    peerMin: cycle.peerMin,
    peerMax: cycle.peerMax,
    reminderAfterDays: cycle.reminderAfterDays,
    reminderMax: cycle.reminderMax,
  };
}

export type CycleFormResult = { ok: true; cycle: CycleSettings } | { ok: false; errors: { name: string; key: string }[] };

/** Turns validated form data into a cycle, checking what the form cannot (weights sum, limits, dates). */
export function parseCycleForm(data: Record<string, unknown>, today: string): CycleFormResult {
  const errors: { name: string; key: string }[] = [];
  const num = (name: string) => Number(data[name]);
  const weights = { self: 0, ...Object.fromEntries(WEIGHTED.map((g) => [g, num(`weight_${g}`)])) } as Record<RaterGroup, number>;
  if (validateRaterWeights(weights).length > 0) errors.push({ name: "weight_customers", key: "review360.cycleForm.weightsSum" });
  const minRaters = { self: 1, ...Object.fromEntries(WEIGHTED.map((g) => [g, num(`min_${g}`)])) } as Record<RaterGroup, number>;
  for (const g of WEIGHTED) if (!Number.isInteger(minRaters[g]) || minRaters[g] < 1) errors.push({ name: `min_${g}`, key: "review360.cycleForm.wholeNumber" });
  for (const name of ["peerMin", "peerMax", "reminderAfterDays", "reminderMax"]) if (!Number.isInteger(num(name))) errors.push({ name, key: "review360.cycleForm.wholeNumber" });
  if (num("peerMax") < num("peerMin")) errors.push({ name: "peerMax", key: "review360.cycleForm.peerMaxBelowMin" });
  const dueDate = String(data.dueDate ?? "").slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate) || dueDate < today) errors.push({ name: "dueDate", key: "review360.cycleForm.dueInPast" });
  const userIds = Array.isArray(data.reviewees) ? data.reviewees.map(Number).filter((n) => Number.isSafeInteger(n)) : [];
  const staffKinds = Array.isArray(data.staffKinds) ? data.staffKinds.filter((k): k is "support" | "field" => k === "support" || k === "field") : [];
  const supervisorId = data.supervisorId === undefined ? null : Number(data.supervisorId);
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    cycle: {
      name: String(data.name).trim(),
      period: String(data.period).trim(),
      weights,
      minRaters,
      peerMin: num("peerMin"),
      peerMax: num("peerMax"),
      dueDate,
      reminderAfterDays: num("reminderAfterDays"),
      reminderMax: num("reminderMax"),
      reviewees: { userIds, staffKinds, supervisorId },
    },
  };
}
