import { cleanText as cleanTextRule } from "@aftercare/forms/validate";
import type { EntityDef, FieldDef, FieldErrors, ValidationContext } from "./types";

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Lookups that turn a CSV's names into ids, and find clashes with existing records. */
export interface RefMaps {
  /** lower-cased email → user id */
  readonly usersByEmail: ReadonlyMap<string, number>;
  /** lower-cased company → customer id */
  readonly customersByCompany: ReadonlyMap<string, number>;
  readonly userIds: ReadonlySet<number>;
  readonly customerIds: ReadonlySet<number>;
}

export type EntityValues = Record<string, string | number | null>;

function cleanText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string" && typeof value !== "number") return null;
  // The app's one rule (forms' cleanText): NUL and C0 controls, bidi overrides, embeddings and
  // isolates, lone surrogates are dropped.
  const text = cleanTextRule(String(value)).trim();
  return text === "" ? null : text;
}

function validDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

/**
 * Validates one record's raw input (from the edit form, or one CSV row when `source` is "csv",
 * where references are given by email/company instead of id). Returns clean values or
 * per-field messages in the viewer's language. Uniqueness is checked by the caller.
 */
export function validateEntityInput(
  def: EntityDef,
  raw: Readonly<Record<string, unknown>>,
  refs: RefMaps,
  ctx: ValidationContext,
  source: "form" | "csv",
): { ok: true; values: EntityValues } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const values: EntityValues = {};
  const label = (f: FieldDef) => ctx.t(f.labelKey);
  for (const field of def.fields) {
    if (source === "csv" && field.csv === false) continue;
    const text = cleanText(raw[field.name]);
    if (text === null) {
      if (field.required) errors[field.name] = ctx.t("validation.required", { field: label(field) });
      values[field.name] = null;
      continue;
    }
    if (field.maxLength && text.length > field.maxLength) {
      errors[field.name] = ctx.t("validation.tooLong", { field: label(field), max: field.maxLength });
      continue;
    }
    switch (field.type) {
      case "email":
        if (!EMAIL.test(text) || text.length > 254) errors[field.name] = ctx.t("validation.email", { field: label(field) });
        else values[field.name] = text.toLowerCase();
        break;
      case "choice": {
        const choice = field.choices?.find((c) => c.value === text || c.value.toLowerCase() === text.toLowerCase() || ctx.t(c.labelKey) === text);
        if (!choice) errors[field.name] = ctx.t("validation.choice", { field: label(field) });
        else values[field.name] = choice.value;
        break;
      }
      case "date":
        if (!validDate(text)) errors[field.name] = ctx.t("validation.date", { field: label(field) });
        else values[field.name] = text;
        break;
      case "ref": {
        const ref = field.ref!;
        let id: number | undefined;
        if (source === "csv") {
          const map = ref.entity === "users" ? refs.usersByEmail : refs.customersByCompany;
          id = map.get(text.toLowerCase());
        } else {
          const n = Number(text);
          const known = ref.entity === "users" ? refs.userIds : refs.customerIds;
          id = Number.isInteger(n) && known.has(n) ? n : undefined;
        }
        if (id === undefined) errors[field.name] = ctx.t("validation.unknownRef", { field: label(field), value: text });
        else values[field.name] = id;
        break;
      }
      case "password":
        if (text.length < 10) errors[field.name] = ctx.t("validation.passwordShort");
        else values[field.name] = text;
        break;
      default:
        values[field.name] = text;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}
