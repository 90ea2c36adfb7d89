import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatNumber } from "@aftercare/i18n";
import { EmptyState, Notice, PageHeader, StatCard, useSurveySubmit } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { paySheet, setAveragePays } from "../pay/pay.server";
import { averagePayFormJson, averagePayFormValues, parseAveragePayForm } from "../pay/average-pay-form";
import { formatCents } from "../pay/money-text";
import { isMonth, monthParam } from "../month";
import { MonthPicker } from "../components/MonthPicker";
import "../kpi.css";

/** A refused submission keeps the SurveyJS form as typed: no reload (a new JSON would rebuild the form). */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => (actionStatus !== undefined && actionStatus >= 400 ? false : defaultShouldRevalidate);

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "kpi.pay.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const month = monthParam(new URL(request.url), host.ctx.clock());
  const rows = await paySheet(host.db as unknown as Kysely<KpiTables>, month, viewer);
  const employees = rows.map((r) => ({ id: r.employeeId, name: r.name }));
  return { month, rows, formJson: averagePayFormJson(employees, t), formValues: averagePayFormValues(rows) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "kpi.pay.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const month = new URL(request.url).searchParams.get("month");
  if (!isMonth(month) || form.get("intent") !== "average-pay") throw new Response("Bad Request", { status: 400 });
  const db = host.db as unknown as Kysely<KpiTables>;
  const rows = await paySheet(db, month, viewer);
  const employees = rows.map((r) => ({ id: r.employeeId, name: r.name }));
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const checked = compiledSurvey(averagePayFormJson(employees, t)).validate(payload, locale);
  if (!checked.ok) return data({ errors: checked.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const parsed = parseAveragePayForm(employees, checked.data);
  if (parsed.bad.length > 0) return data({ errors: parsed.bad.map((name) => ({ name, message: t("kpi.pay.amountFormat") })) }, { status: 400 });
  const now = host.ctx.clock().toISOString();
  await db.transaction().execute(async (trx) => {
    const saved = await setAveragePays(trx, { month, actor: viewer, entries: parsed.entries, source: "entry", now });
    await host.ctx.audit(trx, { actorId: viewer.id, action: "kpi.pay.average.entry", target: `kpi_pay:${month}`, detail: { saved, entries: parsed.entries } });
  });
  throw redirect(`/kpi/pay?month=${month}&done=saved`);
}

export default function Pay() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const submit = useSurveySubmit("average-pay", `/kpi/pay?month=${d.month}`);
  const money = (cents: number | null | undefined) => formatCents(cents ?? null, locale);
  const complete = d.rows.filter((r) => r.pay !== null);
  const totalActual = complete.reduce((a, r) => a + r.pay!.actualPayCents, 0);
  return (
    <>
      <PageHeader
        title={t("kpi.pay.title", { month: d.month })}
        subtitle={t("kpi.pay.subtitle")}
        actions={
          <>
            <a className="button" href={`/kpi/pay/export?month=${d.month}&format=xlsx`} data-testid="kpi-pay-xlsx">
              {t("kpi.pay.exportXlsx")}
            </a>
            <a className="button" href={`/kpi/pay/export?month=${d.month}&format=csv`} data-testid="kpi-pay-csv">
              {t("kpi.pay.exportCsv")}
            </a>
            <Link className="button" to={`/kpi/pay/import?month=${d.month}`}>
              {t("kpi.pay.import")}
            </Link>
          </>
        }
      />
      <MonthPicker month={d.month} />
      {params.get("done") === "saved" ? <Notice tone="success">{t("kpi.pay.saved")}</Notice> : null}
      {params.get("imported") ? <Notice tone="success">{t("kpi.pay.imported", { count: params.get("imported") ?? 0 })}</Notice> : null}
      <Notice tone="info">
        <span className="kpi-rounding" data-testid="kpi-rounding">
          {t("kpi.pay.formula")} {t("kpi.pay.rounding")}
        </span>
      </Notice>
      <div className="stats">
        <StatCard label={t("kpi.pay.rowsComplete")} value={`${complete.length} / ${d.rows.length}`} />
        <StatCard label={t("kpi.pay.totalActual")} value={money(totalActual)} />
      </div>
      {d.rows.length === 0 ? (
        <EmptyState>{t("kpi.pay.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="kpi-pay-table">
            <thead>
              <tr>
                <th>{t("kpi.pay.employee")}</th>
                <th>{t("kpi.sheet.status")}</th>
                <th className="num">{t("kpi.sheet.kpiValue")}</th>
                <th className="num">{t("kpi.pay.average")}</th>
                <th className="num">{t("kpi.pay.coefficients")}</th>
                <th className="num">{t("kpi.pay.base")}</th>
                <th className="num">{t("kpi.pay.standardPerformance")}</th>
                <th className="num">{t("kpi.pay.actualPerformance")}</th>
                <th className="num">{t("kpi.pay.actual")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.employeeId}>
                  <td data-label={t("kpi.pay.employee")}>{r.sheetId ? <Link to={`/kpi/sheets/${r.sheetId}`}>{r.name}</Link> : r.name}</td>
                  <td data-label={t("kpi.sheet.status")}>
                    <span className={`badge badge-${r.status ?? "none"}`}>{t(r.status ? `kpi.status.${r.status}` : "kpi.status.none")}</span>
                  </td>
                  <td className="num" data-label={t("kpi.sheet.kpiValue")}>{r.kpiValue === null ? "–" : formatNumber(r.kpiValue, locale, 2)}</td>
                  <td className="num" data-label={t("kpi.pay.average")}>{money(r.averagePayCents)}</td>
                  <td className="num" data-label={t("kpi.pay.coefficients")}>
                    {formatNumber(r.baseCoefficient, locale, 2)} / {formatNumber(1 - r.baseCoefficient, locale, 2)}
                  </td>
                  <td className="num" data-label={t("kpi.pay.base")}>{money(r.pay?.baseCents)}</td>
                  <td className="num" data-label={t("kpi.pay.standardPerformance")}>{money(r.pay?.standardPerformanceCents)}</td>
                  <td className="num" data-label={t("kpi.pay.actualPerformance")}>{money(r.pay?.actualPerformanceCents)}</td>
                  <td className="num" data-label={t("kpi.pay.actual")}>
                    <strong>{money(r.pay?.actualPayCents)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {d.rows.length > 0 ? (
        <section className="card" data-testid="kpi-average-pay">
          <details open={d.rows.every((r) => r.averagePayCents === null)}>
            <summary>
              <strong>{t("kpi.pay.averageTitle")}</strong> <span className="muted">{t("kpi.pay.averageHint", { month: d.month })}</span>
            </summary>
            <SurveyForm json={d.formJson} data={d.formValues} locale={locale} onSubmit={submit} />
          </details>
        </section>
      ) : null}
    </>
  );
}
