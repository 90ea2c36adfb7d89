import { type ActionFunctionArgs, data, type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { getHost } from "@aftercare/core/host.server";
import { requirePublicAction, sessionPolicy } from "@aftercare/core/guards.server";
import { LOCALE_COOKIE, localeCookie, resolveLocale } from "@aftercare/core/locale.server";
import { readCookie } from "@aftercare/core/cookies";
import { guardLink } from "@aftercare/core/link-guard.server";
import { withStorage } from "@aftercare/core/storage-errors.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { markOpened, openCustomerReview, saveDraft, submitReview } from "../response/review-session.server";
import { ReviewForm } from "../components/ReviewForm";

/** The same page, status and wording for every link that cannot be used. */
function invalid() {
  return data({ invalid: true as const }, { status: 404, headers: { "Cache-Control": "no-store" } });
}

/** The loader's no-store and no-referrer reach the page itself (Remix sends only what `headers` returns). */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

/** A customer rates a staff member from their personal link, without an account. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const host = await getHost();
  const session = await guardLink(request, host, async () => {
    const opened = await openCustomerReview(host.ctx, params.token ?? "");
    return opened?.invitation ? opened : null;
  });
  if (!session || !session.invitation) return invalid();
  // First visit: show the form in the customer's preferred language (they can switch).
  if (!readCookie(request.headers.get("Cookie"), LOCALE_COOKIE) && resolveLocale(request, null) !== session.invitation.locale) {
    throw redirect(new URL(request.url).pathname, { headers: { "Set-Cookie": localeCookie(session.invitation.locale, sessionPolicy(host).secure), "Cache-Control": "no-store" } });
  }
  await markOpened(host.ctx, session);
  return data(
    { invalid: false as const, revieweeName: session.revieweeName, survey: session.survey, draft: session.draft },
    { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } },
  );
}

/** Saving a draft or submitting keeps the form on screen (a reload after submitting would find the form closed). */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, currentUrl, defaultShouldRevalidate }) =>
  formAction === currentUrl.pathname ? false : defaultShouldRevalidate;

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, form } = await requirePublicAction(request);
  const session = await guardLink(request, host, () => openCustomerReview(host.ctx, params.token ?? ""));
  if (!session) return form.get("intent") === "progress" ? data({ saved: false }) : invalid();
  let answers: unknown;
  try {
    answers = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    answers = null;
  }
  const intent = form.get("intent");
  if (intent === "progress") return data({ saved: await withStorage(request, () => saveDraft(host.ctx, session, answers)) });
  if (intent === "submit") {
    const outcome = await withStorage(request, () => submitReview(host.ctx, session, answers, resolveLocale(request, null)));
    if (!outcome.ok) return data({ errors: outcome.errors }, { status: 400 });
    return data({ ok: true });
  }
  return data({ errors: [{ name: "", message: "Bad request" }] }, { status: 400 });
}

export default function CustomerReview() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const thanks = useMemo(() => `<div class="survey-thanks" data-testid="review-thanks"><h3>${t("review360.external.thanks")}</h3></div>`, [t]);
  if (d.invalid) {
    return (
      <div className="card narrow" data-testid="link-invalid">
        <h1>{t("link.title")}</h1>
        <p>{t("link.body")}</p>
      </div>
    );
  }
  return (
    <>
      <p className="muted">{t("review360.external.for", { name: d.revieweeName })}</p>
      <ReviewForm survey={d.survey} draft={d.draft} thanksHtml={thanks} />
    </>
  );
}
