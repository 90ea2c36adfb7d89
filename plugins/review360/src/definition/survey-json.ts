import type { SurveyJson } from "@aftercare/forms";
import type { Bilingual, CycleDefinition } from "./competencies";

/** Who fills the form: the reviewee about themself, a colleague, or a customer. */
export type Perspective = "self" | "colleague" | "customer";

export const STRENGTHS_QUESTION = "strengths";
export const IMPROVE_QUESTION = "improve";
export const COMMENT_MAX_LENGTH = 2000;
/**
 * The answer of a customer who cannot judge a statement ("not observed / 无法评价"): stored as no
 * score at all, so it never counts in a mean, while the customer still counts as having answered.
 */
export const NOT_OBSERVED = "na";
export const NOT_OBSERVED_LABEL: Bilingual = { en: "Not observed", "zh-CN": "无法评价" };

/**
 * SurveyJS localizable text. English must be the default: SurveyJS's own default locale is "en",
 * and for it SurveyJS reads `default` — with Chinese there, English readers got Chinese forms.
 */
function loc(text: Bilingual) {
  return { default: text.en, en: text.en, "zh-cn": text["zh-CN"] };
}

function fill(text: Bilingual, name: string): Bilingual {
  return { en: text.en.replace("{{name}}", name), "zh-CN": text["zh-CN"].replace("{{name}}", name) };
}

const INTRO: Record<Perspective, Bilingual> = {
  self: {
    en: "Rate how often you show each behaviour in your daily work. Your own ratings are shown next to the others' in your report.",
    "zh-CN": "请评价您在日常工作中表现出各项行为的频率。您的自评将在报告中与他人的评价对照显示。",
  },
  colleague: {
    en: "Rate how often {{name}} shows each behaviour. Your answers are stored without your name and only shown as a group average once enough colleagues have answered.",
    "zh-CN": "请评价{{name}}表现出各项行为的频率。您的回答不记录姓名，只有在足够多的人作答后才以群体平均值显示。",
  },
  customer: {
    en: "Thank you for helping us improve our service. Rate how often {{name}} shows each behaviour when serving you; choose “Not observed” for a statement you cannot judge. Your answers are anonymous and combined with other customers' answers.",
    "zh-CN": "感谢您帮助我们改进服务。请评价{{name}}在为您服务时表现出各项行为的频率；无法判断的项目请选择“无法评价”。您的回答是匿名的，将与其他客户的回答合并统计。",
  },
};

const STRENGTHS: Record<Perspective, Bilingual> = {
  self: { en: "Your strengths (optional)", "zh-CN": "您的优势（选填）" },
  colleague: { en: "What does {{name}} do well? (optional)", "zh-CN": "{{name}}做得好的方面（选填）" },
  customer: { en: "What does {{name}} do well? (optional)", "zh-CN": "{{name}}做得好的方面（选填）" },
};
const IMPROVE: Record<Perspective, Bilingual> = {
  self: { en: "What would you like to improve? (optional)", "zh-CN": "您希望改进的方面（选填）" },
  colleague: { en: "What could {{name}} improve? (optional)", "zh-CN": "{{name}}有待改进的方面（选填）" },
  customer: { en: "What could {{name}} improve? (optional)", "zh-CN": "{{name}}有待改进的方面（选填）" },
};
const TITLE: Bilingual = { en: "360-degree review: {{name}}", "zh-CN": "360 度评估：{{name}}" };
const ANONYMOUS_NOTE: Bilingual = {
  en: "Comments are split into sentences and shown in random order, per rater group.",
  "zh-CN": "评语将按句拆分、随机排序，并按评价人类别显示。",
};

/**
 * The SurveyJS model a rater fills for one reviewee: one page per competency with a required
 * rating (labelled anchors of the cycle's scale) per behaviour statement, then the two comment
 * questions. Customers may also answer "not observed" ({@link NOT_OBSERVED}); staff may not.
 * The same JSON is rendered in the browser and validated on the server.
 */
export function buildReviewSurvey(def: CycleDefinition, perspective: Perspective, revieweeName: string): SurveyJson {
  const anchors: { value: number | string; text: ReturnType<typeof loc> }[] = def.scale.map((a) => ({ value: a.value, text: loc({ en: `${a.value} · ${a.label.en}`, "zh-CN": `${a.value} · ${a.label["zh-CN"]}` }) }));
  const rateValues = perspective === "customer" ? [...anchors, { value: NOT_OBSERVED, text: loc(NOT_OBSERVED_LABEL) }] : anchors;
  const pages = def.competencies.map((c) => ({
    name: c.id,
    title: loc(c.title),
    elements: c.items.map((item) => ({
      type: "rating" as const,
      name: item.id,
      title: loc(item.text),
      isRequired: true,
      rateValues,
      displayMode: "buttons" as const,
    })),
  }));
  pages.push({
    name: "comments",
    title: loc({ en: "Comments", "zh-CN": "评语" }),
    elements: [
      { type: "comment", name: STRENGTHS_QUESTION, title: loc(fill(STRENGTHS[perspective], revieweeName)), description: loc(ANONYMOUS_NOTE), maxLength: COMMENT_MAX_LENGTH, rows: 3 },
      { type: "comment", name: IMPROVE_QUESTION, title: loc(fill(IMPROVE[perspective], revieweeName)), maxLength: COMMENT_MAX_LENGTH, rows: 3 },
    ] as never,
  });
  return {
    title: loc(fill(TITLE, revieweeName)),
    description: loc(fill(INTRO[perspective], revieweeName)),
    showQuestionNumbers: "off",
    checkErrorsMode: "onNextPage",
    pages,
  };
}
