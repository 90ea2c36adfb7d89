import type { Locale } from "./types";

/** The few texts the form component shows itself (SurveyJS translates its own). */
export interface SurveyFormText {
  readonly loading: string;
  readonly submitting: string;
  readonly submitFailed: string;
  readonly loadFailed: string;
}

const TEXT: Readonly<Record<Locale, SurveyFormText>> = {
  en: {
    loading: "Loading form…",
    submitting: "Submitting…",
    submitFailed: "The form could not be sent. Check your connection and try again; your answers are kept.",
    loadFailed: "The form could not be loaded. Please reload the page.",
  },
  "zh-CN": {
    loading: "正在加载表单…",
    submitting: "正在提交…",
    submitFailed: "表单提交失败，请检查网络后重试；您填写的内容已保留。",
    loadFailed: "表单加载失败，请刷新页面。",
  },
};

/** `surveyFormText("zh-CN").loading` → "正在加载表单…" */
export function surveyFormText(locale: Locale): SurveyFormText {
  return TEXT[locale] ?? TEXT.en;
}
