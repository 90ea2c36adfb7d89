import type { Kysely, Selectable, Transaction } from "kysely";
import type { KpiTables } from "../tables";
import { defaultScheme, FIRST_MONTH, parseDefinition, STAFF_KINDS, type SchemeDefinition, type StaffKind } from "./definition";

type Db = Kysely<KpiTables> | Transaction<KpiTables>;

export { FIRST_MONTH };

export interface StoredScheme {
  readonly id: number;
  readonly kind: StaffKind;
  readonly monthFrom: string;
  readonly version: number;
  readonly definition: SchemeDefinition;
  readonly createdAt: string;
}

function toStored(row: Selectable<KpiTables["kpi_scheme"]>): StoredScheme {
  return { id: row.id, kind: row.kind, monthFrom: row.month_from, version: row.version, definition: parseDefinition(row.definition_json), createdAt: row.created_at };
}

/** Creates the default scheme of each staff kind when the kind has none (init; idempotent). */
export async function ensureDefaultSchemes(db: Kysely<KpiTables>, now: string): Promise<void> {
  for (const kind of STAFF_KINDS) {
    const any = await db.selectFrom("kpi_scheme").select("id").where("kind", "=", kind).executeTakeFirst();
    if (any) continue;
    await db
      .insertInto("kpi_scheme")
      .values({ kind, month_from: FIRST_MONTH, version: 1, definition_json: JSON.stringify(defaultScheme(kind)), created_by: null, created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The scheme version that applies to a kind in a month: the newest one starting on or before it. */
export async function schemeFor(db: Db, kind: StaffKind, month: string): Promise<StoredScheme | null> {
  const row = await db.selectFrom("kpi_scheme").selectAll().where("kind", "=", kind).where("month_from", "<=", month).orderBy("month_from", "desc").executeTakeFirst();
  return row ? toStored(row) : null;
}

export async function schemeById(db: Db, id: number): Promise<StoredScheme | null> {
  const row = await db.selectFrom("kpi_scheme").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toStored(row) : null;
}

/** Every version, newest first per kind. */
export async function listSchemes(db: Db): Promise<StoredScheme[]> {
  const rows = await db.selectFrom("kpi_scheme").selectAll().orderBy("kind").orderBy("month_from", "desc").execute();
  return rows.map(toStored);
}

export type SaveSchemeResult =
  | { readonly ok: true; readonly id: number; readonly version: number; readonly replaced: boolean }
  | { readonly ok: false; readonly reason: "sheets-exist"; readonly month: string };

/**
 * Saves a definition as the version of `kind` that applies from `monthFrom`. Sheets keep the
 * version they were started under, so a version may only start after the last month that already
 * has sheets of this kind; a version starting in the same month as an unused one replaces it.
 * The caller validates the definition and writes the audit entry.
 */
export async function saveScheme(trx: Transaction<KpiTables>, props: { kind: StaffKind; monthFrom: string; definition: SchemeDefinition; actorId: number; now: string }): Promise<SaveSchemeResult> {
  const { kind, monthFrom, definition } = props;
  const used = await trx.selectFrom("kpi_sheet").select("month").where("kind", "=", kind).where("month", ">=", monthFrom).orderBy("month", "desc").executeTakeFirst();
  if (used) return { ok: false, reason: "sheets-exist", month: used.month };
  const latest = await trx.selectFrom("kpi_scheme").select(({ fn }) => fn.max("version").as("v")).where("kind", "=", kind).executeTakeFirst();
  const version = Number(latest?.v ?? 0) + 1;
  const same = await trx.selectFrom("kpi_scheme").select("id").where("kind", "=", kind).where("month_from", "=", monthFrom).executeTakeFirst();
  const definitionJson = JSON.stringify({ ...definition, kind });
  if (same) {
    await trx.updateTable("kpi_scheme").set({ version, definition_json: definitionJson, created_by: props.actorId, created_at: props.now }).where("id", "=", same.id).execute();
    return { ok: true, id: same.id, version, replaced: true };
  }
  const row = await trx
    .insertInto("kpi_scheme")
    .values({ kind, month_from: monthFrom, version, definition_json: definitionJson, created_by: props.actorId, created_at: props.now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ok: true, id: row.id, version, replaced: false };
}
