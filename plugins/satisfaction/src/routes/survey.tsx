import { type ActionFunctionArgs, data, type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { type ShouldRevalidateFunction, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useCallback, useMemo, useRef } from "react";
import { getHost } from "@aftercare/core/host.server";
import { requirePublicAction, sessionPolicy } from "@aftercare/core/guards.server";
import { LOCALE_COOKIE, localeCookie, resolveLocale } from "@aftercare/core/locale.server";
import { readCookie } from "@aftercare/core/cookies";
import { guardLink } from "@aftercare/core/link-guard.server";
import { withStorage } from "@aftercare/core/storage-errors.server";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { useRootData, useSurveySubmit } from "@aftercare/ui";
import { markOpened, openSurvey, saveProgress, submitResponse } from "../response/survey-session.server";

/** The same page, status and wording for every link that cannot be used. */
function invalid() {
  return data({ invalid: true as const }, { status: 404, headers: { "Cache-Control": "no-store" } });
}

/** The loader's no-store and no-referrer reach the page itself (Remix sends only what `headers` returns). */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const host = await getHost();
  const session = await guardLink(request, host, () => openSurvey(host.ctx, params.token ?? ""));
  if (!session) return invalid();
  // First visit: show the survey in the customer's preferred language (they can switch).
  if (!readCookie(request.headers.get("Cookie"), LOCALE_COOKIE) && resolveLocale(request, null) !== session.invitation.locale) {
    throw redirect(new URL(request.url).pathname, { headers: { "Set-Cookie": localeCookie(session.invitation.locale, sessionPolicy(host).secure), "Cache-Control": "no-store" } });
  }
  await markOpened(host.ctx, session);
  return data(
    {
      invalid: false as const,
      company: session.customer.company,
      survey: session.template.survey,
      progress: session.recipient.progress ?? {},
    },
    { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, form } = await requirePublicAction(request);
  const session = await guardLink(request, host, () => openSurvey(host.ctx, params.token ?? ""));
  if (!session) return invalid();
  let answers: unknown;
  try {
    answers = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    answers = null;
  }
  const intent = form.get("intent");
  if (intent === "progress") {
    return data({ saved: await withStorage(request, () => saveProgress(host.ctx, session, answers)) });
  }
  if (intent === "submit") {
    const outcome = await withStorage(request, () => submitResponse(host.ctx, session, answers, resolveLocale(request, null)));
    if (!outcome.ok) return data({ errors: outcome.errors }, { status: 400 });
    if (outcome.needsFollowUp) host.kickMail();
    return data({ ok: true });
  }
  return data({ errors: [{ name: "", message: "Bad request" }] }, { status: 400 });
}

// Saving progress and submitting never need the page's data again; re-running the loader after
// the submit would find the link used and replace the thank-you page with the invalid-link page.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod && formMethod.toUpperCase() === "POST" ? false : defaultShouldRevalidate;

function LinkInvalid() {
  const { t } = useI18n();
  return (
    <div className="card narrow" data-testid="link-invalid">
      <h1>{t("link.title")}</h1>
      <p>{t("link.body")}</p>
    </div>
  );
}

export default function SurveyPage() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("submit");
  const progress = useFetcher();
  const { csrf } = useRootData();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const onValueChanged = useCallback(
    (answers: unknown) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => progress.submit({ _csrf: csrf, intent: "progress", payload: JSON.stringify(answers) }, { method: "post" }), 800);
    },
    [progress, csrf],
  );
  const completedHtml = useMemo(() => `<div class="survey-thanks" data-testid="survey-thanks"><h3>${t("satisfaction.survey.thanks")}</h3></div>`, [t]);
  // Without JavaScript the form posts as a document: the answer is stored, then thank the customer.
  const posted = useActionData<typeof action>();
  if (posted && "ok" in posted && posted.ok) {
    return (
      <div className="card narrow survey-thanks" data-testid="survey-thanks">
        <h3>{t("satisfaction.survey.thanks")}</h3>
      </div>
    );
  }
  if (d.invalid) return <LinkInvalid />;
  return (
    <div className="survey-page">
      <p className="muted">{t("satisfaction.survey.for", { company: d.company })}</p>
      <SurveyForm json={d.survey} data={d.progress} locale={locale} onSubmit={submit} onValueChanged={onValueChanged} completedHtml={completedHtml} />
      <p className="muted small">{t("satisfaction.survey.saved")}</p>
    </div>
  );
}
