import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { formatDateTime, formatNumber, type Locale } from "@aftercare/i18n";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { BarChart, ConfirmButton, CsrfField, EmptyState, Notice, PageHeader, StatCard } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import { escalates, figureUnit, thresholdOf } from "../feedback/escalation";
import {
  dayOf,
  feedbackHistory,
  feedbackScope,
  getFeedback,
  loadEscalation,
  ownerChoices,
  parseSurveyFinding,
  reassignFeedback,
  responseScores,
  takeStep,
} from "../feedback/feedback.server";
import { availableSteps, isOverdue, type FeedbackStep, type StepKind } from "../feedback/workflow";
import { pick, type Bilingual } from "../template/definition";
import { getTemplate } from "../template/templates.server";

const VIEW = "satisfaction.feedback.view";

type T = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, VIEW);
  const id = parseId(params.id);
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const scope = feedbackScope(viewer);
  // Out of scope answers like missing: staff cannot probe for others' records.
  const record = await getFeedback(db, id, scope);
  if (!record) throw new Response("Not Found", { status: 404 });
  const today = dayOf(host.ctx.clock().toISOString());
  const thresholds = await loadEscalation(db);
  const history = await feedbackHistory(db, id);

  let survey: {
    score: number | null;
    threshold: number | null;
    campaignId: number | null;
    campaignName: string | null;
    items: { item: string; title: Bilingual | null; points: number; low: boolean }[];
    comments: { item: string | null; title: Bilingual | null; text: string }[];
  } | null = null;
  if (record.source === "survey") {
    const finding = parseSurveyFinding(record.description);
    const scores = record.responseId !== null ? await responseScores(db, record.responseId) : null;
    const template = scores ? await getTemplate(db, scores.templateId) : undefined;
    const titles = new Map<string, Bilingual>((template?.definition.items ?? []).map((i) => [i.id, i.title]));
    const lowItems = new Set(finding?.lowItems ?? []);
    survey = {
      score: scores?.score ?? finding?.score ?? null,
      threshold: template?.definition.threshold ?? null,
      campaignId: scores?.campaignId ?? record.campaignId,
      campaignName: scores?.campaignName ?? null,
      items: (scores?.items ?? []).map((i) => ({ item: i.item, title: titles.get(i.item) ?? null, points: i.points, low: lowItems.has(i.item) })),
      comments: (finding?.comments ?? []).map((c) => ({ item: c.item, title: c.item ? titles.get(c.item) ?? null : null, text: c.text })),
    };
  }

  // Names of the people the history mentions (owners of reassignments).
  const userIds = new Set<number>();
  for (const e of history) {
    for (const part of [e.detail?.changes, e.detail?.before] as unknown[]) {
      if (!part || typeof part !== "object") continue;
      for (const key of ["ownerId", "approvedBy"]) {
        const id = (part as Record<string, unknown>)[key];
        if (typeof id === "number") userIds.add(id);
      }
    }
  }
  const names: Record<number, string> = {};
  if (userIds.size) for (const u of await db.selectFrom("users").select(["id", "name"]).where("id", "in", [...userIds]).execute()) names[u.id] = u.name;

  return {
    record,
    history,
    names,
    survey,
    today,
    overdue: isOverdue(record, today),
    escalated: escalates(record.category, record.figure, thresholds),
    threshold: thresholdOf(record.category, thresholds),
    steps: availableSteps(record, scope.all),
    canApprove: scope.all,
    canSeeReports: viewer.permissions.has("satisfaction.reports.view"),
    owners: scope.all ? await ownerChoices(db) : [],
    viewerName: viewer.name,
  };
}

type StepResult = { intent: string; errors: Record<string, string> };

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

