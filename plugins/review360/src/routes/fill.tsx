import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { PageHeader } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { openStaffReview, saveDraft, submitReview } from "../response/review-session.server";
import { ReviewForm } from "../components/ReviewForm";

function assignmentId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** A staff member fills one review; only their own, open assignment opens (404 otherwise). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.reviews.fill");
  const db = host.db as unknown as Kysely<Review360Tables>;
  const id = assignmentId(params.aid);
  const session = await openStaffReview(db, id, viewer.id);
  if (!session) {
    // The rater's own review, already submitted: say so instead of a bare 404.
    const own = await db.selectFrom("review360_assignment").select("status").where("id", "=", id).where("rater_user_id", "=", viewer.id).executeTakeFirst();
    if (own?.status === "submitted") return data({ done: true as const }, { headers: { "Cache-Control": "no-store" } });
    throw new Response("Not Found", { status: 404 });
  }
  return data(
    {
      done: false as const, revieweeName: session.revieweeName, group: session.group, cycleName: session.cycleName, dueDate: session.dueDate, survey: session.survey, draft: session.draft },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** Saving a draft or submitting keeps the form on screen (a reload after submitting would find the form closed). */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, currentUrl, defaultShouldRevalidate }) =>
  formAction === currentUrl.pathname ? false : defaultShouldRevalidate;

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.reviews.fill");
  const session = await openStaffReview(host.db as unknown as Kysely<Review360Tables>, assignmentId(params.aid), viewer.id);
  if (!session) {
    // A late draft save after submitting (or after the cycle closed) is simply not kept.
    if (form.get("intent") === "progress") return data({ saved: false });
    throw new Response("Not Found", { status: 404 });
  }
  let answers: unknown;
  try {
    answers = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    answers = null;
  }
  const intent = form.get("intent");
  if (intent === "progress") return data({ saved: await saveDraft(host.ctx, session, answers) });
  if (intent === "submit") {
    const outcome = await submitReview(host.ctx, session, answers, resolveLocale(request, viewer));
    if (!outcome.ok) return data({ errors: outcome.errors }, { status: 400 });
    return data({ ok: true });
  }
  return data({ errors: [{ name: "", message: "Bad request" }] }, { status: 400 });
}

export default function FillReview() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const thanks = useMemo(
    () => `<div class="survey-thanks" data-testid="review-thanks"><h3>${t("review360.fill.thanks")}</h3><p><a href="/review360">${t("review360.fill.backToList")}</a></p></div>`,
    [t],
  );
  if (d.done) {
    return (
      <div className="card survey-thanks" data-testid="review-submitted">
        <h3>{t("review360.fill.alreadySubmitted")}</h3>
        <p>
          <Link to="/review360">{t("review360.fill.backToList")}</Link>
        </p>
      </div>
    );
  }
  return (
    <>
      <PageHeader
        title={d.group === "self" ? t("review360.fill.selfTitle") : t("review360.fill.title", { name: d.revieweeName })}
        subtitle={`${d.cycleName} · ${t(`review360.group.${d.group}`)} · ${t("review360.todo.due", { date: formatDateTime(`${d.dueDate}T00:00:00.000Z`, locale) })}`}
        actions={
          <Link className="button" to="/review360">
            {t("common.back")}
          </Link>
        }
      />
      <ReviewForm survey={d.survey} draft={d.draft} thanksHtml={thanks} />
    </>
  );
}
