import { type Kysely, sql } from "kysely";
import { coverageRecovery, groupSatisfaction, weakestItems, type ItemAverage } from "@aftercare/scoring/satisfaction";
import type { SatisfactionTables } from "../tables";
import { getTemplate } from "../template/templates.server";
import { itemGroups, itemWeights, type TemplateDefinition } from "../template/definition";
import { NO_KEY_OWNER, NO_KEY_TEXT, scoreBand } from "./campaign-stats.server";

type Db = Kysely<SatisfactionTables>;

/** Narrows a report to part of the audience. */
export interface ReportFilter {
  readonly region: string | null;
  readonly tier: string | null;
  readonly ownerId: number | null;
}

export const NO_FILTER: ReportFilter = { region: null, tier: null, ownerId: null };

export interface CampaignReport {
  readonly campaign: { id: number; name: string; period: string; status: string; sentAt: string | null; closesAt: string };
  readonly template: TemplateDefinition;
  readonly counts: { inScope: number; sent: number; returned: number };
  readonly coverage: number | null;
  readonly recovery: number | null;
  readonly coverageTimesRecovery: number | null;
  readonly meetsTarget: boolean;
  /** Σ weighted scores ÷ respondents. */
  readonly index: number | null;
  readonly shareSatisfied: number | null;
  readonly groups: { product: number | null; service: number | null; overall: number | null };
  readonly items: readonly (ItemAverage & { weight: number; group: string })[];
  readonly weakest: readonly string[];
  /** Responses per 10-point score band: [0–10), …, [90–100]. */
  readonly distribution: readonly number[];
  readonly breakdown: {
    readonly region: readonly BreakdownRow[];
    readonly tier: readonly BreakdownRow[];
    readonly owner: readonly BreakdownRow[];
  };
}

export interface BreakdownRow {
  readonly key: string | null;
  readonly label: string | null;
  readonly responses: number;
  readonly index: number | null;
  readonly shareSatisfied: number | null;
}

function responses(db: Db, campaignId: number, f: ReportFilter) {
  let q = db.selectFrom("satisfaction_response as r").where("r.campaign_id", "=", campaignId);
  if (f.region !== null) q = q.where("r.region", "=", f.region);
  if (f.tier !== null) q = q.where("r.tier", "=", f.tier);
  if (f.ownerId !== null) q = q.where("r.owner_id", "=", f.ownerId);
  return q;
}

const filtered = (f: ReportFilter) => f.region !== null || f.tier !== null || f.ownerId !== null;

export { scoreBand };

/**
 * The analysis report (顾客满意度调查分析报告) of one campaign, combined by the pure scoring
 * functions: for the whole campaign from the aggregates kept at submission; narrowed by a filter,
 * from SQL aggregates over the numeric columns stored at submission (indexed by campaign).
 */
