import type { SurveyJson } from "@aftercare/forms/types";
import type { EntityDef } from "./types";

/** Choices for reference fields, loaded by the server. */
export interface RefChoices {
  readonly users: readonly { id: number; name: string }[];
  readonly customers: readonly { id: number; company: string }[];
}

/**
 * The SurveyJS model of an entity's edit form, built from its field definitions, in one
 * language (the page is rendered per locale). The server validates the answers with
 * `validateEntityInput` against the same definitions.
 */
export function entitySurveyJson(def: EntityDef, refs: RefChoices, t: (key: string) => string, options: { isNew: boolean; selfId?: number }): SurveyJson {
  const elements = def.fields.map((field) => {
    const base = { name: field.name, title: t(field.labelKey), isRequired: field.required ?? false, description: field.hintKey ? t(field.hintKey) : undefined };
    switch (field.type) {
      case "email":
        return { ...base, type: "text", inputType: "email", maxLength: field.maxLength, validators: [{ type: "email" }] };
      case "date":
        return { ...base, type: "text", inputType: "date" };
      case "password":
        return { ...base, type: "text", inputType: "password", maxLength: 200 };
      case "choice":
        return { ...base, type: "dropdown", choices: (field.choices ?? []).map((c) => ({ value: c.value, text: t(c.labelKey) })) };
      case "ref": {
        const choices =
          field.ref!.entity === "users"
            ? refs.users.filter((u) => u.id !== options.selfId).map((u) => ({ value: u.id, text: u.name }))
            : refs.customers.map((c) => ({ value: c.id, text: c.company }));
        return { ...base, type: "dropdown", choices, searchEnabled: true };
      }
      default:
        return { ...base, type: "text", maxLength: field.maxLength };
    }
  });
  // Field definitions are the schema; the cast narrows the generated literals to SurveyJS's types.
  return {
    showQuestionNumbers: "off",
    completeText: t("common.save"),
    questionErrorLocation: "bottom",
    elements,
  } as unknown as SurveyJson;
}
