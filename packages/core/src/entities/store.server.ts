import { type Kysely, sql } from "kysely";
import type { CoreTables } from "../tables";
import { writeAudit } from "../audit.server";
import { hashPassword } from "../passwords.server";
import { destroyUserSessions } from "../sessions.server";
import type { EntityDef, FieldErrors, ValidationContext } from "./types";
import type { EntityValues, RefMaps } from "./validate";
import type { RefChoices } from "./form";

type Db = Kysely<CoreTables>;
type Row = Record<string, unknown> & { id: number; active: number };

export interface ListProps {
  readonly q?: string;
  readonly page: number;
  readonly pageSize: number;
  readonly showInactive: boolean;
}

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** One page of an entity's records, newest first, with the total for pagination. */
export async function listEntity(db: Db, def: EntityDef, props: ListProps): Promise<{ rows: Row[]; total: number }> {
  const any = db as Kysely<any>;
  let query = any.selectFrom(def.name);
  if (!props.showInactive) query = query.where("active", "=", 1);
  const q = props.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    query = query.where((eb: any) => eb.or(def.searchColumns.map((c) => eb(sql`lower(${sql.ref(c)})`, "like", sql`${pattern} escape '\\'`))));
  }
  const totalRow = (await query.select((eb: any) => eb.fn.countAll().as("n")).executeTakeFirst()) as { n?: number | string } | undefined;
  const rows = await query
    .selectAll()
    .orderBy("id", "desc")
    .limit(props.pageSize)
    .offset((props.page - 1) * props.pageSize)
    .execute();
  return { rows: rows as Row[], total: Number(totalRow?.n ?? 0) };
}

export async function getEntity(db: Db, def: EntityDef, id: number): Promise<Row | undefined> {
  return (await (db as Kysely<any>).selectFrom(def.name).selectAll().where("id", "=", id).executeTakeFirst()) as Row | undefined;
}

/** Active users and customers, for the edit form's dropdowns. */
export async function loadRefChoices(db: Db): Promise<RefChoices> {
  const [users, customers] = await Promise.all([
    db.selectFrom("users").select(["id", "name"]).where("active", "=", 1).orderBy("name").execute(),
    db.selectFrom("customers").select(["id", "company"]).where("active", "=", 1).orderBy("company").execute(),
  ]);
  return { users, customers };
}

/** Lookups for validation: ids, and emails/companies for CSV references. */
export async function loadRefMaps(db: Db): Promise<RefMaps> {
  const [users, customers] = await Promise.all([
    db.selectFrom("users").select(["id", "email"]).execute(),
    db.selectFrom("customers").select(["id", "company"]).execute(),
  ]);
  return {
    usersByEmail: new Map(users.map((u) => [u.email.toLowerCase(), u.id])),
    customersByCompany: new Map(customers.map((c) => [c.company.toLowerCase(), c.id])),
    userIds: new Set(users.map((u) => u.id)),
    customerIds: new Set(customers.map((c) => c.id)),
  };
}

/** Existing records' unique values (lower-cased) → id, per unique field. */
export async function loadUniqueIndex(db: Db, def: EntityDef): Promise<Map<string, Map<string, number>>> {
  const index = new Map<string, Map<string, number>>();
  for (const field of def.fields.filter((f) => f.unique)) {
    const rows = (await (db as Kysely<any>).selectFrom(def.name).select(["id", field.name]).execute()) as Record<string, unknown>[];
    index.set(field.name, new Map(rows.map((r) => [String(r[field.name]).toLowerCase(), Number(r.id)])));
  }
  return index;
}

/** Messages for unique fields whose value belongs to another record. */
export function uniqueErrors(def: EntityDef, values: EntityValues, selfId: number | null, index: Map<string, Map<string, number>>, ctx: ValidationContext): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of def.fields.filter((f) => f.unique)) {
    const value = values[field.name];
    if (value === null || value === undefined) continue;
    const owner = index.get(field.name)?.get(String(value).toLowerCase());
    if (owner !== undefined && owner !== selfId) {
      errors[field.name] = ctx.t("validation.unique", { field: ctx.t(field.labelKey), value: String(value) });
    }
  }
  return errors;
}

/** Turns validated values into the row to write (hashing a new password). */
async function toRow(def: EntityDef, values: EntityValues, now: string, isNew: boolean): Promise<Record<string, unknown>> {
  const row: Record<string, unknown> = { updated_at: now };
  if (isNew) row.created_at = now;
  for (const field of def.fields) {
    if (!(field.name in values)) continue;
    const value = values[field.name];
    if (field.type === "password") {
      if (value) row.password_hash = await hashPassword(String(value));
      continue;
    }
    row[field.name] = value;
  }
  if (def.name === "customers" && !row.locale && isNew) row.locale = "zh-CN";
  return row;
}

/** Field names an audit entry records (never the password). */
function auditable(values: EntityValues): Record<string, unknown> {
  const { password, ...rest } = values;
  return password ? { ...rest, password: "(changed)" } : rest;
}

/** Creates or updates one record and writes the audit entry in the same transaction. */
export async function saveEntity(db: Db, def: EntityDef, values: EntityValues, id: number | null, actorId: number, now: string): Promise<number> {
  const row = await toRow(def, values, now, id === null);
  return db.transaction().execute(async (trx) => {
    const any = trx as unknown as Kysely<any>;
    let savedId = id;
    if (id === null) {
      const inserted = await any.insertInto(def.name).values(row).returning("id").executeTakeFirstOrThrow();
      savedId = Number(inserted.id);
    } else {
      await any.updateTable(def.name).set(row).where("id", "=", id).execute();
    }
    await writeAudit(trx, { actorId, action: `${def.name}.${id === null ? "create" : "update"}`, target: `${def.name}:${savedId}`, detail: auditable(values) }, now);
    return savedId!;
  });
}

/** Deactivates or reactivates a record; deactivating a user also ends their sessions. */
export async function setEntityActive(db: Db, def: EntityDef, id: number, active: boolean, actorId: number, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await (trx as unknown as Kysely<any>).updateTable(def.name).set({ active: active ? 1 : 0, updated_at: now }).where("id", "=", id).execute();
    await writeAudit(trx, { actorId, action: `${def.name}.${active ? "reactivate" : "deactivate"}`, target: `${def.name}:${id}` }, now);
  });
  if (def.name === "users" && !active) await destroyUserSessions(db, id);
}

export { toRow as entityRow };