export async function campaignReport(db: Db, campaignId: number, f: ReportFilter = NO_FILTER): Promise<CampaignReport | null> {
  const campaign = await db.selectFrom("satisfaction_campaign").selectAll().where("id", "=", campaignId).executeTakeFirst();
  if (!campaign) return null;
  const template = await getTemplate(db, campaign.template_id);
  if (!template) return null;
  const def = template.definition;

  // The customers are joined only to filter by them: unfiltered, the recipients' campaign index suffices.
  const recipientSelect = [sql<number>`count(*)`.as("all"), sql<number>`sum(case when rc.status = 'invited' then 1 else 0 end)`.as("sent")] as const;
  let recipientCounts: { all: number; sent: number } | undefined;
  if (filtered(f)) {
    let recipients = db.selectFrom("satisfaction_recipient as rc").innerJoin("customers as c", "c.id", "rc.customer_id").where("rc.campaign_id", "=", campaignId);
    if (f.region !== null) recipients = recipients.where("c.region", "=", f.region);
    if (f.tier !== null) recipients = recipients.where("c.tier", "=", f.tier);
    if (f.ownerId !== null) recipients = recipients.where("c.owner_id", "=", f.ownerId);
    recipientCounts = await recipients.select([...recipientSelect]).executeTakeFirst();
  } else {
    recipientCounts = await db.selectFrom("satisfaction_recipient as rc").where("rc.campaign_id", "=", campaignId).select([...recipientSelect]).executeTakeFirst();
  }

  type Sums = { n: number; total: number; satisfied: number };
  const totals: Sums = { n: 0, total: 0, satisfied: 0 };
  const byRegion = new Map<string | null, Sums>();
  const byTier = new Map<string | null, Sums>();
  const byOwner = new Map<number | null, Sums>();
  const distribution = Array.from({ length: 10 }, () => 0);
  const add = <K>(map: Map<K, Sums>, key: K, g: Sums) => {
    const s = map.get(key) ?? { n: 0, total: 0, satisfied: 0 };
    s.n += g.n;
    s.total += g.total;
    s.satisfied += g.satisfied;
    map.set(key, s);
  };
  const addGroup = (region: string | null, tier: string | null, owner: number | null, g: Sums) => {
    totals.n += g.n;
    totals.total += g.total;
    totals.satisfied += g.satisfied;
    add(byRegion, region, g);
    add(byTier, tier, g);
    add(byOwner, owner, g);
  };
  const byItem = new Map<string, { answers: number; points: number }>();
  const addItem = (item: string, points: number, n: number) => {
    const entry = byItem.get(item) ?? { answers: 0, points: 0 };
    entry.answers += n;
    entry.points += points * n;
    byItem.set(item, entry);
  };

  if (!filtered(f)) {
    // The whole campaign: the aggregates kept at submission (campaign-stats.server.ts), a few
    // rows per region × tier × owner × score band and per item × level, instead of every response.
    const groups = await db
      .selectFrom("satisfaction_campaign_group_stat")
      .select(["region", "tier", "owner_id", "band", "responses", "score_sum", "satisfied"])
      .where("campaign_id", "=", campaignId)
      .execute();
    for (const row of groups) {
      const g = { n: Number(row.responses), total: Number(row.score_sum), satisfied: Number(row.satisfied) };
      addGroup(row.region === NO_KEY_TEXT ? null : row.region, row.tier === NO_KEY_TEXT ? null : row.tier, Number(row.owner_id) === NO_KEY_OWNER ? null : Number(row.owner_id), g);
      distribution[Number(row.band)] += g.n;
    }
    const items = await db.selectFrom("satisfaction_campaign_item_stat").select(["item", "points", "answers"]).where("campaign_id", "=", campaignId).execute();
    for (const row of items) addItem(row.item, Number(row.points), Number(row.answers));
  } else {
    // Part of the audience: the responses themselves, through the campaign's indexes. One pass
    // grouped by the three breakdown columns gives the totals and the breakdowns.
    const groups = await responses(db, campaignId, f)
      .select([
        sql<string | null>`r.region`.as("region"),
        sql<string | null>`r.tier`.as("tier"),
        sql<number | null>`r.owner_id`.as("owner"),
        sql<number>`count(*)`.as("n"),
        sql<number>`sum(r.score)`.as("total"),
        sql<number>`sum(r.satisfied)`.as("satisfied"),
      ])
      .groupBy(["r.region", "r.tier", "r.owner_id"])
      .execute();
    for (const row of groups) {
      addGroup(row.region, row.tier, row.owner === null ? null : Number(row.owner), { n: Number(row.n), total: Number(row.total), satisfied: Number(row.satisfied) });
    }
    // The score distribution: responses per distinct score, read in the order of the campaign's
    // score index (no sorting), then put into bands here.
    const scores = await responses(db, campaignId, f)
      .select([sql<number>`r.score`.as("score"), sql<number>`count(*)`.as("n")])
      .groupBy("r.score")
      .execute();
    for (const row of scores) distribution[scoreBand(Number(row.score))] += Number(row.n);
    // Item averages: answers per item and level, averaged here.
    const itemRows = await responses(db, campaignId, f)
      .innerJoin("satisfaction_item_score as s", "s.response_id", "r.id")
      .select([sql<string>`s.item`.as("item"), sql<number>`s.points`.as("points"), sql<number>`count(*)`.as("n")])
      .groupBy(["s.item", "s.points"])
      .execute();
    for (const row of itemRows) addItem(row.item, Number(row.points), Number(row.n));
  }
  const returned = totals.n;
  const averages: ItemAverage[] = def.items.map((i) => {
    const entry = byItem.get(i.id);
    return { item: i.id, average: entry && entry.answers > 0 ? entry.points / entry.answers : null, answers: entry?.answers ?? 0 };
  });

  const ownerIds = [...byOwner.keys()].filter((id): id is number => Number.isInteger(id) && id !== null && id > 0);
  const ownerNames = ownerIds.length ? new Map((await db.selectFrom("users").select(["id", "name"]).where("id", "in", ownerIds).execute()).map((u) => [u.id, u.name])) : new Map<number, string>();
  /** Breakdown rows, lowest index first. */
  const breakdown = <K extends string | number | null>(map: Map<K, Sums>, label: (key: K) => string | null): BreakdownRow[] =>
    [...map]
      .map(([key, s]) => ({ key: key === null ? null : String(key), label: key === null ? null : label(key), responses: s.n, index: s.total / s.n, shareSatisfied: s.satisfied / s.n }))
      .sort((a, b) => a.index - b.index || String(a.key).localeCompare(String(b.key)));

  const counts = {
    inScope: filtered(f) ? Number(recipientCounts?.all ?? 0) : campaign.in_scope,
    sent: Number(recipientCounts?.sent ?? 0),
    returned,
  };
  const cr = counts.inScope > 0 && counts.sent >= 0 && counts.sent <= counts.inScope && returned <= counts.sent ? coverageRecovery(counts) : null;
  const weights = itemWeights(def);
  return {
    campaign: { id: campaign.id, name: campaign.name, period: campaign.period, status: campaign.status, sentAt: campaign.sent_at, closesAt: campaign.closes_at },
    template: def,
    counts,
    coverage: cr?.coverage ?? null,
    recovery: cr?.recovery ?? null,
    coverageTimesRecovery: cr?.product ?? null,
    meetsTarget: cr?.meetsTarget ?? false,
    index: returned > 0 ? totals.total / returned : null,
    shareSatisfied: returned > 0 ? totals.satisfied / returned : null,
    groups: groupSatisfaction(averages, { weights, groups: itemGroups(def), productWeight: def.productWeight }),
    items: averages.map((a) => ({ ...a, weight: weights[a.item], group: def.items.find((i) => i.id === a.item)!.group })),
    weakest: weakestItems(averages.filter((a) => a.average !== null), 2).map((a) => a.item),
    distribution,
    breakdown: {
      region: breakdown(byRegion, (key) => String(key)),
      tier: breakdown(byTier, (key) => String(key)),
      owner: breakdown(byOwner, (key) => ownerNames.get(key as number) ?? `#${key}`),
    },
  };
}

