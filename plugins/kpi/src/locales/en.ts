export const en: Record<string, string> = {
  "kpi.title": "KPI and pay",
};