/** The step a form posts, read from its fields (workflow.ts checks it). */
function readStep(intent: string, form: FormData): FeedbackStep | null {
  switch (intent) {
    case "verify":
      return { kind: "verify", method: text(form, "method"), verifiedBy: text(form, "verifiedBy"), note: text(form, "note") };
    case "handle": {
      const q = text(form, "qualityProblem");
      return { kind: "handle", qualityProblem: q === "yes" ? true : q === "no" ? false : null, verificationNote: text(form, "verificationNote"), handlingReport: text(form, "handlingReport") };
    }
    case "approve":
      return { kind: "approve" };
    case "send":
      return { kind: "send" };
    case "reopen":
      return { kind: "reopen", reason: text(form, "reason") };
    case "close":
      return { kind: "close", basis: text(form, "basis"), acceptedAt: text(form, "acceptedAt"), statement: text(form, "statement"), actionKind: text(form, "actionKind"), actionText: text(form, "actionText") };
    default:
      return null;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, VIEW);
  const id = parseId(params.id);
  const t = translatorFor(host, resolveLocale(request, viewer));
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const scope = feedbackScope(viewer);
  const now = host.ctx.clock().toISOString();
  const intent = text(form, "intent");

  if (intent === "reassign") {
    if (!scope.all) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
    const result = await reassignFeedback(db, id, { ownerId: Number(text(form, "ownerId")), dueDate: text(form, "dueDate") }, { actorId: viewer.id, now });
    if (!result) throw new Response("Not Found", { status: 404 });
    if (!result.ok) return data<StepResult>({ intent, errors: Object.fromEntries(result.problems.map((p) => [p.field, t(`satisfaction.feedback.problem.${p.code}`)])) }, { status: 400 });
    throw redirect(`/satisfaction/feedback/${id}?done=reassigned`);
  }

  const step = readStep(intent, form);
  if (!step) throw new Response("Bad Request", { status: 400 });
  if (step.kind === "approve" && !scope.all) throw new Response("Forbidden", { status: 403, statusText: "Forbidden" });
  const outcome = await takeStep(db, id, step, scope, { actorId: viewer.id, canApprove: scope.all, now, today: dayOf(now) });
  if (!outcome) throw new Response("Not Found", { status: 404 });
  if (!outcome.ok) {
    return data<StepResult>({ intent, errors: Object.fromEntries(outcome.problems.map((p) => [p.field, t(`satisfaction.feedback.step.problem.${p.code}`)])) }, { status: 400 });
  }
  throw redirect(`/satisfaction/feedback/${id}?done=${step.kind}`);
}

// --- the page ----------------------------------------------------------------------------------

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Rec = Data["record"];

/** Text with its line breaks, without injecting markup. */
function Multiline(props: { text: string | null | undefined }) {
  if (!props.text) return null;
  const lines = props.text.split(/\r?\n/);
  return (
    <>
      {lines.map((line, i) => (
        <span key={i}>
          {line}
          {i < lines.length - 1 ? <br /> : null}
        </span>
      ))}
    </>
  );
}

function figureText(t: T, locale: Locale, category: string, figure: { value: number; wagonTonnes?: number | null } | null, defaultTonnes: number | undefined): string | null {
  const unit = figureUnit(category);
  if (!unit || !figure) return null;
  if (unit === "bags") return t("satisfaction.feedback.figureText.bags", { value: formatNumber(figure.value, locale, 0), tonnes: formatNumber(figure.wagonTonnes ?? defaultTonnes ?? 60, locale, 0) });
  if (unit === "days") return t("satisfaction.feedback.figureText.days", { value: formatNumber(figure.value, locale, 0) });
  return t("satisfaction.feedback.figureText.percent", { value: formatNumber(figure.value, locale, 2) });
}

function thresholdText(t: T, locale: Locale, category: string, threshold: { value: number; wagonTonnes?: number } | null): string | null {
  const unit = figureUnit(category);
  if (!unit || !threshold) return null;
  if (unit === "bags") return t("satisfaction.feedback.thresholdText.bags", { value: formatNumber(threshold.value, locale, 0), tonnes: formatNumber(threshold.wagonTonnes ?? 60, locale, 0) });
  if (unit === "days") return t("satisfaction.feedback.thresholdText.days", { value: formatNumber(threshold.value, locale, 0) });
  return t("satisfaction.feedback.thresholdText.percent", { value: formatNumber(threshold.value, locale, 2) });
}

