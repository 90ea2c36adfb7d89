/**
 * The visit report form (客户拜访记录) as one SurveyJS model: the fixed fields of the issue plus
 * the admin's checklist items for each visit type (shown for the chosen type only). The server
 * validates answers against the same JSON, then `parseVisitForm` applies the rules SurveyJS
 * cannot express (a done visit needs its actual times and a summary, end after start…).
 */
import type { SurveyJson } from "@aftercare/forms/types";
import type { Checklists } from "../policy";
import { fromCompanyLocal } from "../time";
import { VISIT_TYPES, type VisitType } from "./visit-types";

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The question name of a checklist item in the form of a visit type (the same text may serve several types). */
export function checklistQuestion(type: VisitType, itemId: string): string {
  return `${type}_${itemId}`;
}

/** Follow-up action rows offered by the form (more can be added on the visit page). */
export const FORM_FOLLOWUPS = 3;

export interface VisitFormOptions {
  readonly checklists: Checklists;
  readonly people: readonly { id: number; name: string }[];
  readonly equipment: readonly { id: number; model: string; serial_number: string }[];
}

/** The visit form for one customer. */
export function visitSurveyJson(o: VisitFormOptions, t: T): SurveyJson {
  const done = "{status} = 'done'";
  const people = o.people.map((p) => ({ value: p.id, text: p.name }));
  const checklistPanels = VISIT_TYPES.filter((type) => o.checklists[type].length > 0).map((type) => ({
    type: "panel",
    name: `checklist_${type}`,
    title: t("visits.form.checklist", { type: t(`visits.type.${type}`) }),
    visibleIf: `{type} = '${type}' and ${done}`,
    elements: o.checklists[type].map((item) => ({ type: "boolean", name: checklistQuestion(type, item.id), title: item.label, labelTrue: t("common.yes"), labelFalse: t("common.no") })),
  }));
  const followups = Array.from({ length: FORM_FOLLOWUPS }, (_, i) => {
    const n = i + 1;
    return {
      type: "panel",
      name: `followup${n}`,
      title: t("visits.form.followupN", { n }),
      ...(n > 1 ? { visibleIf: `{followup${n - 1}Action} notempty` } : {}),
      elements: [
        { type: "text", name: `followup${n}Action`, title: t("visits.followup.action"), maxLength: 500 },
        { type: "dropdown", name: `followup${n}Owner`, title: t("visits.followup.owner"), choices: people, visibleIf: `{followup${n}Action} notempty` },
        { type: "text", inputType: "date", name: `followup${n}Due`, title: t("visits.followup.due"), visibleIf: `{followup${n}Action} notempty` },
      ],
    };
  });
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("common.save"),
    elements: [
      { type: "dropdown", name: "type", title: t("visits.field.type"), isRequired: true, choices: VISIT_TYPES.map((v) => ({ value: v, text: t(`visits.type.${v}`) })) },
      {
        type: "radiogroup",
        name: "status",
        title: t("visits.field.reportState"),
        isRequired: true,
        colCount: 2,
        choices: [
          { value: "planned", text: t("visits.form.statePlanned") },
          { value: "done", text: t("visits.form.stateDone") },
        ],
      },
      { type: "text", inputType: "datetime-local", name: "plannedAt", title: t("visits.field.plannedAt"), isRequired: true },
      { type: "tagbox", name: "visitors", title: t("visits.field.visitors"), isRequired: true, choices: people },
      ...(o.equipment.length > 0
        ? [{ type: "checkbox", name: "equipment", title: t("visits.field.equipment"), colCount: 2, choices: o.equipment.map((e) => ({ value: e.id, text: `${e.model} · ${e.serial_number}` })) }]
        : []),
      { type: "text", inputType: "datetime-local", name: "startedAt", title: t("visits.field.startedAt"), visibleIf: done, isRequired: true },
      { type: "text", inputType: "datetime-local", name: "endedAt", title: t("visits.field.endedAt"), visibleIf: done, isRequired: true },
      { type: "comment", name: "summary", title: t("visits.field.summary"), visibleIf: done, isRequired: true, maxLength: 5000, rows: 3 },
      { type: "comment", name: "findings", title: t("visits.field.findings"), visibleIf: done, maxLength: 5000, rows: 2 },
      { type: "comment", name: "requests", title: t("visits.field.requests"), visibleIf: done, maxLength: 5000, rows: 2 },
      { type: "comment", name: "partsReplaced", title: t("visits.field.partsReplaced"), description: t("visits.field.partsHint"), visibleIf: done, maxLength: 5000, rows: 2 },
      ...checklistPanels,
      { type: "panel", name: "followups", title: t("visits.form.followups"), elements: followups },
    ],
  } as unknown as SurveyJson;
}

