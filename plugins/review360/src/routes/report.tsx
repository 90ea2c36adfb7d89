import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatNumber, formatPercent } from "@aftercare/i18n";
import { Notice, PageHeader, StatCard } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { revieweeReport, type ScoreRow } from "../report/report.server";
import { canReadReport } from "../report/access.server";
import { allItems, pick, scaleRange } from "../definition/competencies";
import { RadarChart } from "../components/RadarChart";
import "../review360.css";

function revieweeId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** A reviewee's 360 report: for managers, and for the reviewee once released (404 for anyone else). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.reviews.fill");
  const db = host.db as unknown as Kysely<Review360Tables>;
  const id = revieweeId(params.rid);
  if (!(await canReadReport(db, id, viewer))) throw new Response("Not Found", { status: 404 });
  const report = await revieweeReport(db, id);
  if (!report) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request, viewer);
  const def = report.cycle.definition;
  const labels: Record<string, string> = Object.fromEntries([
    ...def.competencies.map((c) => [c.id, pick(c.title, locale)]),
    ...allItems(def).map(({ item }) => [item.id, pick(item.text, locale)]),
  ]);
  const base = {
    cycle: { id: report.cycle.id, name: report.cycle.name, period: report.cycle.period },
    reviewee: report.reviewee,
    isManager: viewer.permissions.has("review360.reports.view"),
    labels,
  };
  const headers = { "Cache-Control": "no-store" };
  if (report.state === "pending") return data({ ...base, report: null }, { headers });
  return data(
    {
      ...base,
      report: {
        participation: report.participation,
        competencies: report.competencies,
        items: report.items,
        overall: report.overall,
        highest: report.highest,
        lowest: report.lowest,
        comments: report.comments,
        scale: scaleRange(def),
        anchors: def.scale.map((a) => `${a.value} · ${pick(a.label, locale)}`),
      },
    },
    { headers },
  );
}

function Score({ value, spread }: { value: number | null; spread?: number | null }) {
  const { locale } = useI18n();
  if (value === null) return <span className="muted">–</span>;
  return (
    <>
      {formatNumber(value, locale, 2)}
      {spread !== undefined && spread !== null ? <span className="spread"> ±{formatNumber(spread, locale, 1)}</span> : null}
    </>
  );
}

