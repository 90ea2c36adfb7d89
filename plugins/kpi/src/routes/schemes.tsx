import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatNumber } from "@aftercare/i18n";
import { Notice, PageHeader } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { listSchemes } from "../scheme/schemes.server";
import { FIRST_MONTH, pick, STAFF_KINDS } from "../scheme/definition";
import "../kpi.css";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "kpi.reports.view");
  const schemes = await listSchemes(host.db as unknown as Kysely<KpiTables>);
  return { schemes, canManage: viewer.permissions.has("kpi.schemes.manage") };
}

export default function Schemes() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader title={t("kpi.schemes.title")} subtitle={t("kpi.schemes.subtitle")} />
      {params.get("saved") ? <Notice tone="success">{t("kpi.schemes.saved", { version: params.get("saved") ?? "" })}</Notice> : null}
      {STAFF_KINDS.map((kind) => (
        <section key={kind} className="card" data-testid={`kpi-schemes-${kind}`}>
          <div className="page-header">
            <h2>{t(`kpi.kind.${kind}`)}</h2>
            {d.canManage ? (
              <Link className="button primary" to={`/kpi/schemes/${kind}/edit`}>
                {t("kpi.schemes.newVersion")}
              </Link>
            ) : null}
          </div>
          {d.schemes
            .filter((s) => s.kind === kind)
            .map((s, i) => (
              <details key={s.id} open={i === 0}>
                <summary>
                  {pick(s.definition.name, locale)} · v{s.version} · {s.monthFrom === FIRST_MONTH ? t("kpi.schemes.fromStart") : t("kpi.schemes.from", { month: s.monthFrom })}
                  <span className="muted small"> · {formatDateTime(s.createdAt, locale)}</span>
                </summary>
                <div className="two-col">
                  <div>
                    <h3>{t("kpi.sheet.indicators")}</h3>
                    <ul>
                      {s.definition.indicators.map((ind) => (
                        <li key={ind.id}>
                          {t(`kpi.indicator.${ind.id}`)} — {formatNumber(ind.weight * 100, locale, 0)} %, 0–{ind.max}
                        </li>
                      ))}
                    </ul>
                    {s.definition.behaviours.length > 0 ? (
                      <>
                        <h3>{t("kpi.scheme.behaviours")}</h3>
                        <ul>
                          {s.definition.behaviours.map((b) => (
                            <li key={b.id}>
                              {pick(b.label, locale)} — −{b.points}
                            </li>
                          ))}
                        </ul>
                      </>
                    ) : null}
                  </div>
                  <div>
                    <dl className="meta-list">
                      <dt>{t("kpi.scheme.fullMarks")}</dt>
                      <dd>{s.definition.fullMarks}</dd>
                      <dt>{t("kpi.scheme.standardScore")}</dt>
                      <dd>{s.definition.standardScore}</dd>
                      <dt>{t("kpi.scheme.kpiRule")}</dt>
                      <dd>{s.definition.kpiRule.kind === "bands" ? t("kpi.rule.bandsShort") : t("kpi.rule.linearShort", { totalForOne: s.definition.kpiRule.totalForOne, perPoint: s.definition.kpiRule.perPoint })}</dd>
                      <dt>{t("kpi.scheme.baseCoefficient")}</dt>
                      <dd>
                        {s.definition.baseCoefficient} / {formatNumber(1 - s.definition.baseCoefficient, locale, 2)}
                      </dd>
                    </dl>
                    <table className="table">
                      <thead>
                        <tr>
                          <th>{t("kpi.scheme.grade")}</th>
                          <th className="num">{t("kpi.scheme.bandMin")}</th>
                          <th className="num">{t("kpi.scheme.bandKpi")}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {s.definition.bands.map((b) => (
                          <tr key={b.grade}>
                            <td>{b.grade}</td>
                            <td className="num">{b.min}</td>
                            <td className="num">{b.kpiValue}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                </div>
              </details>
            ))}
        </section>
      ))}
    </>
  );
}