export default function FeedbackPage() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const result = useActionData<StepResult>();
  const r = d.record;
  const done = params.get("done");
  const general = result?.errors[""];
  const figure = figureText(t, locale, r.category, r.figure, d.threshold?.wagonTonnes);
  return (
    <>
      <PageHeader
        title={`#${r.id} · ${r.company}`}
        subtitle={
          <>
            <span className={`badge badge-${r.status}`} data-testid="feedback-status">
              {t(`satisfaction.feedback.status.${r.status}`)}
            </span>{" "}
            {t(`satisfaction.feedback.source.${r.source}`)} · {t(`satisfaction.feedback.category.${r.category}`)}
          </>
        }
        actions={
          <Link className="button" to="/satisfaction/feedback">
            {t("common.back")}
          </Link>
        }
      />
      {done ? <Notice tone="success">{t(`satisfaction.feedback.done.${done}`)}</Notice> : null}
      {general ? <Notice tone="error">{general}</Notice> : null}
      {d.overdue ? <Notice tone="warning">{t("satisfaction.feedback.overdueNotice", { date: r.dueDate ?? "" })}</Notice> : null}
      {d.escalated && r.status !== "closed" ? (
        <Notice tone="warning">
          <span data-testid="escalated-notice">{t("satisfaction.feedback.escalatedNotice", { threshold: thresholdText(t, locale, r.category, d.threshold) ?? "" })}</span>
        </Notice>
      ) : null}
      <div className="two-col">
        <section className="card">
          <h2>{t("satisfaction.feedback.record")}</h2>
          <dl className="meta-list">
            <dt>{t("satisfaction.feedback.customer")}</dt>
            <dd>{r.company}</dd>
            {r.product ? (
              <>
                <dt>{t("satisfaction.feedback.product")}</dt>
                <dd>{r.product}</dd>
              </>
            ) : null}
            <dt>{t("satisfaction.feedback.category")}</dt>
            <dd>
              {t(`satisfaction.feedback.category.${r.category}`)}
              {d.escalated ? (
                <>
                  {" "}
                  <span className="badge badge-escalated">{t("satisfaction.feedback.escalated")}</span>
                </>
              ) : null}
            </dd>
            {figure ? (
              <>
                <dt>{t("satisfaction.feedback.figure")}</dt>
                <dd>{figure}</dd>
              </>
            ) : null}
            {r.source === "complaint" ? (
              <>
                <dt>{t("satisfaction.feedback.description")}</dt>
                <dd>
                  <Multiline text={r.description} />
                </dd>
              </>
            ) : null}
            <dt>{t("satisfaction.feedback.owner")}</dt>
            <dd>{r.ownerName ?? t("common.none")}</dd>
            <dt>{t("satisfaction.feedback.dueDate")}</dt>
            <dd className={d.overdue ? "error-text" : undefined}>{r.dueDate ?? t("common.none")}</dd>
            <dt>{t("satisfaction.feedback.createdAt")}</dt>
            <dd>
              {formatDateTime(r.createdAt, locale, { time: true })}
              {r.creatorName ? ` · ${r.creatorName}` : r.source === "survey" ? ` · ${t("satisfaction.feedback.bySurvey")}` : ""}
            </dd>
          </dl>
          <Progress record={r} />
        </section>
        {r.status !== "closed" ? (
          <section className="card" data-testid="next-step">
            <h2>{t("satisfaction.feedback.nextStep")}</h2>
            <NextSteps d={d} result={result} />
          </section>
        ) : null}
      </div>
      {d.survey ? <SurveyFinding survey={d.survey} canSeeReports={d.canSeeReports} /> : null}
      {d.canApprove && r.status !== "closed" ? <Reassign d={d} result={result} /> : null}
      <History d={d} />
    </>
  );
}

