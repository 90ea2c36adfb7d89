import type { Locale, LocalizableString } from "./types";

/** SurveyJS locale codes for our interface languages. */
export type SurveyLocaleCode = "en" | "zh-cn";

/**
 * Maps an interface locale to the SurveyJS locale code (`survey.locale = surveyLocale(locale)`).
 *
 * @example
 * surveyLocale("zh-CN") // "zh-cn"
 */
export function surveyLocale(locale: Locale): SurveyLocaleCode {
  return locale === "zh-CN" ? "zh-cn" : "en";
}

/**
 * Picks the text of a localizable string for `locale`, falling back to `default`, then `en`,
 * then the first non-empty text; `""` when there is none.
 *
 * @example
 * localText({ en: "Speed", "zh-cn": "速度" }, "zh-CN") // "速度"
 * localText({ default: "Speed" }, "zh-CN")              // "Speed"
 */
export function localText(value: LocalizableString | null | undefined, locale: Locale): string {
  if (typeof value === "string") return value;
  if (!value || typeof value !== "object") return "";
  const texts = value as Readonly<Record<string, unknown>>;
  for (const key of [surveyLocale(locale), "default", "en"]) {
    const text = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : undefined;
    if (typeof text === "string" && text !== "") return text;
  }
  for (const key of Object.keys(texts)) {
    const text = texts[key];
    if (typeof text === "string" && text !== "") return text;
  }
  return "";
}
