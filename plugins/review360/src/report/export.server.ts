import { toCsv } from "@aftercare/core/csv";
import type { Translate } from "@aftercare/i18n";
import type { Locale } from "@aftercare/plugin-api";
import type { Db } from "../cycle/cycles.server";
import { allItems, pick } from "../definition/competencies";
import { revieweeReport } from "./report.server";

const round = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/**
 * The CSV of a closed cycle: per reviewee, per competency and item, the mean of each visible
 * group, "others", self and the gap; the overall score; and the comments of visible groups.
 * Built from `revieweeReport`, so hidden groups are absent here exactly as in the pages.
 * Returns null for an unknown cycle or one still open.
 */
export async function cycleCsv(db: Db, cycleId: number, locale: Locale, t: Translate): Promise<string | null> {
  const cycle = await db.selectFrom("review360_cycle").select(["status"]).where("id", "=", cycleId).executeTakeFirst();
  if (!cycle || cycle.status !== "closed") return null;
  const reviewees = await db.selectFrom("review360_reviewee as r").innerJoin("users as u", "u.id", "r.user_id").select("r.id").where("r.cycle_id", "=", cycleId).orderBy("u.name").execute();
  const header = [t("review360.todo.reviewee"), t("review360.export.competency"), t("review360.export.item"), t("review360.export.measure"), t("review360.export.raters"), t("review360.export.value"), t("review360.export.spread"), t("review360.export.text")];
  const rows: (string | number | null)[][] = [];
  for (const { id } of reviewees) {
    const report = await revieweeReport(db, id);
    if (!report || report.state !== "ready") continue;
    const def = report.cycle.definition;
    const name = report.reviewee.name;
    const title = (cid: string) => pick(def.competencies.find((c) => c.id === cid)!.title, locale);
    const itemText = new Map(allItems(def).map(({ item }) => [item.id, pick(item.text, locale)]));
    for (const p of report.participation) {
      rows.push([name, null, null, `${t("review360.export.participation")}: ${t(`review360.group.${p.group}`)}`, p.status === "visible" ? p.raters : null, p.status === "visible" ? round(p.weight) : null, null, t(`review360.report.${p.status === "visible" ? "visible" : p.status}`)]);
    }
    rows.push([name, null, null, t("review360.report.overall"), null, round(report.overall), null, null]);
    for (const row of [...report.competencies, ...report.items]) {
      const isItem = row.id !== row.competency;
      const base = [name, title(row.competency), isItem ? itemText.get(row.id)! : null];
      for (const g of row.groups) rows.push([...base, t(`review360.group.${g.group}`), null, round(g.mean), round(g.spread), null]);
      rows.push([...base, t("review360.report.others"), null, round(row.others), round(row.othersSpread), null]);
      rows.push([...base, t("review360.report.gap"), null, round(row.gap), null, row.gapKind ? t(`review360.report.${row.gapKind}`) : null]);
    }
    for (const c of report.comments) {
      for (const s of c.sentences) rows.push([name, null, null, `${t(`review360.group.${c.group}`)} · ${t(`review360.report.${c.kind}`)}`, null, null, null, s]);
    }
  }
  return toCsv(header, rows);
}
