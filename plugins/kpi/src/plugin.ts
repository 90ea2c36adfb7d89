import { definePlugin } from "@aftercare/plugin-api";
import { kpiMigrations } from "./migrations";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { awaitingSheetsWidget } from "./widgets.server";
import { initKpi, seedKpi } from "./lifecycle.server";

/** Monthly KPI of service staff, the pay model and the scheme-health check (DOMAIN.md §4). */
export const kpiPlugin = definePlugin({
  id: "kpi",
  packageName: "@aftercare/kpi",
  titleKey: "kpi.title",
  nav: [
    { labelKey: "kpi.nav.sheets", path: "", permission: "kpi.sheets.view", order: 1 },
    { labelKey: "kpi.nav.report", path: "report", permission: "kpi.reports.view", order: 2 },
    { labelKey: "kpi.nav.pay", path: "pay", permission: "kpi.pay.manage", order: 3 },
    { labelKey: "kpi.nav.schemes", path: "schemes", permission: "kpi.reports.view", order: 4 },
  ],
  routes: [
    { id: "sheets", file: "routes/sheets.tsx" },
    { id: "sheet", path: "sheets/:id", file: "routes/sheet.tsx" },
    { id: "report", path: "report", file: "routes/report.tsx" },
    { id: "pay", path: "pay", file: "routes/pay.tsx" },
    { id: "pay-import", path: "pay/import", file: "routes/pay-import.tsx" },
    { id: "pay-export", path: "pay/export", file: "routes/pay-export.ts" },
    { id: "schemes", path: "schemes", file: "routes/schemes.tsx" },
    { id: "scheme-edit", path: "schemes/:kind/edit", file: "routes/scheme-edit.tsx" },
  ],
  permissions: [
    { name: "kpi.sheets.view", roles: ["admin", "manager", "staff"] },
    { name: "kpi.sheets.fill", roles: ["admin", "manager"] },
    { name: "kpi.sheets.approve", roles: ["admin", "manager"] },
    { name: "kpi.reports.view", roles: ["admin", "manager"] },
    { name: "kpi.pay.manage", roles: ["admin", "manager"] },
    { name: "kpi.schemes.manage", roles: ["admin"] },
  ],
  migrations: kpiMigrations,
  locales: { en, "zh-CN": zhCN },
  widgets: [awaitingSheetsWidget],
  init: initKpi,
  seed: seedKpi,
});
