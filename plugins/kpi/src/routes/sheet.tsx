import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { Kysely, Transaction } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import type { Host } from "@aftercare/core/host.server";
import type { Viewer } from "@aftercare/plugin-api";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatNumber, type Locale } from "@aftercare/i18n";
import { ConfirmButton, CsrfField, Notice, PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { sheetRoles } from "../access.server";
import { FAULT_RESPONSE, pick } from "../scheme/definition";
import {
  acknowledgeSheet,
  agreePlan,
  approveSheet,
  disputeSheet,
  loadSheet,
  recordDeduction,
  removeDeduction,
  saveScores,
  setPlan,
  submitSheet,
  type Outcome,
  type SheetView,
} from "../sheet/sheets.server";
import { deductionFormJson, parsePlanForm, parseScoreForm, planFormJson, planFormValues, scoreFormJson, scoreFormValues } from "../sheet/sheet-forms";
import { slaSuggestion } from "../sheet/sla-suggestion.server";
import "../kpi.css";

type T = (key: string, vars?: Record<string, string | number>) => string;

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** The forms the viewer may fill on this sheet now, as SurveyJS JSON (the action validates against the same). */
async function formsFor(host: Host, view: SheetView, viewer: Viewer, locale: Locale, t: T) {
  const roles = sheetRoles(viewer, view.sheet, viewer.permissions);
  const editable = roles.isSupervisor && (view.sheet.status === "draft" || view.sheet.status === "disputed");
  const def = view.scheme.definition;
  const support = def.kind === "support";
  const fault = def.indicators.find((i) => i.id === FAULT_RESPONSE);
  const suggestion = editable && fault ? await slaSuggestion(host.ctx, view.sheet.employee_id, view.sheet.month, fault.max) : null;
  return {
    roles,
    editable,
    suggestion,
    plan: editable && support ? planFormJson(t) : null,
    deduction: editable && !support && def.behaviours.length > 0 ? deductionFormJson(def, view.sheet.month, locale, t) : null,
    score:
      editable && (!support || (view.planItems.length > 0 && view.sheet.plan_agreed_at))
        ? scoreFormJson({ def, planItems: view.planItems, deductionPoints: view.deductions.reduce((a, d) => a + d.points, 0), suggestion, locale, t })
        : null,
  };
}

/** A refused submission keeps the SurveyJS form as typed: no reload (a new JSON would rebuild the form). */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => (actionStatus !== undefined && actionStatus >= 400 ? false : defaultShouldRevalidate);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  const { host, viewer } = await requirePermission(request, "kpi.sheets.view");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<KpiTables>;
  const view = await loadSheet(db, id, viewer);
  if (!view) throw new Response("Not Found", { status: 404 });
  const forms = await formsFor(host, view, viewer, locale, t);
  const approver = view.sheet.approved_by ? await db.selectFrom("users").select("name").where("id", "=", view.sheet.approved_by).executeTakeFirst() : null;
  return {
    view,
    approverName: approver?.name ?? null,
    roles: forms.roles,
    editable: forms.editable,
    suggestion: forms.suggestion,
    planJson: forms.plan,
    planValues: planFormValues(view.planItems),
    deductionJson: forms.deduction,
    scoreJson: forms.score,
    scoreValues: scoreFormValues(view.scheme.definition, view.scores, view.planItems, view.sheet.supervisor_note),
  };
}

