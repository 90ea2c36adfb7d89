// Browser-only half of <SurveyForm>: loaded with React.lazy after hydration, so survey-core,
// survey-react-ui and the stylesheet below land in their own chunk.
import { useEffect, useMemo, useRef, useState } from "react";
import { Model } from "survey-core";
import "survey-core/i18n/simplified-chinese";
import "survey-core/survey-core.fontless.min.css";
import { Survey } from "survey-react-ui";
import { surveyLocale } from "./localize";
import type { SurveyFormProps } from "./SurveyForm";
import { surveyFormText } from "./survey-form-text";
import { bindSubmit } from "./survey-submit";
import type { SurveyData, SurveyJson } from "./types";
import { DEFAULT_COMMENT_MAX_LENGTH, DEFAULT_TEXT_MAX_LENGTH } from "./validate";

function createModel(json: SurveyJson, data: Readonly<SurveyData> | undefined, props: SurveyFormProps): Model {
  const model = new Model(json);
  // The browser enforces the same default lengths as the server (validate.ts).
  if (json.maxTextLength === undefined) model.maxTextLength = DEFAULT_TEXT_MAX_LENGTH;
  if (json.maxCommentLength === undefined) model.maxCommentLength = DEFAULT_COMMENT_MAX_LENGTH;
  model.locale = surveyLocale(props.locale);
  model.readOnly = props.readOnly === true;
  if (props.completedHtml !== undefined) model.completedHtml = props.completedHtml;
  if (data) model.data = { ...data };
  return model;
}

export function SurveyFormClient(props: SurveyFormProps): JSX.Element {
  const { json, locale, readOnly, completedHtml } = props;
  // Callbacks and initial data are read through refs: new function identities on every parent
  // render must not rebuild the survey (and lose what was typed).
  const latest = useRef(props);
  latest.current = props;
  // Keyed by the JSON's content, not its identity: loaders re-run after an action (a refused save
  // among them) hand over an equal but new object, and rebuilding would drop what was typed.
  const jsonKey = useMemo(() => JSON.stringify(json), [json]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const survey = useMemo(() => createModel(json, latest.current.data, latest.current), [jsonKey]);
  const [busy, setBusy] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    survey.locale = surveyLocale(locale);
  }, [survey, locale]);
  useEffect(() => {
    survey.readOnly = readOnly === true;
  }, [survey, readOnly]);
  useEffect(() => {
    if (completedHtml !== undefined) survey.completedHtml = completedHtml;
  }, [survey, completedHtml]);

  useEffect(
    () =>
      bindSubmit(survey, {
        submit: (data) => latest.current.onSubmit(data),
        onBusyChange: setBusy,
        failureMessage: () => surveyFormText(latest.current.locale).submitFailed,
      }),
    [survey],
  );

  useEffect(() => {
    const handler = (): void => latest.current.onValueChanged?.(survey.data);
    survey.onValueChanged.add(handler);
    return () => survey.onValueChanged.remove(handler);
  }, [survey]);

  // Passive effects run after the <Survey> child has mounted its DOM.
  useEffect(() => setReady(true), [survey]);

  return (
    <div
      className="aftercare-survey"
      data-form-ready={ready ? "1" : undefined}
      data-submitting={busy ? "1" : undefined}
      aria-busy={busy}
    >
      <Survey model={survey} />
      {busy ? (
        <p className="aftercare-survey-status" role="status">
          {surveyFormText(locale).submitting}
        </p>
      ) : null}
    </div>
  );
}
