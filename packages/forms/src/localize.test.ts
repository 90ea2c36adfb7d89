import { describe, expect, it } from "vitest";
import { localText, surveyLocale } from "./localize";

describe("surveyLocale", () => {
  it.each([
    ["zh-CN", "zh-cn"],
    ["en", "en"],
  ] as const)("maps %s to the SurveyJS code %s", (locale, code) => {
    expect(surveyLocale(locale)).toBe(code);
  });
});

describe("localText", () => {
  it.each([
    ["a plain string in any locale", "Speed", "zh-CN", "Speed"],
    ["the locale's own text", { default: "D", en: "Speed", "zh-cn": "速度" }, "zh-CN", "速度"],
    ["the English text for en", { default: "D", en: "Speed", "zh-cn": "速度" }, "en", "Speed"],
    ["default before en when the locale is missing", { default: "D", en: "Speed" }, "zh-CN", "D"],
    ["en when the locale and default are missing", { en: "Speed" }, "zh-CN", "Speed"],
    ["the first text when nothing else matches", { fr: "Vitesse", de: "Tempo" } as never, "zh-CN", "Vitesse"],
    ["a fallback when the locale's text is empty", { "zh-cn": "", en: "Speed" }, "zh-CN", "Speed"],
    ["an empty string for undefined", undefined, "en", ""],
    ["an empty string for an empty object", {}, "en", ""],
  ] as const)("gives %s", (_, value, locale, text) => {
    expect(localText(value, locale)).toBe(text);
  });
});