/** What has been recorded so far: verification, handling, approval, acceptance, action. */
function Progress(props: { record: Rec }) {
  const { t, locale } = useI18n();
  const r = props.record;
  const rows: [string, ReactNode][] = [];
  if (r.verificationMethod) rows.push([t("satisfaction.feedback.field.verificationMethod"), `${t(`satisfaction.feedback.method.${r.verificationMethod}`)} · ${r.verifiedBy ?? ""}`]);
  if (r.verificationNote) rows.push([t("satisfaction.feedback.field.verificationNote"), <Multiline key="vn" text={r.verificationNote} />]);
  if (r.qualityProblem !== null) rows.push([t("satisfaction.feedback.field.qualityProblem"), r.qualityProblem ? t("common.yes") : t("common.no")]);
  if (r.handlingReport) rows.push([t("satisfaction.feedback.field.handlingReport"), <Multiline key="hr" text={r.handlingReport} />]);
  if (r.qualityProblem) {
    rows.push([
      t("satisfaction.feedback.field.approval"),
      r.approvedAt ? t("satisfaction.feedback.approvedBy", { name: r.approverName ?? "", date: formatDateTime(r.approvedAt, locale, { time: true }) }) : <span className="muted">{t("satisfaction.feedback.notApproved")}</span>,
    ]);
  }
  if (r.customerAcceptedAt) rows.push([t("satisfaction.feedback.field.customerAcceptedAt"), r.customerAcceptedAt]);
  if (r.customerStatement) rows.push([t("satisfaction.feedback.field.customerStatement"), <Multiline key="cs" text={r.customerStatement} />]);
  if (r.actionText) rows.push([t(`satisfaction.feedback.actionKind.${r.actionKind ?? "corrective"}`), <Multiline key="at" text={r.actionText} />]);
  if (r.closedAt) rows.push([t("satisfaction.feedback.field.closedAt"), formatDateTime(r.closedAt, locale, { time: true })]);
  if (!rows.length) return null;
  return (
    <>
      <h3>{t("satisfaction.feedback.progress")}</h3>
      <dl className="meta-list" data-testid="feedback-progress">
        {rows.map(([label, value]) => (
          <FragmentRow key={label} label={label} value={value} />
        ))}
      </dl>
    </>
  );
}

function FragmentRow(props: { label: string; value: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </>
  );
}

/** A radio button with its text on one line (the host's `.stack label` stacks label contents). */
function Choice(props: { name: string; value: string; checked?: boolean; children: ReactNode }) {
  return (
    <label className="choice" style={{ flexDirection: "row", alignItems: "center", gap: "0.5rem", fontWeight: 400 }}>
      <input type="radio" name={props.name} value={props.value} defaultChecked={props.checked} style={{ width: "auto" }} />
      <span>{props.children}</span>
    </label>
  );
}

/** A group of choices with its legend, without the browser's fieldset frame. */
function Choices(props: { legend: string; error: string | undefined; children: ReactNode }) {
  return (
    <fieldset className="stack" style={{ border: "none", padding: 0, margin: 0, gap: "0.25rem" }}>
      <legend style={{ fontWeight: 500, padding: 0, marginBottom: "0.25rem" }}>{props.legend}</legend>
      {props.children}
      <FieldError error={props.error} />
    </fieldset>
  );
}

function FieldError(props: { error: string | undefined }) {
  return props.error ? <span className="error-text small">{props.error}</span> : null;
}

function StepForm(props: { intent: StepKind | "reassign"; children: ReactNode; submit: string; tone?: "primary" | "normal" }) {
  const navigation = useNavigation();
  return (
    <Form method="post" className="stack" data-testid={`step-${props.intent}`}>
      <CsrfField />
      <input type="hidden" name="intent" value={props.intent} />
      {props.children}
      <div>
        <button type="submit" className={props.tone === "normal" ? "" : "primary"} disabled={navigation.state !== "idle"}>
          {props.submit}
        </button>
      </div>
    </Form>
  );
}

