import type { Kysely } from "kysely";
import type { CoreTables } from "../tables";
import { decodeCsvBytes, parseCsv, toCsv } from "../csv";
import { writeAudit } from "../audit.server";
import type { EntityDef, ValidationContext } from "./types";
import { validateEntityInput, type EntityValues } from "./validate";
import { entityRow, loadRefMaps, loadUniqueIndex, uniqueErrors } from "./store.server";

type Db = Kysely<CoreTables>;

export const MAX_IMPORT_ROWS = 100_000;

export interface PreviewRow {
  /** Line number in the file (the header is line 1). */
  readonly line: number;
  readonly action: "create" | "update";
  readonly cells: Readonly<Record<string, string>>;
  readonly errors: readonly string[];
}

export interface ImportPreview {
  readonly columns: readonly string[];
  readonly fileErrors: readonly string[];
  readonly rows: readonly PreviewRow[];
  readonly okCount: number;
  readonly badCount: number;
}

/** The CSV columns of an entity, in order. */
export function csvColumns(def: EntityDef): string[] {
  return def.fields.filter((f) => f.csv !== false).map((f) => f.name);
}

interface Checked {
  readonly preview: ImportPreview;
  readonly valid: { values: EntityValues; existingId: number | null }[];
}

/** Decodes, parses and validates a CSV upload without writing anything. */
async function check(db: Db, def: EntityDef, text: string, ctx: ValidationContext): Promise<Checked> {
  const columns = csvColumns(def);
  const empty = (fileErrors: string[]): Checked => ({ preview: { columns, fileErrors, rows: [], okCount: 0, badCount: 0 }, valid: [] });
  const table = parseCsv(text);
  if (table.length < 2) return empty([ctx.t("import.empty")]);
  if (table.length - 1 > MAX_IMPORT_ROWS) return empty([ctx.t("import.tooMany", { max: MAX_IMPORT_ROWS })]);
  const header = table[0].map((h) => h.trim());
  const unknown = header.filter((h) => !columns.includes(h));
  if (unknown.length > 0) return empty([ctx.t("import.badHeader", { columns: unknown.join(", "), expected: columns.join(", ") })]);
  const missing = def.fields.filter((f) => f.required && f.csv !== false && !header.includes(f.name)).map((f) => f.name);
  if (missing.length > 0) return empty([ctx.t("import.missingHeader", { columns: missing.join(", ") })]);

  const refs = await loadRefMaps(db);
  const unique = await loadUniqueIndex(db, def);
  const keyIndex = unique.get(def.importKey);
  const seenKeys = new Map<string, number>();
  const rows: PreviewRow[] = [];
  const valid: Checked["valid"] = [];
  for (let i = 1; i < table.length; i++) {
    const line = i + 1;
    const cells: Record<string, string> = {};
    header.forEach((h, c) => (cells[h] = table[i][c] ?? ""));
    const keyValue = (cells[def.importKey] ?? "").trim().toLowerCase();
    const existingId = keyValue ? keyIndex?.get(keyValue) ?? null : null;
    const errors: string[] = [];
    const result = validateEntityInput(def, cells, refs, ctx, "csv");
    if (!result.ok) errors.push(...Object.values(result.errors));
    else errors.push(...Object.values(uniqueErrors(def, result.values, existingId, unique, ctx)));
    if (keyValue) {
      const first = seenKeys.get(keyValue);
      if (first !== undefined) errors.push(ctx.t("import.duplicateInFile", { row: first }));
      else seenKeys.set(keyValue, line);
    }
    rows.push({ line, action: existingId === null ? "create" : "update", cells, errors });
    // Only the file's columns are written: a column left out of the file keeps its stored value.
    if (errors.length === 0 && result.ok) valid.push({ values: Object.fromEntries(Object.entries(result.values).filter(([name]) => header.includes(name))), existingId });
  }
  const badCount = rows.filter((r) => r.errors.length > 0).length;
  return { preview: { columns, fileErrors: [], rows, okCount: rows.length - badCount, badCount }, valid };
}

/**
 * Stages an upload and returns its preview. Nothing is imported until `commitImport`.
 * Bytes that are neither UTF-8 nor GBK are refused with a message, never read as mojibake.
 */
