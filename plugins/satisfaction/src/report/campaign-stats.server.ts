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
 * Adds stored responses to `satisfaction_campaign_group_stat` and `satisfaction_campaign_item_stat`
 * (upserts: INSERT … ON CONFLICT … DO UPDATE, on SQLite and PostgreSQL). Call it in the
 * transaction that stores the responses, with only the responses really inserted, so the
 * aggregates always equal a recount of the stored rows.
 *
 * The batch is summed per aggregate row first and written in key order, one statement per table:
 * concurrent transactions (several pool connections, several instances on PostgreSQL) then take
 * the rows' locks in the same order and cannot deadlock, and hold them only briefly.
 */
export async function addResponseStats(trx: Transaction<SatisfactionTables> | Kysely<SatisfactionTables>, responses: readonly ResponseStats[]): Promise<void> {
  const groups = new Map<string, { campaign_id: number; region: string; tier: string; owner_id: number; band: number; responses: number; score_sum: number; satisfied: number }>();
  const items = new Map<string, { campaign_id: number; item: string; points: number; answers: number }>();
  for (const r of responses) {
    const group = { campaign_id: r.campaignId, region: r.region ?? NO_KEY_TEXT, tier: r.tier ?? NO_KEY_TEXT, owner_id: r.ownerId ?? NO_KEY_OWNER, band: scoreBand(r.score) };
    const gk = JSON.stringify([group.campaign_id, group.region, group.tier, group.owner_id, group.band]);
    const g = groups.get(gk) ?? { ...group, responses: 0, score_sum: 0, satisfied: 0 };
    g.responses += 1;
    g.score_sum += r.score;
    g.satisfied += r.satisfied ? 1 : 0;
    groups.set(gk, g);
    for (const [item, points] of Object.entries(r.items)) {
      const ik = JSON.stringify([r.campaignId, item, points]);
      const it = items.get(ik) ?? { campaign_id: r.campaignId, item, points, answers: 0 };
      it.answers += 1;
      items.set(ik, it);
    }
  }
  const inOrder = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  if (groups.size) {
    await trx
      .insertInto("satisfaction_campaign_group_stat")
      .values(inOrder(groups))
      .onConflict((oc) =>
        oc.columns(["campaign_id", "region", "tier", "owner_id", "band"]).doUpdateSet((eb) => ({
          responses: eb("satisfaction_campaign_group_stat.responses", "+", eb.ref("excluded.responses")),
          score_sum: eb("satisfaction_campaign_group_stat.score_sum", "+", eb.ref("excluded.score_sum")),
          satisfied: eb("satisfaction_campaign_group_stat.satisfied", "+", eb.ref("excluded.satisfied")),
        })),
      )
      .execute();
  }
  if (items.size) {
    await trx
      .insertInto("satisfaction_campaign_item_stat")
      .values(inOrder(items))
      .onConflict((oc) =>
        oc.columns(["campaign_id", "item", "points"]).doUpdateSet((eb) => ({
          answers: eb("satisfaction_campaign_item_stat.answers", "+", eb.ref("excluded.answers")),
        })),
      )
      .execute();
  }
}
