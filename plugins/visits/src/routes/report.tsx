import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatPercent } from "@aftercare/i18n";
import { EmptyState, PageHeader } from "@aftercare/ui";
import type { VisitsTables } from "../tables";
import { slaReport, type GroupRow } from "../report/sla-report.server";
import { CLOCK_NAMES } from "../report/sla-stats";
import { scopePeople, viewerScope } from "../scope.server";
import { companyMonth } from "../time";
import { monthParam, optionalId } from "../web/params";
import { formatDuration } from "../duration";
import "../web/visits.css";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.reports.view");
  const url = new URL(request.url);
  const scope = await viewerScope(host.db, viewer);
  const month = monthParam(url, companyMonth(host.ctx.clock().toISOString()));
  const region = (url.searchParams.get("region") ?? "").slice(0, 100) || null;
  const filters = { month, engineerId: optionalId(url.searchParams.get("engineer")), region, customerId: optionalId(url.searchParams.get("customer")) };
  const report = await slaReport(host.db, scope, filters, host.ctx.clock().toISOString());
  const db = host.db as unknown as Kysely<VisitsTables>;
  const regions = (await db.selectFrom("customers").select("region").distinct().where("region", "is not", null).orderBy("region").execute()).map((r) => r.region!);
  const customers = await db.selectFrom("customers").select(["id", "company"]).where("active", "=", 1).orderBy("company").execute();
  return { report, filters, people: await scopePeople(host.db, scope), regions, customers };
}

function GroupTable({ title, rows, testId }: { title: string; rows: readonly GroupRow[]; testId: string }) {
  const { t, locale } = useI18n();
  if (rows.length === 0) return null;
  return (
    <section className="card">
      <h2>{title}</h2>
      <div className="table-wrap">
        <table className="table" data-testid={testId}>
          <thead>
            <tr>
              <th />
              <th className="num">{t("visits.report.calls")}</th>
              {CLOCK_NAMES.map((c) => (
                <th key={c} className="num">
                  {t(`visits.clock.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>{r.label || t("common.none")}</td>
                <td className="num">{r.calls}</td>
                {CLOCK_NAMES.map((c) => (
                  <td key={c} className="num">
                    {formatPercent(r.metShare[c], locale, 0)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default function Report() {
  const { report: r, filters: f, people, regions, customers } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const dur = (ms: number | null) => (ms === null ? "–" : formatDuration(ms, locale));
  return (
    <>
      <PageHeader title={`${t("visits.report.title")} · ${r.month}`} subtitle={t("visits.report.rules")} />
      <Form method="get" className="toolbar visits-toolbar">
        <input type="month" name="month" defaultValue={f.month} aria-label={t("visits.report.month")} required />
        <select name="engineer" defaultValue={f.engineerId ?? ""} aria-label={t("visits.report.engineer")}>
          <option value="">{t("visits.report.anyEngineer")}</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <select name="region" defaultValue={f.region ?? ""} aria-label={t("visits.report.region")}>
          <option value="">{t("visits.report.anyRegion")}</option>
          {regions.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        <select name="customer" defaultValue={f.customerId ?? ""} aria-label={t("visits.report.customer")}>
          <option value="">{t("visits.report.anyCustomer")}</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.company}
            </option>
          ))}
        </select>
        <button type="submit">{t("visits.list.filter")}</button>
      </Form>
      {r.calls === 0 ? (
        <EmptyState>{t("visits.report.noCalls")}</EmptyState>
      ) : (
        <>
          <section className="card">
            <div className="table-wrap">
              <table className="table" data-testid="sla-summary">
                <thead>
                  <tr>
                    <th>{t("visits.report.clock")}</th>
                    <th className="num">{t("visits.report.metShare")}</th>
                    <th className="num">{t("visits.report.median")}</th>
                    <th className="num">{t("visits.report.p90")}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {CLOCK_NAMES.map((c) => (
                    <tr key={c} data-clock={c}>
                      <td>{t(`visits.clock.${c}`)}</td>
                      <td className="num" data-cell="share">
                        {formatPercent(r.clocks[c].metShare, locale, 0)}
                      </td>
                      <td className="num">{dur(r.clocks[c].medianMs)}</td>
                      <td className="num">{dur(r.clocks[c].p90Ms)}</td>
                      <td className="small muted">{t("visits.report.decided", { met: r.clocks[c].met, breached: r.clocks[c].breached, running: r.clocks[c].running })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted small">
              {t("visits.report.calls")}: <strong data-testid="report-calls">{r.calls}</strong>
            </p>
          </section>
          <div className="two-col">
            <GroupTable title={t("visits.report.byEngineer")} rows={r.byEngineer} testId="by-engineer" />
            <GroupTable title={t("visits.report.byRegion")} rows={r.byRegion} testId="by-region" />
          </div>
          <GroupTable title={t("visits.report.byCustomer")} rows={r.byCustomer} testId="by-customer" />
          <section className="card">
            <h2>{t("visits.report.breaches")}</h2>
            {r.breaches.length === 0 ? (
              <p className="muted">{t("visits.report.noBreaches")}</p>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="breaches">
                  <thead>
                    <tr>
                      <th>#</th>
                      <th>{t("visits.call.receivedAt")}</th>
                      <th>{t("visits.field.customer")}</th>
                      <th>{t("visits.report.engineer")}</th>
                      <th>{t("visits.report.clock")}</th>
                      <th className="num">{t("visits.report.took")}</th>
                      <th className="num">{t("visits.report.over")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.breaches.map((b) => (
                      <tr key={`${b.callId}-${b.clock}`}>
                        <td>
                          <Link to={`/visits/calls/${b.callId}`}>#{b.callId}</Link>
                        </td>
                        <td>{formatDateTime(b.receivedAt, locale, { time: true })}</td>
                        <td>{b.company}</td>
                        <td>{b.engineer ?? t("visits.call.notDispatched")}</td>
                        <td>{t(`visits.clock.${b.clock}`)}</td>
                        <td className="num">
                          {dur(b.elapsedMs)}
                          {b.running ? <span className="muted small"> ({t("visits.report.stillRunning")})</span> : null}
                        </td>
                        <td className="num">{dur(b.overdueMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