export async function stageImport(
  db: Db,
  def: EntityDef,
  bytes: Uint8Array,
  fileName: string | null,
  actorId: number,
  now: string,
  ctx: ValidationContext,
): Promise<{ batchId: number | null; preview: ImportPreview }> {
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) return { batchId: null, preview: { columns: csvColumns(def), fileErrors: [ctx.t("import.encoding")], rows: [], okCount: 0, badCount: 0 } };
  const { preview } = await check(db, def, decoded.text, ctx);
  if (preview.fileErrors.length > 0 || preview.rows.length === 0) return { batchId: null, preview };
  const batch = await db
    .insertInto("import_batches")
    .values({ entity: def.name, created_by: actorId, created_at: now, file_name: fileName, csv_text: decoded.text })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { batchId: batch.id, preview };
}

/** The preview of a staged batch (re-checked against the current data). */
export async function previewBatch(db: Db, def: EntityDef, batchId: number, actorId: number, ctx: ValidationContext): Promise<ImportPreview | null> {
  const batch = await db.selectFrom("import_batches").selectAll().where("id", "=", batchId).where("created_by", "=", actorId).where("entity", "=", def.name).executeTakeFirst();
  if (!batch) return null;
  return (await check(db, def, batch.csv_text, ctx)).preview;
}

/**
 * Imports a staged batch in one transaction when every row is valid; otherwise imports nothing
 * and returns the preview with the errors.
 */
export async function commitImport(
  db: Db,
  def: EntityDef,
  batchId: number,
  actorId: number,
  now: string,
  ctx: ValidationContext,
): Promise<{ ok: true; created: number; updated: number } | { ok: false; preview: ImportPreview | null }> {
  const batch = await db.selectFrom("import_batches").selectAll().where("id", "=", batchId).where("created_by", "=", actorId).where("entity", "=", def.name).executeTakeFirst();
  if (!batch) return { ok: false, preview: null };
  const { preview, valid } = await check(db, def, batch.csv_text, ctx);
  if (preview.badCount > 0 || preview.fileErrors.length > 0) return { ok: false, preview };
  let created = 0;
  let updated = 0;
  const rows = await Promise.all(valid.map(async (v) => ({ row: await entityRow(def, v.values, now, v.existingId === null), id: v.existingId })));
  await db.transaction().execute(async (trx) => {
    const any = trx as unknown as Kysely<any>;
    const inserts = rows.filter((r) => r.id === null).map((r) => r.row);
    for (let i = 0; i < inserts.length; i += 200) {
      await any.insertInto(def.name).values(inserts.slice(i, i + 200)).execute();
    }
    created = inserts.length;
    for (const r of rows.filter((x) => x.id !== null)) {
      const { created_at, ...rest } = r.row;
      void created_at;
      await any.updateTable(def.name).set(rest).where("id", "=", r.id).execute();
      updated++;
    }
    await trx.deleteFrom("import_batches").where("id", "=", batchId).execute();
    await writeAudit(trx, { actorId, action: `${def.name}.import`, target: `${def.name}:*`, detail: { file: batch.file_name, created, updated } }, now);
  });
  return { ok: true, created, updated };
}

/** Every record as CSV (references by email/company, formulas neutralised), with an `active` column. */
export async function exportCsv(db: Db, def: EntityDef): Promise<string> {
  const columns = csvColumns(def);
  const records = (await (db as Kysely<any>).selectFrom(def.name).selectAll().orderBy("id").execute()) as Record<string, unknown>[];
  const users = new Map((await db.selectFrom("users").select(["id", "email"]).execute()).map((u) => [u.id, u.email]));
  const customers = new Map((await db.selectFrom("customers").select(["id", "company"]).execute()).map((c) => [c.id, c.company]));
  const rows = records.map((record) => [
    ...columns.map((name) => {
      const field = def.fields.find((f) => f.name === name)!;
      const value = record[name];
      if (field.type === "ref" && value !== null && value !== undefined) {
        return field.ref!.entity === "users" ? users.get(Number(value)) ?? "" : customers.get(Number(value)) ?? "";
      }
      return value ?? "";
    }),
    record.active === 1 ? "1" : "0",
  ]);
  return toCsv([...columns, "active"], rows);
}
