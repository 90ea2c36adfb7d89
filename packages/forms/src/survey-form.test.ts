// Server rendering of <SurveyForm>: only the placeholder, in the reader's language; the survey
// itself is loaded in the browser after hydration (STACK.md gotcha 7).
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SurveyForm } from "./survey-form";
import type { SurveyJson } from "./types";

const json: SurveyJson = { elements: [{ type: "rating", name: "speed", title: "Speed question title" }] };
const render = (locale: "en" | "zh-CN"): string =>
  renderToString(createElement(SurveyForm, { json, locale, onSubmit: async () => undefined }));

describe("SurveyForm on the server", () => {
  it.each([
    ["en", "Loading form…"],
    ["zh-CN", "正在加载表单…"],
  ] as const)("renders a busy placeholder saying %s's loading text", (locale, text) => {
    const html = render(locale);
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain(text);
  });

  it("renders no survey markup and no ready flag before hydration", () => {
    const html = render("en");
    expect(html).not.toContain("Speed question title");
    expect(html).not.toContain("data-form-ready");
  });
});
