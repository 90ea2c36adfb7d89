import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatNumber, formatPercent } from "@aftercare/i18n";
import { BarChart, EmptyState, Notice, PageHeader, StatCard } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { monthHealth } from "../report/health.server";
import { pick } from "../scheme/definition";
import { monthParam } from "../month";
import { MonthPicker } from "../components/MonthPicker";
import "../kpi.css";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "kpi.reports.view");
  const db = host.db as unknown as Kysely<KpiTables>;
  const month = monthParam(new URL(request.url), host.ctx.clock());
  return { month, reports: await monthHealth(db, month, viewer) };
}

export default function Report() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const range = (from: number, to: number) => (to > 5 ? `≥ ${formatNumber(from, locale, 1)}` : `${formatNumber(from, locale, 1)} – ${formatNumber(to, locale, 1)}`);
  return (
    <>
      <PageHeader title={t("kpi.report.title", { month: d.month })} subtitle={t("kpi.report.subtitle")} />
      <MonthPicker month={d.month} />
      {d.reports.length === 0 ? <EmptyState>{t("kpi.report.empty")}</EmptyState> : null}
      {d.reports.map((r) => (
        <section key={r.scheme.id} className={`card${r.health.unreasonable ? " kpi-flag" : ""}`} data-testid={`kpi-health-${r.scheme.kind}`}>
          <h2>
            {pick(r.scheme.definition.name, locale)} <span className="muted small">v{r.scheme.version} · {t(`kpi.kind.${r.scheme.kind}`)}</span>
          </h2>
          {r.health.unreasonable ? (
            <Notice tone="error">
              <span data-testid="kpi-unreasonable">
                {t("kpi.report.unreasonable", { share: formatPercent(r.health.shareBelowOne, locale, 0), below: r.health.belowOne, employees: r.health.employees })}
              </span>{" "}
              {r.pulledDown.length > 0 ? t("kpi.report.pulledDown", { indicators: r.pulledDown.map((p) => `${t(`kpi.indicator.${p.indicator}`)} (${formatPercent(p.meanRatio, locale, 0)})`).join("、") }) : null}
              {r.meanDeduction > 0 ? ` ${t("kpi.report.meanDeduction", { points: formatNumber(r.meanDeduction, locale, 1) })}` : null}
            </Notice>
          ) : (
            <Notice tone="success">{t("kpi.report.reasonable", { share: formatPercent(r.health.shareBelowOne, locale, 0) })}</Notice>
          )}
          <div className="stats">
            <StatCard label={t("kpi.report.employees")} value={String(r.health.employees)} />
            <StatCard label={t("kpi.report.belowOne")} value={String(r.health.belowOne)} tone={r.health.unreasonable ? "bad" : "neutral"} />
            <StatCard label={t("kpi.report.shareBelowOne")} value={formatPercent(r.health.shareBelowOne, locale, 0)} hint={t("kpi.report.threshold")} tone={r.health.unreasonable ? "bad" : "good"} />
          </div>
          <div className="two-col">
            <div>
              <h3>{t("kpi.report.distribution")}</h3>
              <BarChart items={r.buckets.map((b) => ({ label: range(b.from, b.to), value: b.count, display: String(b.count) }))} max={Math.max(1, r.health.employees)} />
            </div>
            <div>
              <h3>{t("kpi.report.indicators")}</h3>
              <BarChart
                items={r.health.indicators.map((i) => ({ label: t(`kpi.indicator.${i.indicator}`), value: (i.meanRatio ?? 0) * 100, display: formatPercent(i.meanRatio, locale, 0) }))}
                max={100}
              />
              <p className="muted small">{t("kpi.report.indicatorsHint")}</p>
            </div>
          </div>
          <p>
            <Link to={`/kpi?month=${d.month}`}>{t("kpi.report.toSheets")}</Link>
          </p>
        </section>
      ))}
    </>
  );
}
