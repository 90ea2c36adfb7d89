/** The "record a service call" form as a SurveyJS model, and the rules it cannot express. */
import type { SurveyJson } from "@aftercare/forms/types";
import { fromCompanyLocal } from "../time";
import type { NewCall } from "./calls.server";

type T = (key: string, vars?: Record<string, string | number>) => string;

export interface CallFormOptions {
  readonly people: readonly { id: number; name: string }[];
  readonly equipment: readonly { id: number; model: string; serial_number: string }[];
}

export function callSurveyJson(o: CallFormOptions, t: T): SurveyJson {
  const people = o.people.map((p) => ({ value: p.id, text: p.name }));
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("common.save"),
    elements: [
      ...(o.equipment.length ? [{ type: "dropdown", name: "equipmentId", title: t("visits.call.equipment"), choices: o.equipment.map((e) => ({ value: e.id, text: `${e.model} · ${e.serial_number}` })) }] : []),
      {
        type: "radiogroup",
        name: "channel",
        title: t("visits.call.channel"),
        isRequired: true,
        colCount: 2,
        choices: [
          { value: "hotline", text: t("visits.call.channel.hotline") },
          { value: "email", text: t("visits.call.channel.email") },
        ],
      },
      { type: "comment", name: "fault", title: t("visits.call.fault"), isRequired: true, maxLength: 2000, rows: 3 },
      { type: "text", inputType: "datetime-local", name: "receivedAt", title: t("visits.call.receivedAt"), isRequired: true },
      { type: "dropdown", name: "takenBy", title: t("visits.call.takenBy"), isRequired: true, choices: people },
      { type: "dropdown", name: "engineerId", title: t("visits.call.engineer"), placeholder: t("visits.call.notDispatched"), choices: people },
    ],
  } as unknown as SurveyJson;
}

/** Validated answers → a call, or field errors (message keys). */
export function parseCallForm(data: Readonly<Record<string, unknown>>, customerId: number, now: string): { ok: true; call: NewCall } | { ok: false; errors: { name: string; key: string }[] } {
  const receivedAt = fromCompanyLocal(data.receivedAt);
  if (!receivedAt) return { ok: false, errors: [{ name: "receivedAt", key: "visits.error.badTime" }] };
  if (Date.parse(receivedAt) > Date.parse(now) + 5 * 60_000) return { ok: false, errors: [{ name: "receivedAt", key: "visits.error.future" }] };
  const fault = typeof data.fault === "string" ? data.fault.trim() : "";
  if (!fault) return { ok: false, errors: [{ name: "fault", key: "validation.required" }] };
  return {
    ok: true,
    call: {
      customerId,
      equipmentId: typeof data.equipmentId === "number" ? data.equipmentId : null,
      channel: data.channel === "email" ? "email" : "hotline",
      fault,
      takenBy: Number(data.takenBy),
      receivedAt,
      engineerId: typeof data.engineerId === "number" ? data.engineerId : null,
    },
  };
}