function NextSteps(props: { d: Data; result: StepResult | undefined }) {
  const { t } = useI18n();
  const { d, result } = props;
  const r = d.record;
  const err = (intent: string, field: string) => (result?.intent === intent ? result.errors[field] : undefined);
  if (d.steps.length === 0) return <EmptyState>{t("satisfaction.feedback.closedNothing")}</EmptyState>;
  const forms: Record<StepKind, ReactNode> = {
    verify: (
      <StepForm key="verify" intent="verify" submit={r.status === "open" ? t("satisfaction.feedback.step.verify") : t("satisfaction.feedback.step.verifyAgain")} tone={r.status === "open" ? "primary" : "normal"}>
        <h3>{r.status === "open" ? t("satisfaction.feedback.step.verifyTitle") : t("satisfaction.feedback.step.verifyAgainTitle")}</h3>
        <Choices legend={t("satisfaction.feedback.field.verificationMethod")} error={err("verify", "method")}>
          {(["phone", "on_site"] as const).map((m) => (
            <Choice key={m} name="method" value={m} checked={(r.status === "open" ? "phone" : "on_site") === m}>
              {t(`satisfaction.feedback.method.${m}`)}
            </Choice>
          ))}
        </Choices>
        <label>
          {t("satisfaction.feedback.field.verifiedBy")}
          <input name="verifiedBy" defaultValue={r.verifiedBy ?? d.viewerName} maxLength={200} required />
          <FieldError error={err("verify", "verifiedBy")} />
        </label>
        <label>
          {t("satisfaction.feedback.field.note")}
          <textarea name="note" rows={3} maxLength={5000} defaultValue={r.verificationNote ?? ""} />
          <FieldError error={err("verify", "note")} />
        </label>
      </StepForm>
    ),
    handle: (
      <StepForm key="handle" intent="handle" submit={r.status === "verifying" ? t("satisfaction.feedback.step.handle") : t("satisfaction.feedback.step.handleUpdate")} tone={r.status === "verifying" ? "primary" : "normal"}>
        <h3>{r.status === "verifying" ? t("satisfaction.feedback.step.handleTitle") : t("satisfaction.feedback.step.handleUpdateTitle")}</h3>
        {r.status === "handling" && r.qualityProblem && r.approvedAt ? <p className="muted small">{t("satisfaction.feedback.step.handleResetsApproval")}</p> : null}
        <Choices legend={t("satisfaction.feedback.field.qualityProblem")} error={err("handle", "qualityProblem")}>
          {(["yes", "no"] as const).map((v) => (
            <Choice key={v} name="qualityProblem" value={v} checked={r.qualityProblem !== null && r.qualityProblem === (v === "yes")}>
              {t(`satisfaction.feedback.quality.${v}`)}
            </Choice>
          ))}
        </Choices>
        <label>
          {t("satisfaction.feedback.field.verificationNoteQuality")}
          <span className="muted small">{t("satisfaction.feedback.field.verificationNoteQualityHint")}</span>
          <textarea name="verificationNote" rows={3} maxLength={5000} defaultValue={r.verificationNote ?? ""} />
          <FieldError error={err("handle", "verificationNote")} />
        </label>
        <label>
          {t("satisfaction.feedback.field.handlingReport")}
          <span className="muted small">{t("satisfaction.feedback.field.handlingReportHint")}</span>
          <textarea name="handlingReport" rows={4} maxLength={5000} defaultValue={r.handlingReport ?? ""} />
          <FieldError error={err("handle", "handlingReport")} />
        </label>
      </StepForm>
    ),
    approve: (
      <div key="approve" className="stack" data-testid="step-approve">
        <h3>{t("satisfaction.feedback.step.approveTitle")}</h3>
        <p className="muted small">{t("satisfaction.feedback.step.approveHint")}</p>
        <div>
          <ConfirmButton intent="approve" label={t("satisfaction.feedback.step.approve")} confirm={t("satisfaction.feedback.step.approveConfirm")} />
        </div>
      </div>
    ),
    send: (
      <StepForm key="send" intent="send" submit={t("satisfaction.feedback.step.send")}>
        <h3>{t("satisfaction.feedback.step.sendTitle")}</h3>
        <p className="muted small">{r.qualityProblem ? t("satisfaction.feedback.step.sendHintQuality") : t("satisfaction.feedback.step.sendHintExplain")}</p>
      </StepForm>
    ),
    close: (
      <StepForm key="close" intent="close" submit={t("satisfaction.feedback.step.close")}>
        <h3>{t("satisfaction.feedback.step.closeTitle")}</h3>
        <Choices legend={t("satisfaction.feedback.field.basis")} error={err("close", "basis")}>
          <Choice name="basis" value="accepted" checked>
            {t("satisfaction.feedback.basis.accepted")}
          </Choice>
          {r.qualityProblem === false ? (
            <Choice name="basis" value="statement">
              {t("satisfaction.feedback.basis.statement")}
            </Choice>
          ) : null}
        </Choices>
        <label>
          {t("satisfaction.feedback.field.customerAcceptedAt")}
          <input type="date" name="acceptedAt" max={d.today} defaultValue={d.today} />
          <FieldError error={err("close", "acceptedAt")} />
        </label>
        {r.qualityProblem === false ? (
          <label>
            {t("satisfaction.feedback.field.customerStatement")}
            <span className="muted small">{t("satisfaction.feedback.field.customerStatementHint")}</span>
            <textarea name="statement" rows={3} maxLength={5000} />
            <FieldError error={err("close", "statement")} />
          </label>
        ) : null}
        <label>
          {t("satisfaction.feedback.field.actionKind")}
          <select name="actionKind" defaultValue="corrective">
            <option value="corrective">{t("satisfaction.feedback.actionKind.corrective")}</option>
            <option value="preventive">{t("satisfaction.feedback.actionKind.preventive")}</option>
          </select>
          <FieldError error={err("close", "actionKind")} />
        </label>
        <label>
          {t("satisfaction.feedback.field.actionText")}
          <textarea name="actionText" rows={3} maxLength={5000} required />
          <FieldError error={err("close", "actionText")} />
        </label>
      </StepForm>
    ),
    reopen: (
      <StepForm key="reopen" intent="reopen" submit={t("satisfaction.feedback.step.reopen")} tone="normal">
        <h3>{t("satisfaction.feedback.step.reopenTitle")}</h3>
        <label>
          {t("satisfaction.feedback.field.reason")}
          <textarea name="reason" rows={2} maxLength={5000} required />
          <FieldError error={err("reopen", "reason")} />
        </label>
      </StepForm>
    ),
  };
  const waiting = r.status === "handling" && r.qualityProblem && !r.approvedAt && !d.canApprove;
  return (
    <div className="stack">
      {waiting ? <Notice tone="info">{t("satisfaction.feedback.waitingApproval")}</Notice> : null}
      {d.steps.map((s, i) => (
        <div key={s}>
          {i > 0 ? <hr /> : null}
          {forms[s]}
        </div>
      ))}
    </div>
  );
}

