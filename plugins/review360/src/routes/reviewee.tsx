import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { RATER_GROUPS } from "@aftercare/scoring";
import { ConfirmButton, CsrfField, Notice, PageHeader } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { assignCustomers, assignStaff, customerChoices, getReviewee, removeAssignment } from "../raters/assignments.server";
import { getCycle } from "../cycle/cycles.server";
import { releaseReport } from "../report/release.server";
import "../review360.css";

type Db = Kysely<Review360Tables>;

function revieweeId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** A manager's view of one reviewee's raters: completion per rater, direct assignment of staff and customers. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "review360.cycles.manage");
  const db = host.db as unknown as Db;
  const r = await getReviewee(db, revieweeId(params.rid));
  if (!r) throw new Response("Not Found", { status: 404 });
  const cycle = (await getCycle(db, r.cycle_id))!;
  const assignments = await db
    .selectFrom("review360_assignment as a")
    .leftJoin("users as u", "u.id", "a.rater_user_id")
    .leftJoin("customers as c", "c.id", "a.customer_id")
    .select(["a.id", "a.rater_group", "a.status", "a.source", "a.reminders_sent", "u.name", "c.company"])
    .where("a.reviewee_id", "=", r.id)
    .orderBy("a.rater_group")
    .orderBy("a.id")
    .execute();
  const released = await db.selectFrom("review360_reviewee").select("released_at").where("id", "=", r.id).executeTakeFirstOrThrow();
  const staff = await db.selectFrom("users").select(["id", "name"]).where("active", "=", 1).where("role", "!=", "admin").where("id", "!=", r.user_id).orderBy("name").execute();
  return {
    reviewee: { id: r.id, name: r.name, nominationStatus: r.nomination_status, releasedAt: released.released_at },
    cycle: { id: cycle.id, name: cycle.name, status: cycle.status, minRaters: cycle.minRaters },
    assignments: assignments.map((a) => ({ id: a.id, group: a.rater_group, status: a.status, source: a.source, reminders: a.reminders_sent, who: a.name ?? a.company ?? "" })),
    staff,
    customers: cycle.status === "open" ? await customerChoices(db) : [],
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.cycles.manage");
  const db = host.db as unknown as Db;
  const id = revieweeId(params.rid);
  const intent = form.get("intent");
  const now = host.ctx.clock().toISOString();
  const numbers = (name: string) => form.getAll(name).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  let result: { ok: boolean; problem?: string; count?: number };
  if (intent === "assign-staff") {
    const group = form.get("group");
    if (group !== "peers" && group !== "subordinates" && group !== "supervisor") throw new Response("Bad Request", { status: 400 });
    result = await assignStaff(db, id, group, numbers("user"), now);
  } else if (intent === "assign-customers") {
    result = await assignCustomers(host.ctx, id, numbers("customer"));
    if (result.ok) host.kickMail();
  } else if (intent === "remove") {
    result = { ok: await removeAssignment(db, id, Number(form.get("assignment"))), problem: "not-allowed-now" };
  } else if (intent === "release") {
    result = { ok: await releaseReport(host.ctx, id, viewer.id), problem: "not-allowed-now" };
    if (result.ok) host.kickMail();
  } else {
    throw new Response("Bad Request", { status: 400 });
  }
  if (!result.ok) throw redirect(`/review360/reviewees/${id}?problem=${result.problem}`);
  await host.ctx.audit(db, { actorId: viewer.id, action: `review360.raters.${intent}`, target: `review360_reviewee:${id}`, detail: { count: result.count ?? 1 } });
  throw redirect(`/review360/reviewees/${id}?done=${intent}`);
}

