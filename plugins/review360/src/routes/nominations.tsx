import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import type { Viewer } from "@aftercare/plugin-api";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, Notice, PageHeader } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { decideNomination, getReviewee, nominatePeers, peerCandidates, peerList } from "../raters/assignments.server";
import "../review360.css";

type Db = Kysely<Review360Tables>;

function revieweeId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** The reviewee nominates; their supervisor (or a manager) decides. Anyone else gets 404. */
async function access(db: Db, id: number, viewer: Viewer) {
  const r = await getReviewee(db, id);
  if (!r) throw new Response("Not Found", { status: 404 });
  if (r.user_id === viewer.id) return { r, mode: "nominate" as const };
  if (r.supervisor_id === viewer.id || viewer.permissions.has("review360.cycles.manage")) return { r, mode: "decide" as const };
  throw new Response("Not Found", { status: 404 });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.reviews.fill");
  const db = host.db as unknown as Db;
  const { r, mode } = await access(db, revieweeId(params.rid), viewer);
  const note = await db.selectFrom("review360_reviewee").select("nomination_note").where("id", "=", r.id).executeTakeFirstOrThrow();
  const cycleRow = await db.selectFrom("review360_cycle").select("name").where("id", "=", r.cycle_id).executeTakeFirstOrThrow();
  return {
    mode,
    reviewee: { id: r.id, name: r.name, status: r.nomination_status, note: note.nomination_note, cycleOpen: r.status === "open", peerMin: r.peer_min, peerMax: r.peer_max },
    cycleName: cycleRow.name,
    candidates: await peerCandidates(db, r.id),
    peers: await peerList(db, r.id),
  };
}

function ids(form: FormData): number[] {
  return form.getAll("peer").map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.reviews.fill");
  const db = host.db as unknown as Db;
  const id = revieweeId(params.rid);
  const { mode } = await access(db, id, viewer);
  const intent = form.get("intent");
  let result;
  if (intent === "nominate" && mode === "nominate") result = await nominatePeers(host.ctx, id, ids(form));
  else if (intent === "approve" && mode === "decide") result = await decideNomination(host.ctx, id, { kind: "approve", peerIds: ids(form) });
  else if (intent === "reject" && mode === "decide") result = await decideNomination(host.ctx, id, { kind: "reject", note: String(form.get("note") ?? "") });
  else throw new Response("Bad Request", { status: 400 });
  if (!result.ok) throw redirect(`/review360/nominations/${id}?problem=${result.problem}`);
  host.kickMail();
  await host.ctx.audit(db, { actorId: viewer.id, action: `review360.nomination.${intent}`, target: `review360_reviewee:${id}`, detail: { count: result.count } });
  throw redirect(`/review360/nominations/${id}?done=${intent}`);
}

export default function Nominations() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const [params] = useSearchParams();
  const problem = params.get("problem");
  const done = params.get("done");
  const r = d.reviewee;
  const chosen = new Set(d.peers.map((p) => p.userId));
  const editable = r.cycleOpen && (d.mode === "nominate" ? r.status === "open" || r.status === "returned" : r.status === "submitted");
  const limits = t("review360.nomination.limits", { min: r.peerMin, max: r.peerMax });
  return (
    <>
      <PageHeader
        title={d.mode === "nominate" ? t("review360.nomination.title") : t("review360.nomination.decideTitle", { name: r.name })}
        subtitle={`${d.cycleName} · ${t(`review360.nomination.status.${r.status}`)}`}
        actions={
          <Link className="button" to="/review360">
            {t("common.back")}
          </Link>
        }
      />
      {problem ? <Notice tone="error">{t(`review360.problem.${problem}`, { min: r.peerMin, max: r.peerMax })}</Notice> : null}
      {done ? <Notice tone="success">{t(`review360.nomination.done.${done}`)}</Notice> : null}
      {r.status === "returned" && r.note ? (
        <Notice tone="warning">
          {t("review360.nomination.returnedWith")} {r.note}
        </Notice>
      ) : null}
      <section className="card">
        <p>{d.mode === "nominate" ? t("review360.nomination.intro") : t("review360.nomination.decideIntro", { name: r.name })}</p>
        <p className="muted">{limits}</p>
        {editable ? (
          <Form method="post" data-testid="nomination-form">
            <CsrfField />
            <fieldset className="peer-list">
              <legend>{t("review360.group.peers")}</legend>
              {d.candidates.map((c) => (
                <label key={c.id} className="peer-choice">
                  <input type="checkbox" name="peer" value={c.id} defaultChecked={chosen.has(c.id)} disabled={d.mode === "decide" && d.peers.some((p) => p.userId === c.id && p.status !== "proposed")} />
                  {c.name}
                  {c.sameTeam ? <span className="badge">{t("review360.nomination.sameTeam")}</span> : null}
                </label>
              ))}
            </fieldset>
            {d.mode === "nominate" ? (
              <button type="submit" name="intent" value="nominate" className="primary">
                {t("review360.nomination.submit")}
              </button>
            ) : (
              <div className="toolbar">
                <button type="submit" name="intent" value="approve" className="primary">
                  {t("review360.nomination.approve")}
                </button>
                <label>
                  {t("review360.nomination.note")} <input type="text" name="note" maxLength={1000} />
                </label>
                <button type="submit" name="intent" value="reject" className="danger-outline">
                  {t("review360.nomination.reject")}
                </button>
              </div>
            )}
          </Form>
        ) : (
          <ul className="widget-list" data-testid="peer-list">
            {d.peers.length === 0 ? <li className="muted">{t("review360.nomination.none")}</li> : null}
            {d.peers.map((p) => (
              <li key={p.assignmentId}>
                {/* The reviewee never learns which peers have submitted: only "approved" (open or submitted). */}
                {p.name} <span className="muted">· {t(d.mode === "nominate" && p.status !== "proposed" ? "review360.assignment.approved" : `review360.assignment.${p.status}`)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
