import type { SurveyJson } from "@aftercare/forms/types";
import type { Bilingual, TemplateDefinition } from "./definition";

/** SurveyJS localizable text: English as default, Simplified Chinese under "zh-cn". */
function loc(text: Bilingual) {
  return { default: text.en, en: text.en, "zh-cn": text["zh-CN"] };
}

const WHY: Bilingual = { en: "Why? (optional)", "zh-CN": "原因或建议（选填）" };
const CLOSING: Bilingual = { en: "Anything else you would like to tell us? (optional)", "zh-CN": "您对我们还有哪些意见和建议？（选填）" };

/** Name of the optional "why" question after an item. */
export function whyQuestion(itemId: string): string {
  return `${itemId}_why`;
}

export const CLOSING_QUESTION = "comments";

/**
 * The SurveyJS model of a generated template: one required rating per item (answer value = the
 * level's value), an optional "why" after each, and a closing free-text question.
 */
export function buildSurveyJson(def: TemplateDefinition): SurveyJson {
  const elements: unknown[] = [];
  for (const item of def.items) {
    elements.push({
      type: "radiogroup",
      name: item.question,
      title: loc(item.title),
      isRequired: true,
      colCount: 0,
      choices: def.scale.map((level) => ({ value: level.value, text: loc(level.label) })),
    });
    if (def.whyComments) {
      // Part of the item above it: not numbered as a question of its own.
      elements.push({ type: "comment", name: whyQuestion(item.id), title: loc(WHY), maxLength: 2000, rows: 2, hideNumber: true });
    }
  }
  elements.push({ type: "comment", name: CLOSING_QUESTION, title: loc(CLOSING), maxLength: 5000, rows: 3 });
  return {
    title: loc(def.title),
    description: loc(def.intro),
    showQuestionNumbers: "on",
    questionErrorLocation: "bottom",
    pages: [{ name: "page1", elements }],
  } as unknown as SurveyJson;
}
