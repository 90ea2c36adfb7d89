import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { CsrfField, Notice, PageHeader } from "@aftercare/ui";
import { addFollowup, cancelVisit, completeFollowup, getVisit, visitInScope } from "../visit/visits.server";
import { activeStaff } from "../visit/visit-page.server";
import { viewerScope } from "../scope.server";
import { idParam, optionalId, textField } from "../web/params";
import "../web/visits.css";

async function load(request: Request, id: number, permission: string, isAction: boolean) {
  const guard = isAction ? await requireAction(request, permission) : { ...(await requirePermission(request, permission)), form: null };
  const visit = await getVisit(guard.host.db, id);
  if (!visit || !visitInScope(await viewerScope(guard.host.db, guard.viewer), visit)) throw new Response("Not Found", { status: 404 });
  return { ...guard, visit };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { host, viewer, visit } = await load(request, id, "visits.visits.read", false);
  return {
    visit,
    people: await activeStaff(host.db),
    canWrite: viewer.permissions.has("visits.visits.write"),
    today: host.ctx.clock().toISOString().slice(0, 10),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const { host, viewer, form, visit } = await load(request, id, "visits.visits.write", true);
  const t = translatorFor(host, resolveLocale(request, viewer));
  const now = host.ctx.clock().toISOString();
  const intent = form!.get("intent");
  if (intent === "cancel") {
    const reason = textField(form!, "reason", 1000);
    if (!reason) return data({ error: t("visits.error.reasonRequired") }, { status: 400 });
    if (!(await cancelVisit(host.ctx, { id, reason, actorId: viewer.id }))) return data({ error: t("visits.error.cancelled") }, { status: 409 });
    throw redirect(`/visits/${id}?done=cancelled`);
  }
  if (intent === "followup-add") {
    const action = textField(form!, "action", 500);
    if (!action) return data({ error: t("validation.required", { field: t("visits.followup.action") }) }, { status: 400 });
    const due = textField(form!, "due", 10);
    await addFollowup(host.db, { visitId: visit.id, action, ownerId: optionalId(form!.get("owner")), dueDate: due && /^\d{4}-\d{2}-\d{2}$/.test(due) ? due : null, now });
    throw redirect(`/visits/${id}`);
  }
  if (intent === "followup-done") {
    const followupId = optionalId(form!.get("followup"));
    if (followupId) await completeFollowup(host.db, { visitId: visit.id, followupId, now });
    throw redirect(`/visits/${id}`);
  }
  throw new Response("Bad Request", { status: 400 });
}

export default function VisitPage() {
  const { visit: v, people, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const done = params.get("done");
  const dt = (iso: string | null) => (iso ? formatDateTime(iso, locale, { time: true }) : t("common.none"));
  return (
    <>
      <PageHeader
        title={t("visits.detail.title", { id: v.id, company: v.company })}
        subtitle={
          <>
            {t(`visits.type.${v.type}`)} · <span className={`badge badge-${v.status}`}>{t(`visits.status.${v.status}`)}</span>
          </>
        }
        actions={
          <>
            {canWrite && v.status !== "cancelled" ? (
              <Link className="button primary" to={`/visits/${v.id}/edit`}>
                {t("visits.detail.edit")}
              </Link>
            ) : null}
            <Link className="button" to={`/visits/customers/${v.customer_id}`}>
              {t("visits.detail.history")}
            </Link>
            <Link className="button" to="/visits">
              {t("common.back")}
            </Link>
          </>
        }
      />
      {done === "saved" ? <Notice tone="success">{t("visits.detail.saved")}</Notice> : null}
      {done === "cancelled" ? <Notice tone="success">{t("visits.detail.cancelled")}</Notice> : null}
      {result && "error" in result ? <Notice tone="error">{result.error}</Notice> : null}
      <dl className="meta-list card" data-testid="visit-meta">
        <dt>{t("visits.field.customer")}</dt>
        <dd>
          <Link to={`/visits/customers/${v.customer_id}`}>{v.company}</Link>
        </dd>
        <dt>{t("visits.field.owner")}</dt>
        <dd>{v.owner_name}</dd>
        <dt>{t("visits.field.visitors")}</dt>
        <dd>{v.visitors.map((p) => p.name).join(", ")}</dd>
        <dt>{t("visits.field.plannedAt")}</dt>
        <dd>{dt(v.planned_at)}</dd>
        {v.source_call_id ? (
          <>
            <dt>{t("visits.field.sourceCall")}</dt>
            <dd>
              <Link to={`/visits/calls/${v.source_call_id}`}>#{v.source_call_id}</Link>
            </dd>
          </>
        ) : null}
        {v.equipment.length ? (
          <>
            <dt>{t("visits.field.equipment")}</dt>
            <dd>{v.equipment.map((e) => `${e.model} · ${e.serial_number}`).join("; ")}</dd>
          </>
        ) : null}
        {v.status === "done" ? (
          <>
            <dt>{t("visits.field.startedAt")}</dt>
            <dd>{dt(v.started_at)}</dd>
            <dt>{t("visits.field.endedAt")}</dt>
            <dd>{dt(v.ended_at)}</dd>
            {(
              [
                ["summary", v.summary],
                ["findings", v.findings],
                ["requests", v.requests],
                ["partsReplaced", v.parts_replaced],
              ] as const
            ).map(([k, val]) =>
              val ? (
                <div key={k} style={{ display: "contents" }}>
                  <dt>{t(`visits.field.${k}`)}</dt>
                  <dd style={{ whiteSpace: "pre-wrap" }}>{val}</dd>
                </div>
              ) : null,
            )}
          </>
        ) : null}
        {v.status === "cancelled" ? (
          <>
            <dt>{t("visits.field.cancelReason")}</dt>
            <dd>{v.cancel_reason}</dd>
          </>
        ) : null}
      </dl>
      {v.checklist.length ? (
        <section className="card">
          <h2>{t("visits.detail.checklist")}</h2>
          <ul>
            {v.checklist.map((c, i) => (
              <li key={i}>
                {c.checked === true ? "✓" : c.checked === false ? "✗" : "–"} {c.label}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" data-testid="followups">
        <h2>{t("visits.form.followups")}</h2>
        {v.followups.length === 0 ? (
          <p className="muted">{t("visits.followup.none")}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t("visits.followup.action")}</th>
                  <th>{t("visits.followup.owner")}</th>
                  <th>{t("visits.followup.due")}</th>
                  <th>{t("common.status")}</th>
                </tr>
              </thead>
              <tbody>
                {v.followups.map((f) => (
                  <tr key={f.id}>
                    <td>{f.action}</td>
                    <td>{f.owner_name ?? t("common.none")}</td>
                    <td>{f.due_date ?? t("common.none")}</td>
                    <td>
                      {f.done_at ? (
                        <span className="badge badge-done">{t("visits.followup.done")}</span>
                      ) : canWrite ? (
                        <Form method="post" className="inline-form">
                          <CsrfField />
                          <input type="hidden" name="intent" value="followup-done" />
                          <input type="hidden" name="followup" value={f.id} />
                          <button type="submit">{t("visits.followup.markDone")}</button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canWrite && v.status !== "cancelled" ? (
          <Form method="post" className="form-row" style={{ marginTop: "0.75rem", alignItems: "end" }}>
            <CsrfField />
            <input type="hidden" name="intent" value="followup-add" />
            <label>
              {t("visits.followup.action")}
              <input name="action" required maxLength={500} />
            </label>
            <label>
              {t("visits.followup.owner")}
              <select name="owner" defaultValue="">
                <option value="">{t("common.none")}</option>
                {people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("visits.followup.due")}
              <input type="date" name="due" />
            </label>
            <div>
              <button type="submit">{t("visits.followup.add")}</button>
            </div>
          </Form>
        ) : null}
      </section>
      {canWrite && v.status === "planned" ? (
        <Form method="post" className="card stack danger-zone" data-testid="cancel-visit">
          <CsrfField />
          <input type="hidden" name="intent" value="cancel" />
          <label>
            {t("visits.field.cancelReason")}
            <input name="reason" required maxLength={1000} />
          </label>
          <div>
            <button type="submit" className="danger-outline">
              {t("visits.detail.cancelConfirm")}
            </button>
          </div>
        </Form>
      ) : null}
    </>
  );
}