function Reassign(props: { d: Data; result: StepResult | undefined }) {
  const { t } = useI18n();
  const { d, result } = props;
  const err = (field: string) => (result?.intent === "reassign" ? result.errors[field] : undefined);
  return (
    <details className="card" open={result?.intent === "reassign"}>
      <summary>
        <strong>{t("satisfaction.feedback.reassign")}</strong>
      </summary>
      <StepForm intent="reassign" submit={t("satisfaction.feedback.reassignSave")} tone="normal">
        <div className="form-row">
          <label>
            {t("satisfaction.feedback.owner")}
            <select name="ownerId" defaultValue={d.record.ownerId ?? ""}>
              {d.owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            <FieldError error={err("ownerId")} />
          </label>
          <label>
            {t("satisfaction.feedback.dueDate")}
            <input type="date" name="dueDate" defaultValue={d.record.dueDate ?? ""} required />
            <FieldError error={err("dueDate")} />
          </label>
        </div>
      </StepForm>
    </details>
  );
}

function SurveyFinding(props: { survey: NonNullable<Data["survey"]>; canSeeReports: boolean }) {
  const { t, locale } = useI18n();
  const s = props.survey;
  const title = (item: string | null, bilingual: Bilingual | null) => (bilingual ? pick(bilingual, locale) : item ?? t("satisfaction.feedback.survey.general"));
  return (
    <section className="card" data-testid="survey-finding">
      <div className="widget-head">
        <h2>{t("satisfaction.feedback.survey.title")}</h2>
        {props.canSeeReports && s.campaignId ? <Link to={`/satisfaction/campaigns/${s.campaignId}/report`}>{s.campaignName ?? t("satisfaction.feedback.survey.report")}</Link> : null}
      </div>
      <div className="stats">
        <StatCard
          label={t("satisfaction.feedback.survey.score")}
          value={formatNumber(s.score, locale)}
          hint={s.threshold !== null ? t("satisfaction.feedback.survey.threshold", { threshold: s.threshold }) : undefined}
          tone={s.score !== null && s.threshold !== null && s.score >= s.threshold ? "good" : "bad"}
        />
      </div>
      {s.items.length ? (
        <>
          <h3>{t("satisfaction.feedback.survey.items")}</h3>
          <BarChart
            items={s.items.map((i) => ({ label: `${title(i.item, i.title)}${i.low ? ` ⚠ ${t("satisfaction.feedback.survey.lowest")}` : ""}`, value: i.points, display: formatNumber(i.points, locale, 0) }))}
            max={100}
            threshold={s.threshold ?? undefined}
          />
        </>
      ) : null}
      <h3>{t("satisfaction.feedback.survey.comments")}</h3>
      {s.comments.length ? (
        <ul className="comments">
          {s.comments.map((c, i) => (
            <li key={i}>
              <strong>{title(c.item, c.title)}:</strong> <Multiline text={c.text} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("satisfaction.feedback.survey.noComments")}</p>
      )}
    </section>
  );
}

const DATE_FIELDS = new Set(["customerAcceptedAt", "dueDate"]);
const TIME_FIELDS = new Set(["approvedAt", "closedAt"]);

function describeValue(key: string, value: unknown, t: T, locale: Locale, names: Record<number, string>): string {
  if (value === null || value === undefined || value === "") return t("common.none");
  if (key === "verificationMethod") return t(`satisfaction.feedback.method.${String(value)}`);
  if (key === "qualityProblem" || key === "escalated") return value ? t("common.yes") : t("common.no");
  if (key === "approvedBy" || key === "ownerId") return typeof value === "number" ? names[value] ?? `#${value}` : String(value);
  if (key === "actionKind") return t(`satisfaction.feedback.actionKind.${String(value)}`);
  if (key === "category") return t(`satisfaction.feedback.category.${String(value)}`);
  if (key === "source") return t(`satisfaction.feedback.source.${String(value)}`);
  if (TIME_FIELDS.has(key)) return formatDateTime(String(value), locale, { time: true });
  if (DATE_FIELDS.has(key)) return String(value);
  const s = String(value);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function History(props: { d: Data }) {
  const { t, locale } = useI18n();
  const { d } = props;
  return (
    <section>
      <h2>{t("satisfaction.feedback.history")}</h2>
      <div className="table-wrap">
        <table className="table" data-testid="feedback-history">
          <thead>
            <tr>
              <th>{t("satisfaction.feedback.historyWhen")}</th>
              <th>{t("satisfaction.feedback.historyWho")}</th>
              <th>{t("satisfaction.feedback.historyWhat")}</th>
            </tr>
          </thead>
          <tbody>
            {d.history.map((e) => {
              const detail = (e.detail ?? {}) as Record<string, unknown>;
              const changes = (detail.changes && typeof detail.changes === "object" ? detail.changes : {}) as Record<string, unknown>;
              const lines: string[] = [];
              if (e.action === "created") {
                for (const key of ["source", "category", "figure", "escalated"]) {
                  if (detail[key] !== undefined && detail[key] !== null) {
                    lines.push(`${t(`satisfaction.feedback.field.${key}`)}: ${key === "figure" ? figureText(t, locale, String(detail.category), { value: Number(detail.figure), wagonTonnes: detail.wagonTonnes as number | null }, d.threshold?.wagonTonnes) : describeValue(key, detail[key], t, locale, d.names)}`);
                  }
                }
              }
              if (typeof detail.from === "string" && typeof detail.to === "string") {
                lines.push(`${t(`satisfaction.feedback.status.${detail.from}`)} → ${t(`satisfaction.feedback.status.${detail.to}`)}`);
              }
              if (typeof detail.reason === "string") lines.push(`${t("satisfaction.feedback.field.reason")}: ${detail.reason}`);
              for (const [key, value] of Object.entries(changes)) {
                if (key === "approvedAt" && value === null) lines.push(t("satisfaction.feedback.approvalCleared"));
                if (value === null || value === undefined || value === "") continue;
                lines.push(`${t(`satisfaction.feedback.field.${key}`)}: ${describeValue(key, value, t, locale, d.names)}`);
              }
              return (
                <tr key={e.id}>
                  <td data-label={t("satisfaction.feedback.historyWhen")}>{formatDateTime(e.at, locale, { time: true })}</td>
                  <td data-label={t("satisfaction.feedback.historyWho")}>{e.actorName ?? t("satisfaction.feedback.system")}</td>
                  <td data-label={t("satisfaction.feedback.historyWhat")}>
                    <strong>{t(`satisfaction.feedback.event.${e.action}`)}</strong>
                    {lines.length ? (
                      <ul className="comments small">
                        {lines.map((line, i) => (
                          <li key={i}>{line}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
