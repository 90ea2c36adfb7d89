import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatNumber } from "@aftercare/i18n";
import { RATER_GROUPS } from "@aftercare/scoring";
import { ConfirmButton, EmptyState, Notice, PageHeader, StatCard } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { closeCycle, cycleCompletion, deleteCycle, getCycle, minimumWarnings, openCycle } from "../cycle/cycles.server";
import { teamHeatmap } from "../report/report.server";
import { releaseReport } from "../report/release.server";
import { pick } from "../definition/competencies";
import { Heatmap } from "../components/Heatmap";
import "../review360.css";

type Db = Kysely<Review360Tables>;

function cycleId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** A cycle: settings, reviewees who cannot reach a minimum, completion per reviewee and group, the team heatmap once closed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.cycles.manage");
  const db = host.db as unknown as Db;
  const locale = resolveLocale(request, viewer);
  const cycle = await getCycle(db, cycleId(params.id));
  if (!cycle) throw new Response("Not Found", { status: 404 });
  const sup = Number(new URL(request.url).searchParams.get("sup") ?? "");
  const supervisorId = Number.isSafeInteger(sup) && sup > 0 ? sup : null;
  const completion = await cycleCompletion(db, cycle.id);
  const supervisorIds = [...new Set((await db.selectFrom("review360_reviewee").select("supervisor_id").where("cycle_id", "=", cycle.id).execute()).map((r) => r.supervisor_id).filter((x): x is number => x !== null))];
  const supervisors = supervisorIds.length ? await db.selectFrom("users").select(["id", "name"]).where("id", "in", supervisorIds).orderBy("name").execute() : [];
  return {
    cycle: {
      id: cycle.id,
      name: cycle.name,
      period: cycle.period,
      status: cycle.status,
      dueDate: cycle.dueDate,
      weights: cycle.weights,
      minRaters: cycle.minRaters,
      peerMin: cycle.peerMin,
      peerMax: cycle.peerMax,
      reminderAfterDays: cycle.reminderAfterDays,
      reminderMax: cycle.reminderMax,
      openedAt: cycle.openedAt,
      closedAt: cycle.closedAt,
    },
    competencies: cycle.definition.competencies.map((c) => ({ id: c.id, title: pick(c.title, locale), items: c.items.map((i) => pick(i.text, locale)) })),
    scale: cycle.definition.scale.map((a) => `${a.value} · ${pick(a.label, locale)}`),
    warnings: cycle.status === "closed" ? [] : await minimumWarnings(db, cycle),
    completion,
    heatmap: cycle.status === "closed" ? await teamHeatmap(db, cycle.id, supervisorId) : null,
    supervisors,
    supervisorId,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.cycles.manage");
  const db = host.db as unknown as Db;
  const id = cycleId(params.id);
  const intent = form.get("intent");
  const target = `review360_cycle:${id}`;
  if (intent === "open") {
    if (await openCycle(host.ctx, id)) {
      await host.ctx.audit(db, { actorId: viewer.id, action: "review360.cycle.open", target });
      host.kickMail();
    }
    throw redirect(`/review360/cycles/${id}?done=opened`);
  }
  if (intent === "delete") {
    const change = await deleteCycle(host.ctx, id, viewer.id);
    if (change.ok) throw redirect("/review360/cycles?done=deleted");
    if (change.problem === "not-found") throw new Response("Not Found", { status: 404 });
    throw redirect(`/review360/cycles/${id}?problem=not-draft`);
  }
  if (intent === "close") {
    if (await closeCycle(db, id, host.ctx.clock().toISOString())) await host.ctx.audit(db, { actorId: viewer.id, action: "review360.cycle.close", target });
    throw redirect(`/review360/cycles/${id}?done=closed`);
  }
  if (intent === "release") {
    const revieweeId = Number(form.get("reviewee"));
    const owner = await db.selectFrom("review360_reviewee").select("cycle_id").where("id", "=", Number.isSafeInteger(revieweeId) ? revieweeId : 0).executeTakeFirst();
    if (!owner || owner.cycle_id !== id) throw new Response("Not Found", { status: 404 });
    if (await releaseReport(host.ctx, revieweeId, viewer.id)) host.kickMail();
    throw redirect(`/review360/cycles/${id}?done=released`);
  }
  throw new Response("Bad Request", { status: 400 });
}