export interface ParsedFollowup {
  readonly action: string;
  readonly ownerId: number | null;
  readonly dueDate: string | null;
}

/** A visit as the form describes it; times are UTC ISO. */
export interface VisitInput {
  readonly type: VisitType;
  readonly status: "planned" | "done";
  readonly plannedAt: string;
  readonly visitorIds: readonly number[];
  readonly equipmentIds: readonly number[];
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly summary: string | null;
  readonly findings: string | null;
  readonly requests: string | null;
  readonly partsReplaced: string | null;
  /** The chosen type's checklist, texts included (a snapshot). */
  readonly checklist: readonly { label: string; checked: boolean | null }[];
  readonly followups: readonly ParsedFollowup[];
}

/** Answers a visit form already holds for an existing visit (for editing). */
export type VisitFormValues = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);

/**
 * Turns validated answers into a visit, or field errors as message keys. `now` bounds the actual
 * times: a report cannot end in the future (5 minutes of clock skew allowed).
 */
export function parseVisitForm(
  data: Readonly<Record<string, unknown>>,
  checklists: Checklists,
  now: string,
): { ok: true; visit: VisitInput } | { ok: false; errors: { name: string; key: string }[] } {
  const errors: { name: string; key: string }[] = [];
  const type = data.type as VisitType;
  const status = data.status === "done" ? "done" : "planned";
  const plannedAt = fromCompanyLocal(data.plannedAt);
  if (!plannedAt) errors.push({ name: "plannedAt", key: "validation.date" });
  let startedAt: string | null = null;
  let endedAt: string | null = null;
  let summary: string | null = null;
  if (status === "done") {
    startedAt = fromCompanyLocal(data.startedAt);
    endedAt = fromCompanyLocal(data.endedAt);
    summary = text(data.summary);
    if (!startedAt) errors.push({ name: "startedAt", key: "validation.required" });
    if (!endedAt) errors.push({ name: "endedAt", key: "validation.required" });
    if (!summary) errors.push({ name: "summary", key: "validation.required" });
    if (startedAt && endedAt && endedAt < startedAt) errors.push({ name: "endedAt", key: "visits.error.endBeforeStart" });
    if (endedAt && Date.parse(endedAt) > Date.parse(now) + 5 * 60_000) errors.push({ name: "endedAt", key: "visits.error.future" });
  }
  const followups: ParsedFollowup[] = [];
  for (let n = 1; n <= FORM_FOLLOWUPS; n++) {
    const action = text(data[`followup${n}Action`]);
    if (!action) continue;
    const owner = data[`followup${n}Owner`];
    const due = data[`followup${n}Due`];
    followups.push({ action, ownerId: typeof owner === "number" ? owner : null, dueDate: typeof due === "string" && due ? due : null });
  }
  if (errors.length) return { ok: false, errors };
  const visitorIds = Array.isArray(data.visitors) ? [...new Set(data.visitors.filter((v): v is number => typeof v === "number"))] : [];
  const equipmentIds = Array.isArray(data.equipment) ? [...new Set(data.equipment.filter((v): v is number => typeof v === "number"))] : [];
  return {
    ok: true,
    visit: {
      type,
      status,
      plannedAt: plannedAt!,
      visitorIds,
      equipmentIds,
      startedAt,
      endedAt,
      summary,
      findings: status === "done" ? text(data.findings) : null,
      requests: status === "done" ? text(data.requests) : null,
      partsReplaced: status === "done" ? text(data.partsReplaced) : null,
      checklist: status === "done" ? checklists[type].map((item) => {
            const value = data[checklistQuestion(type, item.id)];
            return { label: item.label, checked: typeof value === "boolean" ? value : null };
          }) : [],
      followups,
    },
  };
}
