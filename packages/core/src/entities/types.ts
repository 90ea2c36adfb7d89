import type { Locale } from "@aftercare/plugin-api";

export type EntityName = "users" | "customers" | "equipment";

export interface FieldDef {
  /** Column name; also the form field and the CSV header. */
  readonly name: string;
  readonly labelKey: string;
  readonly type: "text" | "email" | "choice" | "date" | "ref" | "password";
  readonly required?: boolean;
  readonly maxLength?: number;
  /** For `choice`: the allowed values and their label keys. */
  readonly choices?: readonly { readonly value: string; readonly labelKey: string }[];
  /** For `ref`: the referenced entity; CSV names it by this column of the referenced table. */
  readonly ref?: { readonly entity: "users" | "customers"; readonly csvColumn: "email" | "company" };
  readonly unique?: boolean;
  /** Shown as a column in the list. */
  readonly list?: boolean;
  /** Part of CSV import/export (default true; never for passwords). */
  readonly csv?: boolean;
  readonly hintKey?: string;
}

export interface EntityDef {
  readonly name: EntityName;
  readonly titleKey: string;
  readonly oneKey: string;
  readonly readPermission: string;
  readonly managePermission: string;
  readonly fields: readonly FieldDef[];
  /** Columns searched by the list's search box. */
  readonly searchColumns: readonly string[];
  /** Column that identifies an existing record in a CSV import (update instead of create). */
  readonly importKey: string;
  /** Column holding the record's display name. */
  readonly displayColumn: string;
}

export type FieldErrors = Record<string, string>;

export interface ValidationContext {
  readonly locale: Locale;
  readonly t: (key: string, vars?: Record<string, string | number>) => string;
}
