import type { LoaderFunctionArgs } from "@remix-run/node";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { toCsv } from "@aftercare/core/csv";
import { writeXlsx, XLSX_TYPE } from "@aftercare/core/xlsx";
import type { SatisfactionTables } from "../tables";
import { campaignReport, campaignResponses } from "../report/report.server";
import { pick } from "../template/definition";
import { parseFilter } from "./report";

const round = (v: number | null, digits = 2) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** Exports a campaign's responses or its report as CSV or XLSX (formulas neutralised in both). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  const { host, viewer } = await requirePermission(request, "satisfaction.reports.view");
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const what = url.searchParams.get("what") === "report" ? "report" : "responses";
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const report = await campaignReport(db, id, parseFilter(url));
  if (!report) throw new Response("Not Found", { status: 404 });
  const items = report.template.items;
  let header: string[];
  let rows: (string | number | null)[][];
  if (what === "responses") {
    const responses = await campaignResponses(db, id);
    header = ["id", "submitted_at", t("field.company"), t("field.region"), t("field.tier"), t("field.owner"), "score", "satisfied", "product", "service", ...items.map((i) => pick(i.title, locale)), "answers_json"];
    rows = responses.map((r) => [r.id, r.submitted_at, r.company, r.region, r.tier, r.owner, round(r.score), r.satisfied, round(r.product_score), round(r.service_score), ...items.map((i) => r.items[i.id] ?? null), r.answers_json]);
  } else {
    header = [t("satisfaction.report.title"), report.campaign.name];
    rows = [
      [t("satisfaction.report.inScope"), report.counts.inScope],
      [t("satisfaction.report.sent"), report.counts.sent],
      [t("satisfaction.report.returned"), report.counts.returned],
      [t("satisfaction.report.coverage"), round(report.coverage, 4)],
      [t("satisfaction.report.recovery"), round(report.recovery, 4)],
      [t("satisfaction.report.coverageTimesRecovery"), round(report.coverageTimesRecovery, 4)],
      [t("satisfaction.report.index"), round(report.index)],
      [t("satisfaction.report.shareSatisfied", { threshold: report.template.threshold }), round(report.shareSatisfied, 4)],
      [t("satisfaction.report.product"), round(report.groups.product)],
      [t("satisfaction.report.service"), round(report.groups.service)],
      [t("satisfaction.report.overall", { wp: report.template.productWeight, ws: round(1 - report.template.productWeight) ?? 0 }), round(report.groups.overall)],
      ...report.items.map((i) => [pick(items.find((x) => x.id === i.item)!.title, locale), round(i.average)] as (string | number | null)[]),
    ];
  }
  const base = `satisfaction-${id}-${what}`;
  if (format === "xlsx") {
    return new Response(new Uint8Array(writeXlsx([{ name: what, header, rows }])), {
      headers: { "Content-Type": XLSX_TYPE, "Content-Disposition": `attachment; filename="${base}.xlsx"`, "Cache-Control": "no-store" },
    });
  }
  return new Response(toCsv(header, rows), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${base}.csv"`, "Cache-Control": "no-store" },
  });
}
