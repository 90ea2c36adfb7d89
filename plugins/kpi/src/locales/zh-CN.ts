export const zhCN: Record<string, string> = {
  "kpi.title": "绩效考核",
};
