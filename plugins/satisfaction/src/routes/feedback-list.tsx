import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey, type SurveyJson } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { formatDateTime, formatNumber } from "@aftercare/i18n";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, EmptyState, Notice, PageHeader, Pagination, useSurveySubmit } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import {
  COMPLAINT_CATEGORIES,
  ESCALATION_FIELDS,
  escalationFormValues,
  figureUnit,
  parseEscalationForm,
  type EscalationThresholds,
} from "../feedback/escalation";
import {
  addDays,
  createComplaint,
  customerChoices,
  dayOf,
  DEFAULT_DUE_DAYS,
  feedbackScope,
  listFeedback,
  loadEscalation,
  ownerChoices,
  parseFeedbackFilters,
  saveEscalation,
} from "../feedback/feedback.server";
import { FEEDBACK_STATUSES } from "../feedback/workflow";

const PAGE_SIZE = 25;
const VIEW = "satisfaction.feedback.view";
/**
 * Who edits the escalation thresholds: admins. The plugin has no settings permission yet, so this
 * uses the admin-only `satisfaction.templates.manage` (see the report: a `satisfaction.settings.manage`
 * permission would say it better).
 */
const SETTINGS = "satisfaction.settings.manage";

type T = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

/** The "new complaint" form; the server validates the answers against the same JSON. */
function complaintSurveyJson(
  t: T,
  o: { customers: readonly { id: number; company: string }[]; owners: readonly { id: number; name: string }[]; canAssign: boolean; thresholds: EscalationThresholds },
): SurveyJson {
  const when = (category: string) => `{category} = '${category}'`;
  const th = o.thresholds;
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("satisfaction.feedback.create"),
    elements: [
      { type: "dropdown", name: "customerId", title: t("satisfaction.feedback.customer"), isRequired: true, choices: o.customers.map((c) => ({ value: c.id, text: c.company })) },
      { type: "text", name: "product", title: t("satisfaction.feedback.product"), maxLength: 200, startWithNewLine: false },
      { type: "dropdown", name: "category", title: t("satisfaction.feedback.category"), isRequired: true, choices: COMPLAINT_CATEGORIES.map((c) => ({ value: c, text: t(`satisfaction.feedback.category.${c}`) })) },
      {
        type: "text",
        inputType: "number",
        name: "figure_packaging_damage",
        title: t("satisfaction.feedback.figure.packaging_damage"),
        description: t("satisfaction.feedback.figureHint.packaging_damage", { bags: th.packagingDamage.bags, tonnes: th.packagingDamage.wagonTonnes }),
        visibleIf: when("packaging_damage"),
        min: 0,
        step: 1,
      },
      {
        type: "text",
        inputType: "number",
        name: "wagonTonnes",
        title: t("satisfaction.feedback.wagonTonnes"),
        description: t("satisfaction.feedback.wagonTonnesHint", { tonnes: th.packagingDamage.wagonTonnes }),
        visibleIf: when("packaging_damage"),
        min: 0,
        startWithNewLine: false,
      },
      {
        type: "text",
        inputType: "number",
        name: "figure_content_deviation",
        title: t("satisfaction.feedback.figure.content_deviation"),
        description: t("satisfaction.feedback.figureHint.content_deviation", { percent: th.contentDeviationPercent }),
        visibleIf: when("content_deviation"),
        min: -100,
        max: 100,
        step: 0.01,
      },
      {
        type: "text",
        inputType: "number",
        name: "figure_delivery_delay",
        title: t("satisfaction.feedback.figure.delivery_delay"),
        description: t("satisfaction.feedback.figureHint.delivery_delay", { days: th.deliveryDelayDays }),
        visibleIf: when("delivery_delay"),
        min: 0,
        step: 1,
      },
      {
        type: "text",
        inputType: "number",
        name: "figure_quantity_mismatch",
        title: t("satisfaction.feedback.figure.quantity_mismatch"),
        description: t("satisfaction.feedback.figureHint.quantity_mismatch", { percent: th.quantityMismatchPercent }),
        visibleIf: when("quantity_mismatch"),
        min: -100,
        max: 100,
        step: 0.01,
      },
      { type: "comment", name: "description", title: t("satisfaction.feedback.description"), description: t("satisfaction.feedback.descriptionHint"), isRequired: true, maxLength: 5000, rows: 4 },
      ...(o.canAssign
        ? [{ type: "dropdown", name: "ownerId", title: t("satisfaction.feedback.owner"), placeholder: t("satisfaction.feedback.ownerDefault"), choices: o.owners.map((u) => ({ value: u.id, text: u.name })) }]
        : []),
      { type: "text", inputType: "date", name: "dueDate", title: t("satisfaction.feedback.dueDate"), isRequired: true, ...(o.canAssign ? { startWithNewLine: false } : {}) },
    ],
  } as unknown as SurveyJson;
}

