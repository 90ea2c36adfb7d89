import type { Kysely, Transaction } from "kysely";
import type { SatisfactionTables } from "../tables";

/** The 10-point band of a score: [0–10) → 0, …, [80–90) → 8, 90 and above → 9 (below 0 → 0). */
export function scoreBand(score: number): number {
  for (let band = 0; band < 9; band++) if (score < (band + 1) * 10) return band;
  return 9;
}

/** What one stored response adds to its campaign's aggregates. */
export interface ResponseStats {
  readonly campaignId: number;
  readonly region: string | null;
  readonly tier: string | null;
  readonly ownerId: number | null;
  readonly score: number;
  readonly satisfied: boolean;
  /** Points per item id. */
  readonly items: Readonly<Record<string, number>>;
}

/** The aggregate key of a missing region/tier ('') or owner (0): see migration 03. */
export const NO_KEY_TEXT = "";
export const NO_KEY_OWNER = 0;

/**
 * Adds one response to `satisfaction_campaign_group_stat` and `satisfaction_campaign_item_stat`
 * (upserts: INSERT … ON CONFLICT … DO UPDATE, on SQLite and PostgreSQL). Call it in the
 * transaction that stores the response, and only when the response row was really inserted, so
 * the aggregates always equal a recount of the stored rows.
 */
export async function addResponseStats(trx: Transaction<SatisfactionTables> | Kysely<SatisfactionTables>, r: ResponseStats): Promise<void> {
  await trx
    .insertInto("satisfaction_campaign_group_stat")
    .values({
      campaign_id: r.campaignId,
      region: r.region ?? NO_KEY_TEXT,
      tier: r.tier ?? NO_KEY_TEXT,
      owner_id: r.ownerId ?? NO_KEY_OWNER,
      band: scoreBand(r.score),
      responses: 1,
      score_sum: r.score,
      satisfied: r.satisfied ? 1 : 0,
    })
    .onConflict((oc) =>
      oc.columns(["campaign_id", "region", "tier", "owner_id", "band"]).doUpdateSet((eb) => ({
        responses: eb("satisfaction_campaign_group_stat.responses", "+", eb.ref("excluded.responses")),
        score_sum: eb("satisfaction_campaign_group_stat.score_sum", "+", eb.ref("excluded.score_sum")),
        satisfied: eb("satisfaction_campaign_group_stat.satisfied", "+", eb.ref("excluded.satisfied")),
      })),
    )
    .execute();
  const items = Object.entries(r.items);
  if (!items.length) return;
  // One row per item: the keys of one INSERT are distinct, as PostgreSQL requires of an upsert.
  await trx
    .insertInto("satisfaction_campaign_item_stat")
    .values(items.map(([item, points]) => ({ campaign_id: r.campaignId, item, points, answers: 1 })))
    .onConflict((oc) =>
      oc.columns(["campaign_id", "item", "points"]).doUpdateSet((eb) => ({
        answers: eb("satisfaction_campaign_item_stat.answers", "+", eb.ref("excluded.answers")),
      })),
    )
    .execute();
}
