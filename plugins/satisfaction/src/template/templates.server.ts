import type { Kysely } from "kysely";
import type { SurveyJson } from "@aftercare/forms/types";
import { compileSurvey } from "@aftercare/forms";
import type { SatisfactionTables } from "../tables";
import type { TemplateDefinition } from "./definition";
import { buildSurveyJson } from "./survey-json";
import { DEFAULT_TEMPLATE } from "./default-template";

type Db = Kysely<SatisfactionTables>;

export interface StoredTemplate {
  readonly id: number;
  readonly familyId: number;
  readonly version: number;
  readonly name: string;
  readonly definition: TemplateDefinition;
  readonly survey: SurveyJson;
  readonly frozen: boolean;
}

type Row = SatisfactionTables["satisfaction_template"] & { id: number };

function toStored(row: Row): StoredTemplate {
  return {
    id: row.id,
    familyId: row.family_id ?? row.id,
    version: row.version,
    name: row.name,
    definition: JSON.parse(row.definition_json) as TemplateDefinition,
    survey: JSON.parse(row.survey_json) as SurveyJson,
    frozen: row.frozen === 1,
  };
}

// Per database handle: template ids repeat across databases (several hosts in one process).
const caches = new WeakMap<object, Map<number, StoredTemplate>>();
function cacheOf(db: object): Map<number, StoredTemplate> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** A template version by id. Frozen versions never change, so they are cached. */
export async function getTemplate(db: Db, id: number): Promise<StoredTemplate | undefined> {
  const cache = cacheOf(db);
  const hit = cache.get(id);
  if (hit) return hit;
  const row = (await db.selectFrom("satisfaction_template").selectAll().where("id", "=", id).executeTakeFirst()) as Row | undefined;
  if (!row) return undefined;
  const stored = toStored(row);
  if (stored.frozen) cache.set(id, stored);
  return stored;
}

/** The newest version of every template family, for pickers and the template list. */
export async function listLatestTemplates(db: Db): Promise<StoredTemplate[]> {
  const rows = (await db.selectFrom("satisfaction_template").selectAll().where("archived", "=", 0).orderBy("id").execute()) as Row[];
  const latest = new Map<number, Row>();
  for (const row of rows) {
    const family = row.family_id ?? row.id;
    const seen = latest.get(family);
    if (!seen || row.version > seen.version) latest.set(family, row);
  }
  return [...latest.values()].map(toStored);
}

/**
 * Saves a template. A new template starts a family at version 1; editing a frozen version
 * (used by a sent campaign) creates the next version instead, so responses keep pointing at
 * the version they answered.
 */
export async function saveTemplate(
  db: Db | Kysely<any>,
  props: { id: number | null; name: string; definition: TemplateDefinition; survey?: SurveyJson; actorId: number | null; now: string },
): Promise<number> {
  const survey = props.definition.imported && props.survey ? props.survey : buildSurveyJson(props.definition);
  compileSurvey(survey); // throws SurveySchemaError for JSON the server could not validate against
  const base = { name: props.name, definition_json: JSON.stringify(props.definition), survey_json: JSON.stringify(survey), updated_at: props.now };
  const d = db as Db;
  if (props.id === null) {
    const row = await d
      .insertInto("satisfaction_template")
      .values({ ...base, family_id: null, version: 1, frozen: 0, archived: 0, created_by: props.actorId, created_at: props.now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await d.updateTable("satisfaction_template").set({ family_id: row.id }).where("id", "=", row.id).execute();
    return row.id;
  }
  const current = await getTemplate(d, props.id);
  if (!current) throw new Error(`template ${props.id} not found`);
  if (!current.frozen) {
    await d.updateTable("satisfaction_template").set(base).where("id", "=", props.id).execute();
    return props.id;
  }
  const newest = await d
    .selectFrom("satisfaction_template")
    .select((eb) => eb.fn.max("version").as("v"))
    .where("family_id", "=", current.familyId)
    .executeTakeFirst();
  const row = await d
    .insertInto("satisfaction_template")
    .values({ ...base, family_id: current.familyId, version: Number(newest?.v ?? current.version) + 1, frozen: 0, archived: 0, created_by: props.actorId, created_at: props.now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Freezes a version once a campaign using it is sent. */
export async function freezeTemplate(db: Db | Kysely<any>, id: number): Promise<void> {
  await (db as Db).updateTable("satisfaction_template").set({ frozen: 1 }).where("id", "=", id).execute();
  cacheOf(db).delete(id);
}

/** Creates the default template (顾客满意度调查表) when there is none. */
export async function ensureDefaultTemplate(db: Db, now: string): Promise<void> {
  const any = await db.selectFrom("satisfaction_template").select("id").limit(1).executeTakeFirst();
  if (any) return;
  await saveTemplate(db, { id: null, name: "顾客满意度调查表 / Customer satisfaction survey", definition: DEFAULT_TEMPLATE, actorId: null, now });
}
