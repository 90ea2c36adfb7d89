import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatNumber } from "@aftercare/i18n";
import { CsrfField, EmptyState, Notice, PageHeader, StatCard } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { SHEET_STATUSES } from "../tables";
import { visibleEmployees } from "../access.server";
import { monthSheets, startMonth } from "../sheet/sheets.server";
import { sheetsAwaiting } from "../sheet/awaiting.server";
import { isMonth, monthParam } from "../month";
import { MonthPicker } from "../components/MonthPicker";
import "../kpi.css";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "kpi.sheets.view");
  const db = host.db as unknown as Kysely<KpiTables>;
  const month = monthParam(new URL(request.url), host.ctx.clock());
  const [sheets, employees, awaiting, team] = await Promise.all([
    monthSheets(db, month, viewer),
    visibleEmployees(db, viewer),
    sheetsAwaiting(db, viewer, viewer.permissions),
    db.selectFrom("users").select("id").where("supervisor_id", "=", viewer.id).where("staff_kind", "is not", null).where("active", "=", 1).execute(),
  ]);
  const withSheet = new Set(sheets.map((s) => s.employee_id));
  const notStarted = employees.filter((e) => !withSheet.has(e.id));
  const myTeamMissing = team.filter((m) => !withSheet.has(m.id)).length;
  return { month, sheets, notStarted, awaiting, canStart: viewer.permissions.has("kpi.sheets.fill") && myTeamMissing > 0, myTeamMissing, viewerId: viewer.id };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "kpi.sheets.fill");
  const t = translatorFor(host, resolveLocale(request, viewer));
  const month = String(form.get("month") ?? "");
  if (form.get("intent") !== "start" || !isMonth(month)) throw new Response("Bad Request", { status: 400 });
  const db = host.db as unknown as Kysely<KpiTables>;
  const now = host.ctx.clock().toISOString();
  const result = await db.transaction().execute(async (trx) => {
    const r = await startMonth(trx, { month, supervisor: viewer, now });
    if (r.ok && r.created.length > 0) await host.ctx.audit(trx, { actorId: viewer.id, action: "kpi.month.start", target: `kpi_month:${month}`, detail: { sheets: r.created } });
    return r;
  });
  if (!result.ok) return data({ error: t(result.key, result.params) }, { status: result.status });
  if (result.noScheme.length > 0) return data({ error: t("kpi.sheets.noScheme", { kinds: result.noScheme.map((k) => t(`kpi.kind.${k}`)).join(", ") }) }, { status: 409 });
  throw redirect(`/kpi?month=${month}&started=${result.created.length}`);
}

export default function Sheets() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const count = (status: string) => d.sheets.filter((s) => s.status === status).length;
  return (
    <>
      <PageHeader title={t("kpi.sheets.title", { month: d.month })} subtitle={t("kpi.sheets.subtitle")} />
      <MonthPicker month={d.month} />
      {params.get("started") ? <Notice tone="success">{t("kpi.sheets.started", { count: params.get("started") ?? 0 })}</Notice> : null}
      {result?.error ? <Notice tone="error">{result.error}</Notice> : null}
      {d.awaiting.length > 0 ? (
        <section className="card" data-testid="kpi-awaiting">
          <h2>{t("kpi.widget.awaiting")}</h2>
          <ul className="widget-list">
            {d.awaiting.map((a) => (
              <li key={`${a.id}-${a.action}`}>
                <Link to={`/kpi/sheets/${a.id}`}>
                  {a.employeeName} · {a.month}
                </Link>{" "}
                <span className="muted">{t(`kpi.awaiting.${a.action}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="stats">
        {SHEET_STATUSES.map((s) => (
          <StatCard key={s} label={t(`kpi.status.${s}`)} value={String(count(s))} tone={s === "disputed" && count(s) > 0 ? "bad" : s === "locked" ? "good" : "neutral"} />
        ))}
        <StatCard label={t("kpi.status.none")} value={String(d.notStarted.length)} />
      </div>
      {d.canStart ? (
        <Form method="post" className="toolbar">
          <CsrfField />
          <input type="hidden" name="intent" value="start" />
          <input type="hidden" name="month" value={d.month} />
          <button type="submit" className="primary" data-testid="kpi-start-month">
            {t("kpi.sheets.start", { month: d.month, count: d.myTeamMissing })}
          </button>
        </Form>
      ) : null}
      {d.sheets.length === 0 && d.notStarted.length === 0 ? (
        <EmptyState>{t("kpi.sheets.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="kpi-team-table">
            <thead>
              <tr>
                <th>{t("kpi.sheet.employee")}</th>
                <th>{t("kpi.kind")}</th>
                <th>{t("kpi.sheet.supervisor")}</th>
                <th>{t("kpi.sheet.status")}</th>
                <th className="num">{t("kpi.sheet.total")}</th>
                <th>{t("kpi.sheet.grade")}</th>
                <th className="num">{t("kpi.sheet.kpiValue")}</th>
                <th className="num">{t("kpi.sheet.deductions")}</th>
              </tr>
            </thead>
            <tbody>
              {d.sheets.map((s) => (
                <tr key={s.id}>
                  <td data-label={t("kpi.sheet.employee")}>
                    <Link to={`/kpi/sheets/${s.id}`}>{s.employee_name}</Link>
                  </td>
                  <td data-label={t("kpi.kind")}>{t(`kpi.kind.${s.kind}`)}</td>
                  <td data-label={t("kpi.sheet.supervisor")}>{s.supervisor_name ?? t("common.none")}</td>
                  <td data-label={t("kpi.sheet.status")}>
                    <span className={`badge badge-${s.status}`}>{t(`kpi.status.${s.status}`)}</span>
                    {s.status === "draft" && s.plan_set_at && !s.plan_agreed_at ? <span className="muted small"> · {t("kpi.plan.awaitingAgreement")}</span> : null}
                  </td>
                  <td className="num" data-label={t("kpi.sheet.total")}>{s.total === null ? "–" : formatNumber(s.total, locale, 2)}</td>
                  <td data-label={t("kpi.sheet.grade")}>{s.grade ?? "–"}</td>
                  <td className="num" data-label={t("kpi.sheet.kpiValue")}>{s.kpi_value === null ? "–" : formatNumber(s.kpi_value, locale, 2)}</td>
                  <td className="num" data-label={t("kpi.sheet.deductions")}>{s.deduction_points ? `−${formatNumber(s.deduction_points, locale, 1)}` : "–"}</td>
                </tr>
              ))}
              {d.notStarted.map((e) => (
                <tr key={`n${e.id}`}>
                  <td data-label={t("kpi.sheet.employee")}>{e.name}</td>
                  <td data-label={t("kpi.kind")}>{e.staff_kind ? t(`kpi.kind.${e.staff_kind}`) : ""}</td>
                  <td />
                  <td data-label={t("kpi.sheet.status")}>
                    <span className="badge badge-none">{t("kpi.status.none")}</span>
                  </td>
                  <td className="num">–</td>
                  <td>–</td>
                  <td className="num">–</td>
                  <td className="num">–</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