export interface TrendPoint {
  readonly campaignId: number;
  readonly name: string;
  readonly period: string;
  readonly responses: number;
  readonly index: number | null;
  readonly shareSatisfied: number | null;
}

type TrendStats = { readonly n: number; readonly idx: number | null; readonly share: number | null };

/**
 * Trend figures of campaigns closed long enough ago that no submission can still be landing. A
 * closed campaign takes no more answers and responses are never changed or deleted, so these
 * never change: the trend (on the dashboard, the campaign list and every report) then reads only
 * the open and recently closed campaigns instead of every response ever given.
 */
const settledTrend = new WeakMap<Db, Map<number, TrendStats>>();
/** How long after closing a campaign's figures are taken as final (far above any request's duration). */
export const TREND_SETTLED_MS = 10 * 60_000;

/**
 * Index and satisfied share of every sent campaign, oldest first: one grouped query over the
 * campaigns whose figures can still change, the others from the settled cache.
 */
export async function satisfactionTrend(db: Db, now: Date = new Date()): Promise<TrendPoint[]> {
  const campaigns = await db
    .selectFrom("satisfaction_campaign")
    .select(["id", "name", "period", "sent_at", "status", "closed_at"])
    .where("status", "in", ["open", "closed"])
    .orderBy("sent_at")
    .orderBy("id")
    .execute();
  let cache = settledTrend.get(db);
  if (!cache) settledTrend.set(db, (cache = new Map()));
  const settledBefore = new Date(now.getTime() - TREND_SETTLED_MS).toISOString();
  const settled = (c: (typeof campaigns)[number]) => c.status === "closed" && c.closed_at !== null && c.closed_at <= settledBefore;
  const live = campaigns.filter((c) => !(settled(c) && cache.has(c.id))).map((c) => c.id);
  let query = db
    .selectFrom("satisfaction_response")
    .select(["campaign_id", sql<number>`count(*)`.as("n"), sql<number>`avg(score)`.as("idx"), sql<number>`avg(satisfied)`.as("share")])
    .groupBy("campaign_id");
  if (live.length < campaigns.length) query = query.where("campaign_id", "in", live);
  const stats = live.length ? await query.execute() : [];
  const byCampaign = new Map<number, TrendStats>(stats.map((s) => [s.campaign_id, { n: Number(s.n), idx: Number(s.idx), share: Number(s.share) }]));
  for (const c of campaigns) {
    if (settled(c) && !cache.has(c.id)) cache.set(c.id, byCampaign.get(c.id) ?? { n: 0, idx: null, share: null });
  }
  return campaigns.map((c) => {
    const s = cache.get(c.id) ?? byCampaign.get(c.id);
    return {
      campaignId: c.id,
      name: c.name,
      period: c.period,
      responses: s?.n ?? 0,
      index: s && s.n > 0 ? s.idx : null,
      shareSatisfied: s && s.n > 0 ? s.share : null,
    };
  });
}

