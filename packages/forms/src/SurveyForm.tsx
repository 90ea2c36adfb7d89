import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import type { SubmitHandler } from "./survey-submit";
import { surveyFormText } from "./survey-form-text";
import type { Locale, SurveyData, SurveyJson } from "./types";

export interface SurveyFormProps {
  /** The form; the same JSON the server validates against. Keep its identity stable across renders. */
  readonly json: SurveyJson;
  /** Answers to start from (read when the form is created). */
  readonly data?: Readonly<SurveyData>;
  readonly locale: Locale;
  readonly readOnly?: boolean;
  /**
   * Sends the answers. Resolve with `{ name, message }[]` to keep the form open with each message on
   * its question (what was typed stays); resolve with nothing to show the completed page.
   */
  readonly onSubmit: SubmitHandler;
  readonly onValueChanged?: (data: SurveyData) => void;
  /** HTML shown after a successful submission (overrides the JSON's `completedHtml`). */
  readonly completedHtml?: string;
}

// Loaded only in the browser after hydration: survey-core, survey-react-ui and their CSS end up
// in their own chunk, not in the route's.
const SurveyFormClient = lazy(() => import("./SurveyFormClient").then((module) => ({ default: module.SurveyFormClient })));

/**
 * A SurveyJS form, rendered client-only: the server (and the first client render) output a light
 * placeholder; after hydration the survey loads lazily. Its wrapper gets `data-form-ready="1"`
 * once the survey is on screen, and `aria-busy` while a submission is in flight.
 *
 * @example
 * <SurveyForm json={template.json} locale={locale} onSubmit={async (data) => {
 *   const response = await fetch(url, { method: "POST", body: JSON.stringify(data) });
 *   if (response.status === 400) return (await response.json()).errors;
 * }} />
 */
export function SurveyForm(props: SurveyFormProps): JSX.Element {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const placeholder = <SurveyFormPlaceholder locale={props.locale} />;
  if (!hydrated) return placeholder;
  return (
    <SurveyLoadBoundary locale={props.locale}>
      <Suspense fallback={placeholder}>
        <SurveyFormClient {...props} />
      </Suspense>
    </SurveyLoadBoundary>
  );
}

/** What stands in for the form until it has loaded. */
export function SurveyFormPlaceholder(props: { readonly locale: Locale }): JSX.Element {
  return (
    <div className="aftercare-survey-placeholder" aria-busy="true" aria-live="polite">
      {surveyFormText(props.locale).loading}
    </div>
  );
}

/** Shows a message instead of a blank page when the form's chunk cannot be loaded (offline). */
class SurveyLoadBoundary extends Component<{ locale: Locale; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    if (this.state.failed) {
      return (
        <div className="aftercare-survey-error" role="alert">
          {surveyFormText(this.props.locale).loadFailed}
        </div>
      );
    }
    return this.props.children;
  }
}
