import type { TemplateDefinition } from "./definition";

/**
 * The 顾客满意度调查表 of DOMAIN.md §1: five weighted items, five levels scored 100/80/60/40/20,
 * satisfied at 85, product = {quality, price, packaging}, service = {delivery, service}, w_product 0.8.
 */
export const DEFAULT_TEMPLATE: TemplateDefinition = {
  title: { en: "Customer satisfaction survey", "zh-CN": "顾客满意度调查表" },
  intro: {
    en: "Thank you for choosing our products. Please tell us how satisfied you are, so that we can serve you better. It takes about two minutes.",
    "zh-CN": "感谢您选用我公司的产品。请您对以下各项作出评价，帮助我们改进工作、更好地为您服务。填写约需两分钟。",
  },
  items: [
    { id: "quality", question: "quality", title: { en: "Product quality", "zh-CN": "产品质量" }, weight: 0.3, group: "product" },
    { id: "price", question: "price", title: { en: "Price", "zh-CN": "产品价格" }, weight: 0.15, group: "product" },
    { id: "delivery", question: "delivery", title: { en: "Delivery time", "zh-CN": "产品交货期" }, weight: 0.2, group: "service" },
    { id: "packaging", question: "packaging", title: { en: "Packaging", "zh-CN": "产品包装" }, weight: 0.1, group: "product" },
    { id: "service", question: "service", title: { en: "After-sales service", "zh-CN": "售后服务" }, weight: 0.25, group: "service" },
  ],
  scale: [
    { value: 100, points: 100, label: { en: "Very satisfied", "zh-CN": "非常满意" } },
    { value: 80, points: 80, label: { en: "Satisfied", "zh-CN": "满意" } },
    { value: 60, points: 60, label: { en: "Neutral", "zh-CN": "一般" } },
    { value: 40, points: 40, label: { en: "Dissatisfied", "zh-CN": "不满意" } },
    { value: 20, points: 20, label: { en: "Very dissatisfied", "zh-CN": "非常不满意" } },
  ],
  threshold: 85,
  productWeight: 0.8,
  whyComments: true,
  imported: false,
};
