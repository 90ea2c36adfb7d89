import { definePlugin } from "@aftercare/plugin-api";

export const visitsPlugin = definePlugin({
  id: "visits",
  packageName: "@aftercare/visits",
  titleKey: "visits.title",
  locales: { en: { "visits.title": "Visits and service calls" }, "zh-CN": { "visits.title": "客户拜访与服务响应" } },
});