export default function RevieweePage() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const [params] = useSearchParams();
  const open = d.cycle.status === "open";
  const problem = params.get("problem");
  const done = params.get("done");
  return (
    <>
      <PageHeader
        title={d.reviewee.name}
        subtitle={`${d.cycle.name} · ${t(`review360.nomination.status.${d.reviewee.nominationStatus}`)}`}
        actions={
          <>
            {d.reviewee.nominationStatus === "submitted" && open ? (
              <Link className="button" to={`/review360/nominations/${d.reviewee.id}`}>
                {t("review360.nomination.decide")}
              </Link>
            ) : null}
            {d.cycle.status === "closed" ? (
              <Link className="button primary" to={`/review360/reports/${d.reviewee.id}`}>
                {t("review360.report.open")}
              </Link>
            ) : null}
            <Link className="button" to={`/review360/cycles/${d.cycle.id}`}>
              {t("common.back")}
            </Link>
          </>
        }
      />
      {problem ? <Notice tone="error">{t(`review360.problem.${problem}`, { min: 0, max: 0 })}</Notice> : null}
      {done ? <Notice tone="success">{t("common.saved")}</Notice> : null}
      {d.cycle.status === "closed" ? (
        <section className="card">
          {d.reviewee.releasedAt ? (
            <span className="badge badge-closed">{t("review360.report.released")}</span>
          ) : (
            <ConfirmButton intent="release" tone="primary" label={t("review360.report.release")} confirm={t("review360.report.releaseConfirm", { name: d.reviewee.name })} />
          )}
        </section>
      ) : null}
      <section>
        <h2>{t("review360.raters.title")}</h2>
        <p className="muted small">{t("review360.raters.hint")}</p>
        {RATER_GROUPS.map((g) => {
          const list = d.assignments.filter((a) => a.group === g);
          const submitted = list.filter((a) => a.status === "submitted").length;
          return (
            <div className="card" key={g} data-group={g}>
              <h3>
                {t(`review360.group.${g}`)}{" "}
                <span className={`small ${g !== "self" && submitted < d.cycle.minRaters[g] ? "below-min" : "muted"}`}>
                  {t("review360.raters.count", { submitted, assigned: list.filter((a) => a.status !== "proposed").length, need: d.cycle.minRaters[g] })}
                </span>
              </h3>
              {list.length === 0 ? <p className="muted">{t("review360.raters.none")}</p> : null}
              <ul className="widget-list">
                {list.map((a) => (
                  <li key={a.id}>
                    {a.who} · <span className={`badge badge-${a.status === "submitted" ? "closed" : "open"}`}>{t(`review360.assignment.${a.status}`)}</span>
                    {a.reminders ? <span className="muted small"> · {t("review360.raters.reminders", { n: a.reminders })}</span> : null}
                    {open && a.status !== "submitted" && g !== "self" ? (
                      <ConfirmButton intent="remove" tone="danger" label={t("review360.raters.remove")} confirm={t("review360.raters.removeConfirm", { name: a.who })} fields={{ assignment: String(a.id) }} />
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </section>
      {open ? (
        <div className="two-col">
          <Form method="post" className="card stack" data-testid="assign-staff">
            <h3>{t("review360.raters.assignStaff")}</h3>
            <CsrfField />
            <input type="hidden" name="intent" value="assign-staff" />
            <label>
              {t("review360.raters.group")}
              <select name="group" defaultValue="peers">
                {(["peers", "subordinates", "supervisor"] as const).map((g) => (
                  <option key={g} value={g}>
                    {t(`review360.group.${g}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("review360.raters.people")}
              <select name="user" multiple size={8}>
                {d.staff.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary">
              {t("review360.raters.assign")}
            </button>
          </Form>
          <Form method="post" className="card stack" data-testid="assign-customers">
            <h3>{t("review360.raters.assignCustomers")}</h3>
            <p className="muted small">{t("review360.raters.customersHint")}</p>
            <CsrfField />
            <input type="hidden" name="intent" value="assign-customers" />
            <label>
              {t("field.customer")}
              <select name="customer" multiple size={8}>
                {d.customers.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.company}
                    {c.contact_name ? ` (${c.contact_name})` : ""}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary">
              {t("review360.raters.invite")}
            </button>
          </Form>
        </div>
      ) : null}
    </>
  );
}