export default function ReportPage() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const r = d.report;
  const visible = r ? r.participation.filter((p) => p.status === "visible" && p.group !== "self").map((p) => p.group) : [];
  const rowsFor = (competency: ScoreRow) => [competency, ...(r?.items.filter((i) => i.competency === competency.id) ?? [])];
  return (
    <div className="review360-report">
      <PageHeader
        title={t("review360.report.title", { name: d.reviewee.name })}
        subtitle={`${d.cycle.name} · ${d.cycle.period}`}
        actions={
          <>
            <button type="button" onClick={() => window.print()}>
              {t("review360.report.print")}
            </button>
            <Link className="button" to={d.isManager ? `/review360/cycles/${d.cycle.id}` : "/review360"}>
              {t("common.back")}
            </Link>
          </>
        }
      />
      {!r ? (
        <Notice tone="info">{t("review360.report.pending")}</Notice>
      ) : (
        <>
          {d.isManager && !d.reviewee.releasedAt ? <Notice tone="info">{t("review360.report.notReleased")}</Notice> : null}
          <section className="card" data-testid="participation">
            <h2>{t("review360.report.participation")}</h2>
            <div className="participation">
              {r.participation.map((p) => (
                <span key={p.group} className={`badge badge-${p.status}`} data-group={p.group} data-status={p.status}>
                  {t(`review360.group.${p.group}`)}:{" "}
                  {p.status === "visible"
                    ? p.group === "self"
                      ? t("review360.report.selfShown")
                      : t("review360.report.ratersWeight", { n: p.raters, weight: formatPercent(p.weight, locale, 0) })
                    : t(`review360.report.${p.status}`)}
                </span>
              ))}
            </div>
            <p className="muted small">{t("review360.report.anonymityNote")}</p>
          </section>
          <div className="two-col">
            <section className="card">
              <div className="stats">
                <StatCard label={t("review360.report.overall")} value={formatNumber(r.overall, locale, 2)} hint={t("review360.report.overallHint", { min: r.scale.min, max: r.scale.max })} />
              </div>
              <h3>{t("review360.report.highest")}</h3>
              <ul className="small" data-testid="highest">
                {r.highest.map((i) => (
                  <li key={i.id}>
                    {d.labels[i.id]} — <Score value={i.others} />
                  </li>
                ))}
              </ul>
              {r.lowest.length ? (
                <>
                  <h3>{t("review360.report.lowest")}</h3>
                  <ul className="small" data-testid="lowest">
                    {r.lowest.map((i) => (
                      <li key={i.id}>
                        {d.labels[i.id]} — <Score value={i.others} />
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
            <section className="card">
              <h2>{t("review360.report.chart")}</h2>
              <RadarChart
                axes={r.competencies.map((c) => ({ label: d.labels[c.id], self: c.self, others: c.others }))}
                min={r.scale.min}
                max={r.scale.max}
                selfLabel={t("review360.group.self")}
                othersLabel={t("review360.report.others")}
              />
            </section>
          </div>
          <section className="card">
            <h2>{t("review360.report.scores")}</h2>
            <p className="muted small">{t("review360.report.scoresHint")}</p>
            <p className="small" data-testid="scale-legend">
              {t("review360.report.scaleLegend")}: {r.anchors.join(" / ")}
            </p>
            <div className="table-wrap">
              <table className="table report-table" data-testid="report-table">
                <thead>
                  <tr>
                    <th>{t("review360.report.competencyItem")}</th>
                    {visible.map((g) => (
                      <th key={g} className="num">
                        {t(`review360.group.${g}`)}
                      </th>
                    ))}
                    <th className="num">{t("review360.report.others")}</th>
                    <th className="num">{t("review360.group.self")}</th>
                    <th className="num">{t("review360.report.gap")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.competencies.flatMap((c) =>
                    rowsFor(c).map((row) => (
                      <tr key={row.id} className={`${row.id === c.id ? "competency" : ""} ${row.gapKind && row.gapKind !== "aligned" ? `gap-${row.gapKind}` : ""}`}>
                        <td className={row.id === c.id ? "" : "item"}>{d.labels[row.id]}</td>
                        {visible.map((g) => {
                          const s = row.groups.find((x) => x.group === g);
                          return (
                            <td key={g} className="num">
                              <Score value={s?.mean ?? null} spread={s?.spread} />
                            </td>
                          );
                        })}
                        <td className="num">
                          <Score value={row.others} spread={row.othersSpread} />
                        </td>
                        <td className="num">
                          <Score value={row.self} />
                        </td>
                        <td className="num">
                          {row.gap === null ? "–" : `${row.gap > 0 ? "+" : ""}${formatNumber(row.gap, locale, 2)}`}
                          {row.gapKind && row.gapKind !== "aligned" ? <div className="small">{t(`review360.report.${row.gapKind}`)}</div> : null}
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" data-testid="comments">
            <h2>{t("review360.report.comments")}</h2>
            {r.comments.length === 0 ? <p className="muted">{t("review360.report.noComments")}</p> : null}
            {r.comments.map((c) => (
              <div key={`${c.group}-${c.kind}`}>
                <h3>
                  {t(`review360.group.${c.group}`)} · {t(`review360.report.${c.kind}`)}
                </h3>
                <ul className="report-comments">
                  {c.sentences.map((s, i) => (
                    <li key={i}>{s}</li>
                  ))}
                </ul>
              </div>
            ))}
          </section>
        </>
      )}
    </div>
  );
}
