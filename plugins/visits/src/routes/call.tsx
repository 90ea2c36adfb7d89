import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { CsrfField, Notice, PageHeader } from "@aftercare/ui";
import type { VisitsTables } from "../tables";
import { callInScope, closeCall, dispatchCall, endHold, getCall, recordMilestone, startHold } from "../call/calls.server";
import { MILESTONES, type Milestone } from "../call/milestones";
import { activeStaff } from "../visit/visit-page.server";
import { readPolicy } from "../policy.server";
import { viewerScope } from "../scope.server";
import { fromCompanyLocal, toCompanyLocal } from "../time";
import { choiceParam, idParam, optionalId, textField } from "../web/params";
import { SlaClockView } from "../web/SlaClockView";
import { formatDuration } from "../duration";
import "../web/visits.css";

const STAMP: Record<Milestone, "responded_at" | "arrived_at" | "work_started_at" | "cleared_at"> = {
  responded: "responded_at",
  arrived: "arrived_at",
  workStarted: "work_started_at",
  cleared: "cleared_at",
};
const LABEL: Record<Milestone, string> = { responded: "respondedAt", arrived: "arrivedAt", workStarted: "workStartedAt", cleared: "clearedAt" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { host, viewer } = await requirePermission(request, "visits.calls.read");
  const now = host.ctx.clock().toISOString();
  const call = await getCall(host.db, id, now);
  if (!call || !callInScope(await viewerScope(host.db, viewer), call)) throw new Response("Not Found", { status: 404 });
  const returnVisit = call.closed_at
    ? await (host.db as unknown as Kysely<VisitsTables>).selectFrom("visits_visit").select(["id", "planned_at", "status"]).where("source_call_id", "=", id).executeTakeFirst()
    : undefined;
  return {
    call,
    returnVisit: returnVisit ?? null,
    people: await activeStaff(host.db),
    nowLocal: toCompanyLocal(now),
    returnVisitDays: (await readPolicy(host.db)).returnVisitDays,
    canWrite: viewer.permissions.has("visits.calls.write"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const { host, viewer, form } = await requireAction(request, "visits.calls.write");
  const t = translatorFor(host, resolveLocale(request, viewer));
  const call = await getCall(host.db, id, host.ctx.clock().toISOString());
  if (!call || !callInScope(await viewerScope(host.db, viewer), call)) throw new Response("Not Found", { status: 404 });
  const intent = String(form.get("intent") ?? "");
  const at = fromCompanyLocal(form.get("at"));
  const actorId = viewer.id;
  let result;
  let done = intent;
  if (intent === "dispatch") {
    const engineerId = optionalId(form.get("engineer"));
    if (!engineerId) return data({ error: t("validation.required", { field: t("visits.call.engineer") }) }, { status: 400 });
    result = await dispatchCall(host.ctx, { id, engineerId, actorId });
  } else if (intent === "milestone") {
    const milestone = choiceParam(String(form.get("milestone") ?? ""), MILESTONES);
    if (!milestone) throw new Response("Bad Request", { status: 400 });
    if (!at) return data({ error: t("visits.error.badTime") }, { status: 400 });
    result = await recordMilestone(host.ctx, { id, milestone, at, actorId });
    done = milestone;
  } else if (intent === "hold") {
    const reason = choiceParam(String(form.get("reason") ?? ""), ["customer", "parts", "other"] as const);
    if (!reason) return data({ error: t("validation.required", { field: t("visits.call.holdReason") }) }, { status: 400 });
    if (!at) return data({ error: t("visits.error.badTime") }, { status: 400 });
    result = await startHold(host.ctx, { id, reason, note: textField(form, "note", 500), at, actorId });
  } else if (intent === "resume") {
    if (!at) return data({ error: t("visits.error.badTime") }, { status: 400 });
    result = await endHold(host.ctx, { id, at, actorId });
  } else if (intent === "close") {
    const resolution = textField(form, "resolution", 2000);
    if (!resolution) return data({ error: t("validation.required", { field: t("visits.call.resolution") }) }, { status: 400 });
    if (!at) return data({ error: t("visits.error.badTime") }, { status: 400 });
    result = await closeCall(host.ctx, { id, at, resolution, actorId });
    if (result.ok) host.kickMail();
  } else {
    throw new Response("Bad Request", { status: 400 });
  }
  if (!result.ok) return data({ error: t(result.key) }, { status: 400 });
  throw redirect(`/visits/calls/${id}?done=${done}`);
}

function TimeInput({ value, label }: { value: string; label: string }) {
  return <input type="datetime-local" name="at" defaultValue={value} required aria-label={label} />;
}

export default function CallPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const c = d.call;
  const open = c.closed_at === null;
  const onHold = c.holds.some((h) => h.end_at === null);
  const dt = (iso: string | null) => (iso ? formatDateTime(iso, locale, { time: true }) : "—");
  const next = MILESTONES.find((m) => c[STAMP[m]] === null);
  return (
    <>
      <PageHeader
        title={t("visits.call.title", { id: c.id, company: c.company })}
        subtitle={open ? (onHold ? t("visits.call.onHold") : t("visits.calls.open")) : t("visits.calls.closed")}
        actions={
          <>
            <Link className="button" to={`/visits/customers/${c.customer_id}`}>
              {t("visits.detail.history")}
            </Link>
            <Link className="button" to="/visits/calls">
              {t("common.back")}
            </Link>
          </>
        }
      />
      {params.get("done") ? <Notice tone="success">{t("visits.call.saved")}</Notice> : null}
      {result && "error" in result ? <Notice tone="error">{result.error}</Notice> : null}
      <section className="stats" data-testid="sla-clocks">
        {(["respond", "onSite", "clear"] as const).map((name) => (
          <div className="stat" key={name}>
            <div className="stat-label">
              {t(`visits.clock.${name}`)} · {t("visits.clock.allowance", { allowance: formatDuration(c.clocks[name].allowanceMs, locale, { days: false }) })}
            </div>
            <SlaClockView clock={c.clocks[name]} compact />
          </div>
        ))}
      </section>
      <div className="two-col">
        <dl className="meta-list card">
          <dt>{t("visits.field.customer")}</dt>
          <dd>
            <Link to={`/visits/customers/${c.customer_id}`}>{c.company}</Link>
            {c.region ? <span className="muted"> · {c.region}</span> : null}
          </dd>
          {c.model ? (
            <>
              <dt>{t("visits.call.equipment")}</dt>
              <dd>
                {c.model} · {c.serial_number}
              </dd>
            </>
          ) : null}
          <dt>{t("visits.call.channel")}</dt>
          <dd>{t(`visits.call.channel.${c.channel}`)}</dd>
          <dt>{t("visits.call.fault")}</dt>
          <dd style={{ whiteSpace: "pre-wrap" }}>{c.fault}</dd>
          <dt>{t("visits.call.takenBy")}</dt>
          <dd>{c.taken_by_name}</dd>
          <dt>{t("visits.call.engineer")}</dt>
          <dd data-testid="call-engineer">{c.engineer_name ?? t("visits.call.notDispatched")}</dd>
          {c.resolution ? (
            <>
              <dt>{t("visits.call.resolution")}</dt>
              <dd>{c.resolution}</dd>
            </>
          ) : null}
          {d.returnVisit ? (
            <>
              <dt>{t("visits.call.returnVisit")}</dt>
              <dd>
                <Link to={`/visits/${d.returnVisit.id}`}>{formatDateTime(d.returnVisit.planned_at, locale)}</Link> · {t(`visits.status.${d.returnVisit.status}`)}
              </dd>
            </>
          ) : null}
        </dl>
        <section className="card">
          <h2>{t("visits.call.milestones")}</h2>
          <dl className="meta-list" data-testid="call-timestamps">
            <dt>{t("visits.call.receivedAt")}</dt>
            <dd>{dt(c.received_at)}</dd>
            <dt>{t("visits.call.dispatchedAt")}</dt>
            <dd>{dt(c.dispatched_at)}</dd>
            {MILESTONES.map((m) => (
              <div key={m} style={{ display: "contents" }}>
                <dt>{t(`visits.call.${LABEL[m]}`)}</dt>
                <dd data-milestone={m}>{dt(c[STAMP[m]])}</dd>
              </div>
            ))}
            <dt>{t("visits.call.closedAt")}</dt>
            <dd>{dt(c.closed_at)}</dd>
          </dl>
        </section>
      </div>
      {open && d.canWrite ? (
        <section className="milestones" data-testid="call-actions">
          <div className="milestone">
            <strong>{c.engineer_id ? t("visits.call.redispatch") : t("visits.call.dispatch")}</strong>
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="intent" value="dispatch" />
              <select name="engineer" required defaultValue="" aria-label={t("visits.call.engineer")}>
                <option value="" disabled>
                  {t("visits.call.engineer")}
                </option>
                {d.people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              <button type="submit" data-intent="dispatch">
                {t("visits.call.dispatch")}
              </button>
            </Form>
          </div>
          {MILESTONES.filter((m) => c[STAMP[m]] === null).map((m) => (
            <div className="milestone" key={m} data-record={m}>
              <strong>{t(`visits.call.record.${m}`)}</strong>
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="intent" value="milestone" />
                <input type="hidden" name="milestone" value={m} />
                <TimeInput value={d.nowLocal} label={t("visits.call.at")} />
                <button type="submit" className={m === next ? "primary" : ""} data-intent={`record-${m}`}>
                  {t("visits.call.record")}
                </button>
              </Form>
            </div>
          ))}
          {c.cleared_at === null ? (
            <div className="milestone">
              <strong>{onHold ? t("visits.call.resume") : t("visits.call.hold")}</strong>
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="intent" value={onHold ? "resume" : "hold"} />
                {onHold ? null : (
                  <>
                    <select name="reason" required defaultValue="customer" aria-label={t("visits.call.holdReason")}>
                      {(["customer", "parts", "other"] as const).map((r) => (
                        <option key={r} value={r}>
                          {t(`visits.call.hold.${r}`)}
                        </option>
                      ))}
                    </select>
                    <input name="note" maxLength={500} placeholder={t("visits.call.holdNote")} aria-label={t("visits.call.holdNote")} />
                  </>
                )}
                <TimeInput value={d.nowLocal} label={t("visits.call.at")} />
                <button type="submit" data-intent={onHold ? "resume" : "hold"}>
                  {onHold ? t("visits.call.resume") : t("visits.call.hold")}
                </button>
              </Form>
            </div>
          ) : (
            <div className="milestone">
              <strong>{t("visits.call.close")}</strong>
              <Form method="post">
                <CsrfField />
                <input type="hidden" name="intent" value="close" />
                <input name="resolution" required maxLength={2000} placeholder={t("visits.call.resolution")} aria-label={t("visits.call.resolution")} />
                <TimeInput value={d.nowLocal} label={t("visits.call.at")} />
                <button type="submit" className="primary" data-intent="close">
                  {t("visits.call.close")}
                </button>
              </Form>
              <p className="small muted">{t("visits.call.closeHint", { days: d.returnVisitDays })}</p>
            </div>
          )}
        </section>
      ) : null}
      <section className="card">
        <h2>{t("visits.call.holds")}</h2>
        {c.holds.length === 0 ? (
          <p className="muted">{t("visits.call.noHolds")}</p>
        ) : (
          <ul>
            {c.holds.map((h) => (
              <li key={h.id}>
                {t(`visits.call.hold.${h.reason}`)}: {dt(h.start_at)} – {h.end_at ? dt(h.end_at) : t("visits.call.onHold")}
                {h.note ? <span className="muted"> · {h.note}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
