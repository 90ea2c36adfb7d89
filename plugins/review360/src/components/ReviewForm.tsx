import { useFetcher } from "@remix-run/react";
import { useCallback, useMemo, useRef } from "react";
import { SurveyForm } from "@aftercare/forms/survey-form";
import type { SurveyJson } from "@aftercare/forms";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { useRootData, useSurveySubmit } from "@aftercare/ui";

/**
 * A rater's 360 form (SurveyJS, client-only) that saves a draft as they go (`intent=progress`)
 * and submits with `intent=submit`; the route's action answers both.
 */
export function ReviewForm(props: { survey: SurveyJson; draft: Record<string, unknown>; thanksHtml: string }) {
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("submit");
  const progress = useFetcher<{ saved?: boolean }>();
  const { csrf } = useRootData();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const onValueChanged = useCallback(
    (answers: unknown) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => progress.submit({ _csrf: csrf, intent: "progress", payload: JSON.stringify(answers) }, { method: "post" }), 800);
    },
    [progress, csrf],
  );
  const survey = useMemo(() => props.survey, [props.survey]);
  // Submitting cancels a draft save still waiting to go out.
  const onSubmit = useCallback(
    (answers: Parameters<typeof submit>[0]) => {
      clearTimeout(timer.current);
      return submit(answers);
    },
    [submit],
  );
  return (
    <div className="survey-page review360-form">
      <SurveyForm json={survey} data={props.draft} locale={locale} onSubmit={onSubmit} onValueChanged={onValueChanged} completedHtml={props.thanksHtml} />
      <p className="muted small" data-testid="draft-state">
        {progress.data?.saved ? t("review360.fill.draftSaved") : t("review360.fill.draftHint")}
      </p>
    </div>
  );
}