async function complaintForm(host: Awaited<ReturnType<typeof requirePermission>>["host"], t: T, canAssign: boolean) {
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const customers = await customerChoices(db);
  if (customers.length === 0) return null;
  const owners = canAssign ? await ownerChoices(db) : [];
  return complaintSurveyJson(t, { customers, owners, canAssign, thresholds: await loadEscalation(db) });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, VIEW);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const url = new URL(request.url);
  const filters = parseFeedbackFilters(url.searchParams, PAGE_SIZE);
  const scope = feedbackScope(viewer);
  const now = host.ctx.clock().toISOString();
  const { rows, total } = await listFeedback(db, filters, scope, dayOf(now));
  const showNew = url.searchParams.get("new") === "1";
  const thresholds = await loadEscalation(db);
  return {
    rows,
    total,
    filters,
    canAssign: scope.all,
    canSettings: viewer.permissions.has(SETTINGS),
    owners: scope.all ? await ownerChoices(db) : [],
    thresholds: escalationFormValues(thresholds),
    newForm: showNew ? { json: await complaintForm(host, t, scope.all), values: { dueDate: addDays(now, DEFAULT_DUE_DAYS) } } : null,
  };
}

type SettingsResult = { settingsErrors: Partial<Record<string, string>> };

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, VIEW);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const scope = feedbackScope(viewer);
  const now = host.ctx.clock().toISOString();
  const intent = form.get("intent");

  if (intent === "escalation") {
    if (!viewer.permissions.has(SETTINGS)) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
    const input = Object.fromEntries(ESCALATION_FIELDS.map((f) => [f, String(form.get(f) ?? "")]));
    const parsed = parseEscalationForm(input);
    if (!parsed.ok) {
      return data<SettingsResult>({ settingsErrors: Object.fromEntries(parsed.problems.map((p) => [p.field, t(`satisfaction.feedback.settings.problem.${p.code}`)])) }, { status: 400 });
    }
    await saveEscalation(db, parsed.value, { actorId: viewer.id, now, audit: host.ctx.audit });
    throw redirect("/satisfaction/feedback?done=settings");
  }

  if (intent === "create") {
    const json = await complaintForm(host, t, scope.all);
    if (!json) return data({ errors: [{ name: "", message: t("satisfaction.feedback.noCustomers") }] }, { status: 400 });
    let payload: unknown;
    try {
      payload = JSON.parse(String(form.get("payload") ?? ""));
    } catch {
      payload = null;
    }
    const checked = compiledSurvey(json).validate(payload, locale);
    if (!checked.ok) return data({ errors: checked.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
    const v = checked.data;
    const category = String(v.category);
    const figure = figureUnit(category) && typeof v[`figure_${category}`] === "number" ? (v[`figure_${category}`] as number) : null;
    const result = await createComplaint(
      db,
      {
        customerId: Number(v.customerId),
        product: typeof v.product === "string" ? v.product : null,
        category,
        description: String(v.description ?? ""),
        figure,
        wagonTonnes: category === "packaging_damage" && typeof v.wagonTonnes === "number" ? v.wagonTonnes : null,
        ownerId: scope.all && typeof v.ownerId === "number" ? v.ownerId : null,
        dueDate: typeof v.dueDate === "string" ? v.dueDate.slice(0, 10) : null,
      },
      { actorId: viewer.id, canAssign: scope.all, now },
    );
    if (!result.ok) {
      return data(
        { errors: result.problems.map((p) => ({ name: p.field === "figure" ? `figure_${category}` : p.field, message: t(`satisfaction.feedback.problem.${p.code}`) })) },
        { status: 400 },
      );
    }
    throw redirect(`/satisfaction/feedback/${result.id}?done=created${result.escalated ? "&escalated=1" : ""}`);
  }
  throw new Response("Bad Request", { status: 400 });
}

export default function FeedbackList() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const done = params.get("done");
  const closeNew = new URLSearchParams(params);
  closeNew.delete("new");
  const openNew = new URLSearchParams(params);
  openNew.set("new", "1");
  return (
    <>
      <PageHeader
        title={t("satisfaction.feedback.title")}
        subtitle={d.canAssign ? t("satisfaction.feedback.subtitleAll") : t("satisfaction.feedback.subtitleOwn")}
        actions={
          d.newForm ? null : (
            <Link className="button primary" to={`?${openNew.toString()}`} data-testid="complaint-new">
              {t("satisfaction.feedback.new")}
            </Link>
          )
        }
      />
      {done === "settings" ? <Notice tone="success">{t("satisfaction.feedback.settings.saved")}</Notice> : null}
      {d.newForm ? <NewComplaint json={d.newForm.json} values={d.newForm.values} cancel={`?${closeNew.toString()}`} /> : null}
      <Filters owners={d.owners} canAssign={d.canAssign} />
      {d.rows.length === 0 ? (
        <EmptyState>{["status", "owner", "overdue", "q"].some((k) => params.get(k)) ? t("satisfaction.feedback.emptyFiltered") : t("satisfaction.feedback.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="feedback-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t("satisfaction.feedback.customer")}</th>
                <th>{t("satisfaction.feedback.category")}</th>
                <th>{t("satisfaction.feedback.status")}</th>
                <th>{t("satisfaction.feedback.owner")}</th>
                <th>{t("satisfaction.feedback.dueDate")}</th>
                <th>{t("satisfaction.feedback.createdAt")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id} className={r.overdue ? "overdue" : undefined} data-overdue={r.overdue ? "1" : undefined}>
                  <td data-label="#">
                    <Link to={`/satisfaction/feedback/${r.id}`}>#{r.id}</Link>
                  </td>
                  <td data-label={t("satisfaction.feedback.customer")}>
                    <Link to={`/satisfaction/feedback/${r.id}`}>{r.company}</Link>
                  </td>
                  <td data-label={t("satisfaction.feedback.category")}>
                    {t(`satisfaction.feedback.category.${r.category}`)}
                    {r.escalated ? (
                      <>
                        {" "}
                        <span className="badge badge-escalated" title={t("satisfaction.feedback.escalatedHint")}>
                          {t("satisfaction.feedback.escalated")}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td data-label={t("satisfaction.feedback.status")}>
                    <span className={`badge badge-${r.status}`}>{t(`satisfaction.feedback.status.${r.status}`)}</span>
                  </td>
                  <td data-label={t("satisfaction.feedback.owner")}>{r.ownerName ?? t("common.none")}</td>
                  <td data-label={t("satisfaction.feedback.dueDate")}>
                    {r.dueDate ?? t("common.none")}
                    {r.overdue ? <strong className="error-text"> · {t("satisfaction.feedback.overdue")}</strong> : null}
                  </td>
                  <td data-label={t("satisfaction.feedback.createdAt")}>{formatDateTime(r.createdAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={d.filters.page} pageSize={PAGE_SIZE} total={d.total} />
      <EscalationPanel values={d.thresholds} canEdit={d.canSettings} />
    </>
  );
}

function NewComplaint(props: { json: SurveyJson | null; values: Record<string, unknown>; cancel: string }) {
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("create");
  // Fixed for the form's life: a revalidation must not rebuild it and lose what was typed.
  const [json] = useState(props.json);
  return (
    <section className="card" data-testid="complaint-form">
      <div className="widget-head">
        <h2>{t("satisfaction.feedback.new")}</h2>
        <Link to={props.cancel}>{t("common.cancel")}</Link>
      </div>
      <p className="muted small">{t("satisfaction.feedback.newHint")}</p>
      {json ? <SurveyForm json={json} data={props.values} locale={locale} onSubmit={submit} /> : <EmptyState>{t("satisfaction.feedback.noCustomers")}</EmptyState>}
    </section>
  );
}

function Filters(props: { owners: readonly { id: number; name: string }[]; canAssign: boolean }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  return (
    <Form method="get" className="toolbar" aria-label={t("satisfaction.feedback.filters")}>
      <label>
        <span className="sr-only">{t("satisfaction.feedback.status")}</span>
        <select name="status" defaultValue={params.get("status") ?? "active"}>
          <option value="active">{t("satisfaction.feedback.filter.active")}</option>
          <option value="all">{t("satisfaction.feedback.filter.all")}</option>
          {FEEDBACK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`satisfaction.feedback.status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {props.canAssign ? (
        <label>
          <span className="sr-only">{t("satisfaction.feedback.owner")}</span>
          <select name="owner" defaultValue={params.get("owner") ?? ""}>
            <option value="">{t("satisfaction.feedback.filter.anyOwner")}</option>
            {props.owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label className="choice">
        <input type="checkbox" name="overdue" value="1" defaultChecked={params.get("overdue") === "1"} style={{ width: "auto", minWidth: 0 }} /> {t("satisfaction.feedback.filter.overdue")}
      </label>
      <input
        type="search"
        name="q"
        defaultValue={params.get("q") ?? ""}
        placeholder={t("satisfaction.feedback.filter.search")}
        aria-label={t("satisfaction.feedback.filter.search")}
        style={{ width: "auto", minWidth: "14rem" }}
      />
      <button type="submit">{t("satisfaction.feedback.filter.apply")}</button>
    </Form>
  );
}

function EscalationPanel(props: { values: Record<string, number>; canEdit: boolean }) {
  const { t, locale } = useI18n();
  const result = useActionData<SettingsResult>();
  const navigation = useNavigation();
  const errors = result && "settingsErrors" in result ? result.settingsErrors : {};
  const v = props.values;
  const summary = t("satisfaction.feedback.settings.summary", {
    bags: formatNumber(v.packagingBags, locale, 0),
    tonnes: formatNumber(v.packagingWagonTonnes, locale, 0),
    content: formatNumber(v.contentDeviationPercent, locale, 2),
    days: formatNumber(v.deliveryDelayDays, locale, 0),
    quantity: formatNumber(v.quantityMismatchPercent, locale, 2),
  });
  if (!props.canEdit) {
    return (
      <section className="card" data-testid="escalation-summary">
        <h2>{t("satisfaction.feedback.settings.title")}</h2>
        <p className="muted">{summary}</p>
      </section>
    );
  }
  const field = (name: string, step: string) => (
    <label key={name}>
      {t(`satisfaction.feedback.settings.${name}`)}
      <input type="number" name={name} step={step} min="0" defaultValue={v[name]} required aria-invalid={errors[name] ? true : undefined} />
      {errors[name] ? <span className="error-text small">{errors[name]}</span> : null}
    </label>
  );
  return (
    <details className="card" open={Object.keys(errors).length > 0} data-testid="escalation-settings">
      <summary>
        <strong>{t("satisfaction.feedback.settings.title")}</strong> <span className="muted small">{summary}</span>
      </summary>
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="intent" value="escalation" />
        <p className="muted small">{t("satisfaction.feedback.settings.hint")}</p>
        <div className="form-row">
          {field("packagingBags", "1")}
          {field("packagingWagonTonnes", "any")}
          {field("contentDeviationPercent", "any")}
          {field("deliveryDelayDays", "1")}
          {field("quantityMismatchPercent", "any")}
        </div>
        <div>
          <button type="submit" className="primary" disabled={navigation.state !== "idle"}>
            {t("satisfaction.feedback.settings.save")}
          </button>
        </div>
      </Form>
    </details>
  );
}
