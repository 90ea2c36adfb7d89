/**
 * What a cycle asks: competencies, their behaviour statements and the rating scale, in both
 * interface languages. Stored on the cycle as JSON, so later edits of the defaults never change
 * a running or past cycle.
 */
import type { Locale } from "@aftercare/plugin-api";

export type Bilingual = Readonly<Record<Locale, string>>;

export interface ItemDef {
  /** Unique within the cycle; also the SurveyJS question name. */
  readonly id: string;
  readonly text: Bilingual;
}

export interface CompetencyDef {
  readonly id: string;
  readonly title: Bilingual;
  readonly items: readonly ItemDef[];
}

export interface ScaleAnchor {
  readonly value: number;
  readonly label: Bilingual;
}

export interface CycleDefinition {
  readonly competencies: readonly CompetencyDef[];
  /** Ascending values; the first is the scale's minimum, the last its maximum. */
  readonly scale: readonly ScaleAnchor[];
}

/** The text of a bilingual string in `locale`. */
export function pick(text: Bilingual, locale: Locale): string {
  return text[locale] || text.en;
}

/** DOMAIN.md §3: 沟通技巧, 人际关系, 业务能力 — with behaviour statements for after-sales service work. */
export const DEFAULT_DEFINITION: CycleDefinition = {
  competencies: [
    {
      id: "communication",
      title: { en: "Communication skills", "zh-CN": "沟通技巧" },
      items: [
        { id: "communication_1", text: { en: "Listens to the customer's problem fully and confirms what they need before acting.", "zh-CN": "耐心倾听客户反映的问题，确认需求后再着手处理。" } },
        { id: "communication_2", text: { en: "Explains the fault, the solution and the next steps in words the customer understands.", "zh-CN": "用客户听得懂的语言说明故障原因、处理方案和后续安排。" } },
        { id: "communication_3", text: { en: "Keeps customers and colleagues informed of progress and delays without being chased.", "zh-CN": "主动向客户和同事通报处理进度和延误情况，无需催问。" } },
        { id: "communication_4", text: { en: "Writes complete, accurate and timely service reports and information feedback.", "zh-CN": "服务报告和信息反馈完整、准确、及时。" } },
      ],
    },
    {
      id: "interpersonal",
      title: { en: "Interpersonal relations", "zh-CN": "人际关系" },
      items: [
        { id: "interpersonal_1", text: { en: "Treats customers and colleagues with respect and patience, also under pressure.", "zh-CN": "在压力下也能尊重、耐心地对待客户和同事。" } },
        { id: "interpersonal_2", text: { en: "Works well with sales, quality and parts colleagues to solve the customer's problem.", "zh-CN": "与销售、品管、备件等部门同事密切配合，共同解决客户问题。" } },
        { id: "interpersonal_3", text: { en: "Handles complaints and disagreements calmly and constructively.", "zh-CN": "冷静、建设性地处理客户投诉和意见分歧。" } },
        { id: "interpersonal_4", text: { en: "Shares experience and helps colleagues when they need it.", "zh-CN": "乐于分享经验，在同事需要时主动帮助。" } },
      ],
    },
    {
      id: "business",
      title: { en: "Business ability", "zh-CN": "业务能力" },
      items: [
        { id: "business_1", text: { en: "Diagnoses faults correctly and fixes them the first time.", "zh-CN": "准确判断故障原因，一次修复到位。" } },
        { id: "business_2", text: { en: "Keeps the response commitments: answers within 30 minutes, on site within 24 hours.", "zh-CN": "遵守响应承诺：30 分钟内响应，24 小时内到达现场。" } },
        { id: "business_3", text: { en: "Knows our equipment, parts and service procedures well and keeps learning.", "zh-CN": "熟悉公司设备、备件和服务流程，并持续学习提高。" } },
        { id: "business_4", text: { en: "Follows safety and service rules; maintenance and parts records are complete and true.", "zh-CN": "遵守安全和服务规范，维修保养及备件更换记录完整真实。" } },
      ],
    },
  ],
  scale: [
    { value: 1, label: { en: "Never", "zh-CN": "从不" } },
    { value: 2, label: { en: "Rarely", "zh-CN": "很少" } },
    { value: 3, label: { en: "Sometimes", "zh-CN": "有时" } },
    { value: 4, label: { en: "Often", "zh-CN": "经常" } },
    { value: 5, label: { en: "Always", "zh-CN": "总是" } },
  ],
};

/** Lowest and highest value of the scale. */
export function scaleRange(def: CycleDefinition): { min: number; max: number } {
  const values = def.scale.map((a) => a.value);
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** Every item with its competency, in form order. */
export function allItems(def: CycleDefinition): { competency: string; item: ItemDef }[] {
  return def.competencies.flatMap((c) => c.items.map((item) => ({ competency: c.id, item })));
}

/** Reads a stored definition; throws on a malformed one (it was validated when the cycle was created). */
export function parseDefinition(json: string): CycleDefinition {
  const def = JSON.parse(json) as CycleDefinition;
  if (!Array.isArray(def.competencies) || !Array.isArray(def.scale) || def.scale.length < 2) throw new Error("malformed 360 cycle definition");
  return def;
}