function readPayload(form: FormData): unknown {
  try {
    return JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    return null;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  const { host, viewer, form } = await requireAction(request, "kpi.sheets.view");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<KpiTables>;
  const now = host.ctx.clock().toISOString();
  const intent = String(form.get("intent") ?? "");
  const base = { id, actor: viewer, permissions: viewer.permissions, now };
  const view = await loadSheet(db, id, viewer);
  if (!view) throw new Response("Not Found", { status: 404 });

  /** Runs a command in a transaction, with an audit entry on success. */
  const run = async <R extends object>(what: string, fn: (trx: Transaction<KpiTables>) => Promise<Outcome<R>>, detail?: unknown) =>
    db.transaction().execute(async (trx) => {
      const outcome = await fn(trx);
      if (outcome.ok) await host.ctx.audit(trx, { actorId: viewer.id, action: `kpi.sheet.${what}`, target: `kpi_sheet:${id}`, detail });
      return outcome;
    });
  const refusal = (o: { status: number; key: string; params?: Record<string, string | number> }) => {
    if (o.status === 404) throw new Response("Not Found", { status: 404 });
    return data({ error: t(o.key, o.params), errors: [{ name: "", message: t(o.key, o.params) }] }, { status: o.status });
  };
  const done = (what: string) => {
    throw redirect(`/kpi/sheets/${id}?done=${what}`);
  };

  if (intent === "plan" || intent === "deduction" || intent === "score") {
    const forms = await formsFor(host, view, viewer, locale, t);
    const json = intent === "plan" ? forms.plan : intent === "deduction" ? forms.deduction : forms.score;
    if (!json) return refusal({ status: 409, key: forms.roles.isSupervisor ? "kpi.error.notEditable" : "kpi.error.not.supervisor" });
    const checked = compiledSurvey(json).validate(readPayload(form), locale);
    if (!checked.ok) return data({ errors: checked.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
    if (intent === "plan") {
      const items = parsePlanForm(checked.data);
      const o = await run("plan", (trx) => setPlan(trx, { ...base, items }), { items });
      if (!o.ok) return data({ errors: [{ name: "", message: t(o.key, o.params) }] }, { status: o.status });
      return done("plan");
    }
    if (intent === "deduction") {
      const input = { behaviour: String(checked.data.behaviour), occurredOn: String(checked.data.occurredOn).slice(0, 10), note: String(checked.data.note ?? "") };
      const o = await run("deduction", (trx) => recordDeduction(trx, { ...base, ...input }), input);
      if (!o.ok) return data({ errors: [{ name: o.key.startsWith("kpi.deduction.error.date") ? "occurredOn" : "", message: t(o.key, o.params) }] }, { status: o.status });
      return done("deduction");
    }
    const input = parseScoreForm(view.scheme.definition, view.planItems, checked.data);
    const o = await run("score", (trx) => saveScores(trx, { ...base, input }), input);
    if (!o.ok) return data({ errors: [{ name: o.key.startsWith("kpi.score.refused") ? "total" : "", message: t(o.key, o.params) }] }, { status: o.status });
    return done("scored");
  }

  const outcome = await (async () => {
    switch (intent) {
      case "agree-plan":
        return run("agree-plan", (trx) => agreePlan(trx, base));
      case "remove-deduction": {
        const deductionId = Number(form.get("deduction"));
        return run("remove-deduction", (trx) => removeDeduction(trx, { ...base, deductionId }), { deductionId });
      }
      case "submit":
        return run("submit", (trx) => submitSheet(trx, base));
      case "acknowledge": {
        const comment = String(form.get("comment") ?? "").slice(0, 2000);
        return run("acknowledge", (trx) => acknowledgeSheet(trx, { ...base, comment }), { comment });
      }
      case "dispute": {
        const comment = String(form.get("comment") ?? "").slice(0, 2000);
        return run("dispute", (trx) => disputeSheet(trx, { ...base, comment }), { comment });
      }
      case "approve":
        return run("approve", (trx) => approveSheet(trx, base));
      default:
        throw new Response("Bad Request", { status: 400 });
    }
  })();
  if (!outcome.ok) return refusal(outcome);
  return done(intent);
}

function EventLine(props: { action: string; detail: string | null }) {
  const { t, locale } = useI18n();
  const detail = props.detail ? (JSON.parse(props.detail) as Record<string, unknown>) : null;
  const parts: string[] = [];
  if (detail) {
    const after = detail.after as { total?: number; kpiValue?: number } | undefined;
    const before = detail.before as { total?: number | null } | undefined;
    if (after?.total !== undefined) parts.push(t("kpi.event.totalChange", { before: before?.total === null || before?.total === undefined ? "–" : formatNumber(before.total, locale, 2), after: formatNumber(after.total, locale, 2) }));
    if (typeof detail.comment === "string") parts.push(`“${detail.comment}”`);
    if (typeof detail.note === "string" && detail.behaviour) parts.push(`${detail.occurredOn} −${detail.points}: ${detail.note}`);
  }
  return (
    <span>
      {t(`kpi.event.${props.action}`)}
      {parts.length ? <span className="muted"> — {parts.join(" · ")}</span> : null}
    </span>
  );
}

export default function SheetPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const submitPlan = useSurveySubmit("plan");
  const submitDeduction = useSurveySubmit("deduction");
  const submitScore = useSurveySubmit("score");
  const { sheet, scheme } = d.view;
  const def = scheme.definition;
  const done = params.get("done");
  const status = sheet.status;
  const error = result && "error" in result && typeof result.error === "string" ? result.error : null;
  const shown = (v: number | null, digits = 2) => (v === null ? "–" : formatNumber(v, locale, digits));
  return (
    <>
      <PageHeader
        title={t("kpi.sheet.title", { name: sheet.employee_name, month: sheet.month })}
        subtitle={
          <>
            <span className={`badge badge-${status}`} data-testid="kpi-sheet-status">
              {t(`kpi.status.${status}`)}
            </span>{" "}
            {pick(def.name, locale)} · v{scheme.version} · {t("kpi.sheet.supervisor")}: {sheet.supervisor_name ?? t("common.none")}
          </>
        }
        actions={
          <Link className="button" to={`/kpi?month=${sheet.month}`}>
            {t("common.back")}
          </Link>
        }
      />
      {done ? <Notice tone="success">{t(`kpi.done.${done}`)}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}

      <div className="stats" data-testid="kpi-sheet-numbers">
        <div className="stat">
          <div className="stat-label">{t("kpi.sheet.total")}</div>
          <div className="stat-value" data-testid="kpi-total">{shown(sheet.total)}</div>
          <div className="stat-hint">{t("kpi.sheet.totalHint", { fullMarks: def.fullMarks, standard: def.standardScore })}</div>
        </div>
        <div className="stat">
          <div className="stat-label">{t("kpi.sheet.grade")}</div>
          <div className="stat-value">{sheet.grade ?? "–"}</div>
        </div>
        <div className="stat">
          <div className="stat-label">{t("kpi.sheet.kpiValue")}</div>
          <div className="stat-value" data-testid="kpi-value">{shown(sheet.kpi_value)}</div>
          <div className="stat-hint">{def.kpiRule.kind === "bands" ? t("kpi.rule.bandsShort") : t("kpi.rule.linearShort", { totalForOne: def.kpiRule.totalForOne, perPoint: def.kpiRule.perPoint })}</div>
        </div>
        <div className="stat">
          <div className="stat-label">{t("kpi.sheet.deductions")}</div>
          <div className="stat-value">{sheet.deduction_points ? `−${shown(sheet.deduction_points, 1)}` : "0"}</div>
        </div>
      </div>

      <section className="card">
        <h2>{t("kpi.sheet.indicators")}</h2>
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t("kpi.sheet.indicator")}</th>
                <th className="num">{t("kpi.scheme.weight")}</th>
                <th className="num">{t("kpi.sheet.score")}</th>
                <th className="num">{t("kpi.sheet.points")}</th>
              </tr>
            </thead>
            <tbody>
              {def.indicators.map((ind) => {
                const score = d.view.scores[ind.id];
                return (
                  <tr key={ind.id}>
                    <td data-label={t("kpi.sheet.indicator")}>
                      {t(`kpi.indicator.${ind.id}`)}
                      {ind.id === FAULT_RESPONSE && d.suggestion ? (
                        <div className="muted small" data-testid="kpi-sla-suggestion">
                          {t("kpi.score.slaShort", { calls: d.suggestion.calls, score: d.suggestion.score === null ? "–" : d.suggestion.score, max: ind.max })}
                        </div>
                      ) : null}
                    </td>
                    <td className="num">{formatNumber(ind.weight * 100, locale, 0)} %</td>
                    <td className="num">{score === undefined ? "–" : `${formatNumber(score, locale, 2)} / ${ind.max}`}</td>
                    <td className="num">{score === undefined ? "–" : formatNumber((def.fullMarks * ind.weight * score) / ind.max, locale, 2)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {sheet.supervisor_note ? (
          <p>
            <strong>{t("kpi.score.note")}:</strong> {sheet.supervisor_note}
          </p>
        ) : null}
      </section>

      {def.kind === "support" ? (
        <section className="card" data-testid="kpi-plan">
          <h2>{t("kpi.plan.title")}</h2>
          {d.view.planItems.length === 0 ? (
            <p className="muted">{t("kpi.plan.none")}</p>
          ) : (
            <>
              <p className="muted">{sheet.plan_agreed_at ? t("kpi.plan.agreedOn", { date: formatDateTime(sheet.plan_agreed_at, locale) }) : t("kpi.plan.awaitingAgreement")}</p>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>{t("kpi.plan.description")}</th>
                      <th>{t("kpi.plan.requirement")}</th>
                      <th className="num">{t("kpi.plan.weight")}</th>
                      <th className="num">{t("kpi.plan.completion")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.view.planItems.map((item) => (
                      <tr key={item.id}>
                        <td>{item.description}</td>
                        <td>{item.requirement}</td>
                        <td className="num">{formatNumber(item.weight, locale, 0)} %</td>
                        <td className="num">{item.completion === null ? "–" : `${formatNumber(item.completion, locale, 0)} %`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {d.roles.isEmployee && status === "draft" && d.view.planItems.length > 0 && !sheet.plan_agreed_at ? (
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="intent" value="agree-plan" />
              <button type="submit" className="primary" disabled={navigation.state !== "idle"} data-testid="kpi-agree-plan">
                {t("kpi.plan.agree")}
              </button>
            </Form>
          ) : null}
          {d.planJson ? (
            <details open={d.view.planItems.length === 0}>
              <summary>{d.view.planItems.length === 0 ? t("kpi.plan.set") : t("kpi.plan.change")}</summary>
              <SurveyForm json={d.planJson} data={d.planValues} locale={locale} onSubmit={submitPlan} />
            </details>
          ) : null}
        </section>
      ) : (
        <section className="card" data-testid="kpi-deductions">
          <h2>{t("kpi.deduction.title")}</h2>
          {d.view.deductions.length === 0 ? (
            <p className="muted">{t("kpi.deduction.none")}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>{t("kpi.deduction.date")}</th>
                    <th>{t("kpi.deduction.behaviour")}</th>
                    <th className="num">{t("kpi.scheme.points")}</th>
                    <th>{t("kpi.deduction.note")}</th>
                    {d.editable ? <th /> : null}
                  </tr>
                </thead>
                <tbody>
                  {d.view.deductions.map((x) => (
                    <tr key={x.id}>
                      <td>{x.occurred_on}</td>
                      <td>{pick(x.label, locale)}</td>
                      <td className="num">−{formatNumber(x.points, locale, 1)}</td>
                      <td>{x.note}</td>
                      {d.editable ? (
                        <td>
                          <ConfirmButton intent="remove-deduction" fields={{ deduction: String(x.id) }} label={t("kpi.deduction.remove")} confirm={t("kpi.deduction.removeConfirm")} tone="danger" />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {d.deductionJson ? (
            <details>
              <summary data-testid="kpi-open-deduction">{t("kpi.deduction.record")}</summary>
              <SurveyForm json={d.deductionJson} locale={locale} onSubmit={submitDeduction} />
            </details>
          ) : null}
        </section>
      )}

      {d.scoreJson ? (
        <section className="card" data-testid="kpi-score-form">
          <h2>{t("kpi.score.title")}</h2>
          <p className="muted">{t("kpi.score.rule", { fullMarks: def.fullMarks, standard: def.standardScore })}</p>
          <SurveyForm json={d.scoreJson} data={d.scoreValues} locale={locale} onSubmit={submitScore} />
        </section>
      ) : d.editable && def.kind === "support" ? (
        <Notice tone="info">{t("kpi.score.waitForPlan")}</Notice>
      ) : null}

      {d.roles.isSupervisor && status === "draft" ? (
        sheet.total !== null && (def.kind === "field" || sheet.plan_agreed_at) ? (
          <ConfirmButton intent="submit" tone="primary" label={t("kpi.sheet.submit")} confirm={t("kpi.sheet.submitConfirm", { name: sheet.employee_name })} />
        ) : null
      ) : null}

      {sheet.employee_comment ? (
        <Notice tone={status === "disputed" ? "warning" : "info"}>
          <strong>{t("kpi.sheet.employeeSaid")}:</strong> {sheet.employee_comment}
        </Notice>
      ) : null}

      {d.roles.isEmployee && status === "submitted" ? (
        <section className="card" data-testid="kpi-respond">
          <h2>{t("kpi.sheet.respond")}</h2>
          <Form method="post" className="stack">
            <CsrfField />
            <label>
              {t("kpi.sheet.comment")}
              <textarea name="comment" rows={3} maxLength={2000} data-testid="kpi-comment" />
            </label>
            <div className="toolbar">
              <button type="submit" name="intent" value="acknowledge" className="primary" disabled={navigation.state !== "idle"} data-testid="kpi-acknowledge">
                {t("kpi.sheet.acknowledge")}
              </button>
              <button type="submit" name="intent" value="dispute" className="danger-outline" disabled={navigation.state !== "idle"} data-testid="kpi-dispute">
                {t("kpi.sheet.dispute")}
              </button>
            </div>
            <p className="muted small">{t("kpi.sheet.disputeHint")}</p>
          </Form>
        </section>
      ) : null}

      {d.roles.canApprove && (status === "acknowledged" || status === "disputed") ? (
        <section className="card">
          <h2>{t("kpi.sheet.approveTitle")}</h2>
          <ConfirmButton intent="approve" tone="primary" label={t("kpi.sheet.approve")} confirm={t("kpi.sheet.approveConfirm")} />
        </section>
      ) : null}
      {status === "locked" ? <Notice tone="success">{t("kpi.sheet.lockedBy", { name: d.approverName ?? "–", date: formatDateTime(sheet.locked_at, locale) })}</Notice> : null}

      <section className="card">
        <h2>{t("kpi.sheet.history")}</h2>
        <ol className="kpi-history" data-testid="kpi-history">
          {d.view.events.map((e) => (
            <li key={e.id}>
              <span className="muted">{formatDateTime(e.at, locale, { time: true })}</span> · {e.actor_name ?? t("common.none")} · <EventLine action={e.action} detail={e.detail_json} />
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

