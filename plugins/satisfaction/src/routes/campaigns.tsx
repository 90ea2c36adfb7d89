import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatNumber, formatPercent } from "@aftercare/i18n";
import { BarChart, EmptyState, PageHeader, Pagination } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import { satisfactionTrend } from "../report/report.server";

const PAGE_SIZE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "satisfaction.reports.view");
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const page = Math.max(1, Number.parseInt(new URL(request.url).searchParams.get("page") ?? "1", 10) || 1);
  const total = Number((await db.selectFrom("satisfaction_campaign").select(sql<number>`count(*)`.as("n")).executeTakeFirst())?.n ?? 0);
  const campaigns = await db
    .selectFrom("satisfaction_campaign as c")
    .leftJoin(
      db.selectFrom("satisfaction_response").select(["campaign_id", sql<number>`count(*)`.as("n"), sql<number>`avg(score)`.as("idx")]).groupBy("campaign_id").as("r"),
      "r.campaign_id",
      "c.id",
    )
    .select(["c.id", "c.name", "c.period", "c.status", "c.closes_at", "c.sent_at", "c.in_scope", "r.n", "r.idx"])
    .orderBy("c.id", "desc")
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const trend = (await satisfactionTrend(db)).filter((p) => p.responses > 0);
  return { campaigns, total, page, trend, canManage: viewer.permissions.has("satisfaction.campaigns.manage") };
}

export default function Campaigns() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader
        title={t("satisfaction.campaigns.title")}
        actions={
          d.canManage ? (
            <Link className="button primary" to="/satisfaction/campaigns/new">
              {t("satisfaction.campaigns.new")}
            </Link>
          ) : null
        }
      />
      {params.get("done") === "created" ? <div className="notice notice-success">{t("entity.created")}</div> : null}
      {d.trend.length > 1 ? (
        <section className="card">
          <h2>{t("satisfaction.report.trend")}</h2>
          <BarChart items={d.trend.map((p) => ({ label: p.period, value: p.index ?? 0, display: formatNumber(p.index, locale) }))} max={100} threshold={85} />
        </section>
      ) : null}
      {d.campaigns.length === 0 ? (
        <EmptyState>{t("satisfaction.campaigns.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="campaigns-table">
            <thead>
              <tr>
                <th>{t("satisfaction.campaign.name")}</th>
                <th>{t("satisfaction.campaign.period")}</th>
                <th>{t("satisfaction.campaign.status")}</th>
                <th>{t("satisfaction.campaign.closesAt")}</th>
                <th>{t("satisfaction.report.returned")}</th>
                <th>{t("satisfaction.report.index")}</th>
              </tr>
            </thead>
            <tbody>
              {d.campaigns.map((c) => (
                <tr key={c.id}>
                  <td data-label={t("satisfaction.campaign.name")}>
                    <Link to={`/satisfaction/campaigns/${c.id}`}>{c.name}</Link>
                  </td>
                  <td data-label={t("satisfaction.campaign.period")}>{c.period}</td>
                  <td data-label={t("satisfaction.campaign.status")}>
                    <span className={`badge badge-${c.status}`}>{t(`satisfaction.status.${c.status}`)}</span>
                  </td>
                  <td data-label={t("satisfaction.campaign.closesAt")}>{formatDateTime(c.closes_at, locale)}</td>
                  <td data-label={t("satisfaction.report.returned")}>
                    {Number(c.n ?? 0)}
                    {c.in_scope ? <span className="muted"> / {c.in_scope} ({formatPercent(Number(c.n ?? 0) / c.in_scope, locale, 0)})</span> : null}
                  </td>
                  <td data-label={t("satisfaction.report.index")}>
                    {c.n ? <Link to={`/satisfaction/campaigns/${c.id}/report`}>{formatNumber(c.idx, locale)}</Link> : t("common.none")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={d.page} pageSize={PAGE_SIZE} total={d.total} />
    </>
  );
}
