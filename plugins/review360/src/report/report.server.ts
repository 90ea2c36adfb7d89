/**
 * The 360 report. Anonymity is enforced here, in the queries, not in the pages: the rater count
 * of every group is read first from the assignments, and the answers and comments are then read
 * only for the groups at or above their minimum. A hidden group's scores and comments never leave
 * the database, so no page, export or filter can show them, fold them into "others", or let
 * anyone subtract one figure from another to recover them. The same rule holds per statement: a
 * statement scored by fewer of a group than its minimum (customers' "not observed" answers store
 * no score) is left out for that group.
 */
import { RATER_GROUPS, review360, type RaterGroup } from "@aftercare/scoring";
import type { Db } from "../cycle/cycles.server";
import { getCycle, type Cycle } from "../cycle/cycles.server";
import { allItems, scaleRange } from "../definition/competencies";
import type { CommentKind } from "../tables";
import { classifyGap, spread, type GapKind, type ScoreSums } from "./gaps";

/** One rater group in the report: visible with its count and weight, or nothing at all. */
export type Participation =
  | { readonly group: RaterGroup; readonly status: "visible"; readonly raters: number; readonly weight: number }
  | { readonly group: RaterGroup; readonly status: "hidden" | "absent" };

/** A visible group's mean and agreement on one item or competency. */
export interface GroupScore {
  readonly group: RaterGroup;
  readonly mean: number | null;
  /** Population standard deviation of the group's scores; null for a single score. */
  readonly spread: number | null;
}

export interface ScoreRow {
  readonly competency: string;
  /** The item id; equals the competency id on competency rows. */
  readonly id: string;
  /** Visible groups only (self included). */
  readonly groups: readonly GroupScore[];
  readonly self: number | null;
  /** Weighted mean of the visible non-self groups. */
  readonly others: number | null;
  /** Spread of every visible non-self score. */
  readonly othersSpread: number | null;
  readonly gap: number | null;
  readonly gapKind: GapKind | null;
}

export interface ReportComments {
  readonly group: RaterGroup;
  readonly kind: CommentKind;
  /** Sentences, in a random order unrelated to who wrote them or when. */
  readonly sentences: readonly string[];
}

export interface RevieweeReport {
  readonly state: "ready";
  readonly cycle: Cycle;
  readonly reviewee: { readonly id: number; readonly userId: number; readonly name: string; readonly releasedAt: string | null };
  readonly participation: readonly Participation[];
  readonly competencies: readonly ScoreRow[];
  readonly items: readonly ScoreRow[];
  readonly overall: number | null;
  /** Items with the highest and lowest "others" means (up to three each). */
  readonly highest: readonly ScoreRow[];
  readonly lowest: readonly ScoreRow[];
  readonly comments: readonly ReportComments[];
}

export type ReportResult =
  | RevieweeReport
  /** The cycle is still collecting answers: nothing is computed (a report that changes with every submission would let a watcher work out each new rating). */
  | { readonly state: "pending"; readonly cycle: Cycle; readonly reviewee: RevieweeReport["reviewee"] };