/** Comments of a campaign, per item (null = the closing question), newest first, capped. */
export async function campaignComments(db: Db, campaignId: number, f: ReportFilter = NO_FILTER, limit = 300) {
  let q = db
    .selectFrom("satisfaction_comment as cm")
    .innerJoin("satisfaction_response as r", "r.id", "cm.response_id")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .select(["cm.id", "cm.item", "cm.text", "r.score", "c.company"])
    .where("cm.campaign_id", "=", campaignId);
  if (f.region !== null) q = q.where("r.region", "=", f.region);
  if (f.tier !== null) q = q.where("r.tier", "=", f.tier);
  if (f.ownerId !== null) q = q.where("r.owner_id", "=", f.ownerId);
  return q.orderBy("cm.id", "desc").limit(limit).execute();
}

/** Every response of a campaign with its item points, for the CSV/XLSX export. */
export async function campaignResponses(db: Db, campaignId: number) {
  const rows = await db
    .selectFrom("satisfaction_response as r")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .leftJoin("users as u", "u.id", "r.owner_id")
    .select(["r.id", "r.submitted_at", "c.company", "r.region", "r.tier", "u.name as owner", "r.score", "r.satisfied", "r.product_score", "r.service_score", "r.answers_json"])
    .where("r.campaign_id", "=", campaignId)
    .orderBy("r.id")
    .execute();
  const points = await db.selectFrom("satisfaction_item_score").select(["response_id", "item", "points"]).where("campaign_id", "=", campaignId).execute();
  const byResponse = new Map<number, Record<string, number>>();
  for (const p of points) {
    const entry = byResponse.get(p.response_id) ?? {};
    entry[p.item] = p.points;
    byResponse.set(p.response_id, entry);
  }
  return rows.map((r) => ({ ...r, items: byResponse.get(r.id) ?? {} }));
}
