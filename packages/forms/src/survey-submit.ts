/**
 * Connects a survey-core model's completion to an async `onSubmit` that may answer with errors.
 * Only types are imported from survey-core, so this module adds nothing to a bundle by itself.
 *
 * How the form stays open (survey-core 3, `SurveyModel.onCompleting`, an `EventAsync`): the
 * handler returns a Promise, survey-core blocks its navigation buttons until it settles
 * (`isNavigationBlocked`), and `options.allow = false` cancels the completion, leaving the survey
 * "running" with every answer in place. Errors go onto their questions with `question.addError`;
 * errors that match no question (and network failures) are shown with `options.message`, which
 * survey-core displays as an error notification.
 */
import type { CompletingEvent, Question, SurveyModel } from "survey-core";
import type { SurveyData } from "./types";

/** An error the server reports for one question (a `ValidationError` fits). */
export interface FieldError {
  readonly name: string;
  readonly message: string;
}

/** Sends the answers; resolves with errors to keep the form open, or with nothing to complete it. */
export type SubmitHandler = (data: SurveyData) => Promise<readonly FieldError[] | void>;

export interface SubmitBindingProps {
  /** Called at each submission (read late, so a changing callback is fine). */
  readonly submit: SubmitHandler;
  /** `true` while a submission is in flight. */
  readonly onBusyChange?: (busy: boolean) => void;
  /** Message shown when `submit` throws (network down, server error). */
  readonly failureMessage: () => string;
}

/**
 * Makes completing `survey` call `props.submit(answers)`. Returns the function that detaches it.
 *
 * @example
 * useEffect(() => bindSubmit(model, { submit: (d) => onSubmitRef.current(d), failureMessage: () => "…" }), [model]);
 */
export function bindSubmit(survey: SurveyModel, props: SubmitBindingProps): () => void {
  let busy = false;
  const setBusy = (value: boolean): void => {
    busy = value;
    props.onBusyChange?.(value);
  };
  const handler = (_: SurveyModel, options: CompletingEvent): Promise<void> | void => {
    if (busy) {
      // A second completion while the first is in flight: refuse it, the first one decides.
      options.allow = false;
      return;
    }
    setBusy(true);
    return (async () => {
      try {
        const errors = await props.submit(answersToSend(survey));
        if (errors && errors.length > 0) {
          options.allow = false;
          const unmatched = showServerErrors(survey, errors);
          if (unmatched.length > 0) options.message = unmatched.join(" ");
        }
      } catch {
        options.allow = false;
        options.message = props.failureMessage();
      } finally {
        setBusy(false);
      }
    })();
  };
  survey.onCompleting.add(handler);
  return () => survey.onCompleting.remove(handler);
}

/**
 * The answers to send: `survey.data` without the values of questions that are hidden now
 * (survey-core itself only drops them after completion, `clearInvisibleValues: "onComplete"`).
 */
export function answersToSend(survey: SurveyModel): SurveyData {
  const data: SurveyData = { ...survey.data };
  if (survey.clearInvisibleValues === "none") return data;
  for (const question of survey.getAllQuestions()) {
    if (!question.isVisibleInSurvey) delete data[question.getValueName()];
  }
  return data;
}

/**
 * Puts each error on its question (`question.addError(message)`) and moves focus to the first
 * such question once survey-core has settled (switching page if needed). Returns the messages of
 * errors that belong to no question.
 */
export function showServerErrors(survey: SurveyModel, errors: readonly FieldError[]): string[] {
  const unmatched: string[] = [];
  let first: Question | null = null;
  for (const error of errors) {
    const question = error.name ? survey.getQuestionByName(error.name) : null;
    if (question) {
      question.addError(error.message);
      first ??= question;
    } else if (!unmatched.includes(error.message)) {
      unmatched.push(error.message);
    }
  }
  if (first) {
    const target = first;
    // After the onCompleting promise settles and survey-core unblocks its navigation.
    setTimeout(() => target.focus(true), 0);
  }
  return unmatched;
}