/** Raters who submitted, per group, and which groups have any rater assigned. */
async function groupCounts(db: Db, revieweeId: number): Promise<{ submitted: Map<RaterGroup, number>; present: Set<RaterGroup> }> {
  const rows = await db
    .selectFrom("review360_assignment")
    .select(["rater_group", "status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("reviewee_id", "=", revieweeId)
    .where("status", "!=", "proposed")
    .groupBy(["rater_group", "status"])
    .execute();
  const submitted = new Map<RaterGroup, number>();
  const present = new Set<RaterGroup>();
  for (const r of rows) {
    present.add(r.rater_group);
    if (r.status === "submitted") submitted.set(r.rater_group, Number(r.n));
  }
  return { submitted, present };
}

const add = (a: ScoreSums | undefined, b: ScoreSums): ScoreSums => ({ n: (a?.n ?? 0) + b.n, sum: (a?.sum ?? 0) + b.sum, sumSquares: (a?.sumSquares ?? 0) + b.sumSquares });

/**
 * A reviewee's 360 report, or `pending` while the cycle is open, or null for an unknown reviewee.
 *
 * @example
 * const report = await revieweeReport(db, 12);
 * if (report?.state === "ready") report.competencies[0].others;
 */
export async function revieweeReport(db: Db, revieweeId: number): Promise<ReportResult | null> {
  const row = await db
    .selectFrom("review360_reviewee as r")
    .innerJoin("users as u", "u.id", "r.user_id")
    .select(["r.id", "r.cycle_id", "r.user_id", "r.released_at", "u.name"])
    .where("r.id", "=", revieweeId)
    .executeTakeFirst();
  if (!row) return null;
  const cycle = await getCycle(db, row.cycle_id);
  if (!cycle) return null;
  const reviewee = { id: row.id, userId: row.user_id, name: row.name, releasedAt: row.released_at };
  if (cycle.status !== "closed") return { state: "pending", cycle, reviewee };

  const { submitted, present } = await groupCounts(db, revieweeId);
  const visible = RATER_GROUPS.filter((g) => (submitted.get(g) ?? 0) >= cycle.minRaters[g]);

  // Only the visible groups' answers and comments are read.
  const sums = visible.length
    ? await db
        .selectFrom("review360_answer")
        .select(["rater_group", "competency", "item", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.sum<number>("score").as("s"), (eb) => eb.fn.sum<number>(eb("score", "*", eb.ref("score"))).as("ss")])
        .where("reviewee_id", "=", revieweeId)
        .where("rater_group", "in", visible)
        .groupBy(["rater_group", "competency", "item"])
        .execute()
    : [];
  const commentRows = visible.length
    ? await db.selectFrom("review360_comment").select(["rater_group", "kind", "text"]).where("reviewee_id", "=", revieweeId).where("rater_group", "in", visible).orderBy("nonce").execute()
    : [];

  const byGroupItem = new Map<string, ScoreSums>();
  const byGroupCompetency = new Map<string, ScoreSums>();
  for (const s of sums) {
    // A statement fewer of a visible group scored than its minimum (customers may answer "not
    // observed") is left out for that group everywhere — item, competency, others, overall — so
    // the few scores it has cannot be read off the mean nor recovered by subtraction.
    if (Number(s.n) < cycle.minRaters[s.rater_group]) continue;
    const v = { n: Number(s.n), sum: Number(s.s), sumSquares: Number(s.ss) };
    byGroupItem.set(`${s.rater_group}|${s.item}`, v);
    byGroupCompetency.set(`${s.rater_group}|${s.competency}`, add(byGroupCompetency.get(`${s.rater_group}|${s.competency}`), v));
  }
  const meanOf = (v: ScoreSums | undefined) => (v && v.n > 0 ? v.sum / v.n : null);

  const items = allItems(cycle.definition);
  const competencyIds = cycle.definition.competencies.map((c) => c.id);
  const itemIds = items.map((i) => i.item.id);
  const groupsInput = (keys: readonly string[], table: Map<string, ScoreSums>) =>
    Object.fromEntries(
      RATER_GROUPS.filter((g) => present.has(g)).map((g) => [
        g,
        visible.includes(g) ? { raters: submitted.get(g)!, means: Object.fromEntries(keys.map((k) => [k, meanOf(table.get(`${g}|${k}`))])) } : { raters: 0, means: {} },
      ]),
    );
  const byCompetency = review360({ groups: groupsInput(competencyIds, byGroupCompetency), competencies: competencyIds, weights: cycle.weights, minRaters: cycle.minRaters });
  const byItem = review360({ groups: groupsInput(itemIds, byGroupItem), competencies: itemIds, weights: cycle.weights, minRaters: cycle.minRaters });

  const range = scaleRange(cycle.definition);
  const nonSelfVisible = visible.filter((g) => g !== "self");
  const row360 = (competency: string, id: string, table: Map<string, ScoreSums>, comparison: { self: number | null; others: number | null; gap: number | null }): ScoreRow => {
    let others: ScoreSums | undefined;
    for (const g of nonSelfVisible) {
      const v = table.get(`${g}|${id}`);
      if (v) others = add(others, v);
    }
    return {
      competency,
      id,
      groups: visible.map((g) => ({ group: g, mean: meanOf(table.get(`${g}|${id}`)), spread: spread(table.get(`${g}|${id}`) ?? { n: 0, sum: 0, sumSquares: 0 }) })),
      self: comparison.self,
      others: comparison.others,
      othersSpread: others ? spread(others) : null,
      gap: comparison.gap,
      gapKind: classifyGap(comparison.self, comparison.others, range),
    };
  };
  const competencies = byCompetency.competencies.map((c) => row360(c.competency, c.competency, byGroupCompetency, c));
  const itemRows = byItem.competencies.map((c) => row360(items.find((i) => i.item.id === c.competency)!.competency, c.competency, byGroupItem, c));
  const ranked = itemRows.filter((r) => r.others !== null).sort((a, b) => b.others! - a.others!);

  const participation: Participation[] = byCompetency.groups.map((g) =>
    g.status === "visible" ? { group: g.group, status: "visible", raters: g.raters, weight: g.effectiveWeight } : { group: g.group, status: g.status },
  );
  const comments: ReportComments[] = [];
  for (const g of visible) {
    for (const kind of ["strengths", "improve"] as const) {
      const sentences = commentRows.filter((c) => c.rater_group === g && c.kind === kind).map((c) => c.text);
      if (sentences.length) comments.push({ group: g, kind, sentences });
    }
  }
  return {
    state: "ready",
    cycle,
    reviewee,
    participation,
    competencies,
    items: itemRows,
    overall: byCompetency.overall,
    highest: ranked.slice(0, 3),
    lowest: ranked.length > 3 ? ranked.slice(-3).reverse() : [],
    comments,
  };
}

/** One reviewee's line in the team heatmap. */
export interface TeamRow {
  readonly revieweeId: number;
  readonly name: string;
  readonly supervisorId: number | null;
  /** "others" per competency id. */
  readonly others: Readonly<Record<string, number | null>>;
  readonly overall: number | null;
  readonly releasedAt: string | null;
}

/**
 * Competency scores ("others", visible groups only) of every reviewee of a closed cycle, built
 * from {@link revieweeReport} so the heatmap obeys the same anonymity rules. Optionally only the
 * reviewees of one supervisor.
 */
export async function teamHeatmap(db: Db, cycleId: number, supervisorId: number | null = null): Promise<TeamRow[]> {
  let q = db.selectFrom("review360_reviewee as r").innerJoin("users as u", "u.id", "r.user_id").select(["r.id", "r.supervisor_id"]).where("r.cycle_id", "=", cycleId);
  if (supervisorId !== null) q = q.where("r.supervisor_id", "=", supervisorId);
  const reviewees = await q.orderBy("u.name").execute();
  const rows: TeamRow[] = [];
  for (const r of reviewees) {
    const report = await revieweeReport(db, r.id);
    if (!report || report.state !== "ready") continue;
    rows.push({
      revieweeId: r.id,
      name: report.reviewee.name,
      supervisorId: r.supervisor_id,
      others: Object.fromEntries(report.competencies.map((c) => [c.id, c.others])),
      overall: report.overall,
      releasedAt: report.reviewee.releasedAt,
    });
  }
  return rows;
}