export default function CyclePage() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const c = d.cycle;
  const done = params.get("done");
  const problem = params.get("problem");
  const groups = RATER_GROUPS;
  const totals = d.completion.reduce(
    (acc, r) => {
      for (const g of Object.values(r.groups)) {
        acc.assigned += g?.assigned ?? 0;
        acc.submitted += g?.submitted ?? 0;
      }
      return acc;
    },
    { assigned: 0, submitted: 0 },
  );
  return (
    <>
      <PageHeader
        title={c.name}
        subtitle={`${c.period} · ${t(`review360.status.${c.status}`)}`}
        actions={
          <>
            {c.status === "closed" ? (
              <a className="button" href={`/review360/cycles/${c.id}/export`} download>
                {t("common.export")}
              </a>
            ) : null}
            <Link className="button" to="/review360/cycles">
              {t("common.back")}
            </Link>
          </>
        }
      />
      {done ? <Notice tone="success">{t(`review360.cycle.done.${done}`)}</Notice> : null}
      {problem === "not-draft" ? <Notice tone="error">{t("review360.cycle.notDraft")}</Notice> : null}
      <dl className="meta-list card">
        <dt>{t("review360.cycle.dueDate")}</dt>
        <dd>{formatDateTime(`${c.dueDate}T00:00:00.000Z`, locale)}</dd>
        <dt>{t("review360.cycle.weights")}</dt>
        <dd>{groups.map((g) => `${t(`review360.group.${g}`)} ${formatNumber(c.weights[g], locale, 2)}`).join(" · ")}</dd>
        <dt>{t("review360.cycle.minimums")}</dt>
        <dd>{groups.filter((g) => g !== "self").map((g) => `${t(`review360.group.${g}`)} ${c.minRaters[g]}`).join(" · ")}</dd>
        <dt>{t("review360.cycleForm.nomination")}</dt>
        <dd>{t("review360.nomination.limits", { min: c.peerMin, max: c.peerMax })}</dd>
        <dt>{t("review360.cycleForm.reminders")}</dt>
        <dd>{t("review360.cycle.reminderRule", { days: c.reminderAfterDays, max: c.reminderMax })}</dd>
      </dl>
      <section className="card r360-definition-view" data-testid="cycle-definition">
        <h2>{t("review360.cycleForm.competencies")}</h2>
        <p className="muted small">{c.status === "draft" ? t("review360.definition.draftHint") : t("review360.definition.frozen")}</p>
        {d.competencies.map((x) => (
          <div key={x.id}>
            <h3>{x.title}</h3>
            <ol className="small">
              {x.items.map((i, n) => (
                <li key={n}>{i}</li>
              ))}
            </ol>
          </div>
        ))}
        <p className="small">
          <strong>{t("review360.cycleForm.scale")}:</strong> {d.scale.join(" / ")}
        </p>
        {c.status === "draft" ? (
          <Link className="button" to={`/review360/cycles/${c.id}/definition`} data-testid="edit-definition">
            {t("review360.definition.edit")}
          </Link>
        ) : null}
      </section>
      {c.status === "draft" ? (
        <section className="card" data-testid="draft-actions">
          <p>{t("review360.cycle.openHint", { n: d.completion.length })}</p>
          <div className="toolbar">
            <ConfirmButton intent="open" tone="primary" label={t("review360.cycle.open")} confirm={t("review360.cycle.openConfirm", { n: d.completion.length })} />
            <Link className="button" to={`/review360/cycles/${c.id}/edit`} data-testid="edit-cycle">
              {t("review360.cycle.edit")}
            </Link>
            <ConfirmButton intent="delete" tone="danger" label={t("review360.cycle.delete")} confirm={t("review360.cycle.deleteConfirm", { name: c.name })} />
          </div>
          {d.completion.length ? (
            <p className="small muted">
              {t("review360.cycle.reviewees")}: {d.completion.map((r) => r.name).join("、")}
            </p>
          ) : null}
        </section>
      ) : null}
      {d.warnings.length > 0 ? (
        <section className="card" data-testid="minimum-warnings">
          <h2>{t("review360.warnings.title")}</h2>
          <Notice tone="warning">{t("review360.warnings.intro")}</Notice>
          <ul className="widget-list">
            {d.warnings.map((w) => (
              <li key={`${w.revieweeId}-${w.group}`}>
                {c.status === "open" ? <Link to={`/review360/reviewees/${w.revieweeId}`}>{w.name}</Link> : w.name}: {t("review360.warnings.item", { group: t(`review360.group.${w.group}`), have: w.have, need: w.need })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {c.status !== "draft" ? (
        <section data-testid="completion">
          <h2>{t("review360.cycle.completion")}</h2>
          <div className="stats">
            <StatCard label={t("review360.cycle.reviewees")} value={String(d.completion.length)} />
            <StatCard label={t("review360.cycle.submitted")} value={`${totals.submitted}/${totals.assigned}`} tone={totals.assigned && totals.submitted === totals.assigned ? "good" : "neutral"} />
          </div>
          {c.status === "open" ? <ConfirmButton intent="close" tone="danger" label={t("review360.cycle.close")} confirm={t("review360.cycle.closeConfirm")} /> : null}
          <div className="table-wrap">
            <table className="table" data-testid="completion-table">
              <thead>
                <tr>
                  <th>{t("review360.todo.reviewee")}</th>
                  <th>{t("review360.nomination.title")}</th>
                  {groups.map((g) => (
                    <th key={g} className="num">
                      {t(`review360.group.${g}`)}
                    </th>
                  ))}
                  <th>{t("common.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {d.completion.map((r) => (
                  <tr key={r.revieweeId}>
                    <td data-label={t("review360.todo.reviewee")}>
                      <Link to={`/review360/reviewees/${r.revieweeId}`}>{r.name}</Link>
                    </td>
                    <td>{t(`review360.nomination.status.${r.nominationStatus}`)}</td>
                    {groups.map((g) => {
                      const x = r.groups[g];
                      return (
                        <td key={g} className={`num${x && x.submitted < c.minRaters[g] ? " below-min" : ""}`} data-label={t(`review360.group.${g}`)}>
                          {x ? `${x.submitted}/${x.assigned}` : t("common.none")}
                        </td>
                      );
                    })}
                    <td>
                      {c.status === "closed" ? (
                        <>
                          <Link to={`/review360/reports/${r.revieweeId}`}>{t("review360.report.open")}</Link>{" "}
                          {r.releasedAt ? (
                            <span className="badge badge-closed">{t("review360.report.released")}</span>
                          ) : (
                            <ConfirmButton intent="release" label={t("review360.report.release")} confirm={t("review360.report.releaseConfirm", { name: r.name })} fields={{ reviewee: String(r.revieweeId) }} />
                          )}
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {d.heatmap ? (
        <section className="card" data-testid="team-heatmap">
          <h2>{t("review360.team.title")}</h2>
          <Form method="get" className="toolbar">
            <label>
              {t("field.supervisor")}{" "}
              <select name="sup" defaultValue={d.supervisorId ?? ""}>
                <option value="">{t("common.all")}</option>
                {d.supervisors.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">{t("review360.team.filter")}</button>
          </Form>
          {d.heatmap.length === 0 ? <EmptyState>{t("review360.team.empty")}</EmptyState> : <Heatmap rows={d.heatmap} competencies={d.competencies} />}
          <p className="muted small">{t("review360.team.hint")}</p>
        </section>
      ) : null}
    </>
  );
}
