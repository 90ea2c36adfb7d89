import type { Kysely } from "kysely";
import type { PluginContext } from "@aftercare/plugin-api";
import type { VisitsTables } from "./tables";
import { CHECKLIST_KEY, POLICY_KEY, parseChecklists, parsePolicy, type Checklists, type VisitsPolicy } from "./policy";

type Db = Kysely<VisitsTables>;

/** The current policy (defaults for anything never set). */
export async function readPolicy(db: Kysely<any>): Promise<VisitsPolicy> {
  const row = await (db as Db).selectFrom("settings").select("value_json").where("key", "=", POLICY_KEY).executeTakeFirst();
  return parsePolicy(row?.value_json);
}

/** The checklist items per visit type. */
export async function readChecklists(db: Kysely<any>): Promise<Checklists> {
  const row = await (db as Db).selectFrom("settings").select("value_json").where("key", "=", CHECKLIST_KEY).executeTakeFirst();
  return parseChecklists(row?.value_json);
}

async function upsertSetting(trx: Kysely<any>, key: string, value: unknown, actorId: number, now: string): Promise<void> {
  await (trx as Db)
    .insertInto("settings")
    .values({ key, value_json: JSON.stringify(value), updated_at: now, updated_by: actorId })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value_json: JSON.stringify(value), updated_at: now, updated_by: actorId }))
    .execute();
}

/**
 * Saves the policy and the checklists in one transaction with an audit entry holding the old and
 * new values (`visits.settings.update`, target `settings:visits`).
 */
export async function saveSettings(ctx: PluginContext, props: { policy: VisitsPolicy; checklists: Checklists; actorId: number }): Promise<void> {
  const now = ctx.clock().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const before = { policy: await readPolicy(trx), checklists: await readChecklists(trx) };
    await upsertSetting(trx, POLICY_KEY, props.policy, props.actorId, now);
    await upsertSetting(trx, CHECKLIST_KEY, props.checklists, props.actorId, now);
    await ctx.audit(trx, { actorId: props.actorId, action: "visits.settings.update", target: "settings:visits", detail: { before, after: { policy: props.policy, checklists: props.checklists } } });
  });
}
