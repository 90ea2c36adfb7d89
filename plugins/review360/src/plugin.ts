import { definePlugin } from "@aftercare/plugin-api";
import { review360Migrations } from "./migrations";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { reviewsTodoWidget, cycleCompletionWidget } from "./widgets.server";
import { initReview360, seedReview360 } from "./lifecycle.server";

/** 360-degree reviews (DOMAIN.md §3): cycles, nominated raters, anonymous ratings, the 360 report. */
export const review360Plugin = definePlugin({
  id: "review360",
  packageName: "@aftercare/review360",
  titleKey: "review360.title",
  nav: [
    { labelKey: "review360.nav.todo", path: "", permission: "review360.reviews.fill", order: 1 },
    { labelKey: "review360.nav.cycles", path: "cycles", permission: "review360.cycles.manage", order: 2 },
  ],
  routes: [
    { id: "todo", file: "routes/todo.tsx" },
    { id: "cycles", path: "cycles", file: "routes/cycles.tsx" },
    { id: "cycle-new", path: "cycles/new", file: "routes/cycle-new.tsx" },
    { id: "cycle", path: "cycles/:id", file: "routes/cycle.tsx" },
    { id: "cycle-edit", path: "cycles/:id/edit", file: "routes/cycle-edit.tsx" },
    { id: "cycle-definition", path: "cycles/:id/definition", file: "routes/cycle-definition.tsx" },
    { id: "cycle-export", path: "cycles/:id/export", file: "routes/cycle-export.ts" },
    { id: "reviewee", path: "reviewees/:rid", file: "routes/reviewee.tsx" },
    { id: "nominations", path: "nominations/:rid", file: "routes/nominations.tsx" },
    { id: "fill", path: "fill/:aid", file: "routes/fill.tsx" },
    { id: "report", path: "reports/:rid", file: "routes/report.tsx" },
    { id: "external", path: "r/:token", file: "routes/external.tsx" },
  ],
  permissions: [
    { name: "review360.reviews.fill", roles: ["admin", "manager", "staff"] },
    { name: "review360.cycles.manage", roles: ["admin", "manager"] },
    { name: "review360.reports.view", roles: ["admin", "manager"] },
  ],
  migrations: review360Migrations,
  locales: { en, "zh-CN": zhCN },
  widgets: [reviewsTodoWidget, cycleCompletionWidget],
  init: initReview360,
  seed: seedReview360,
});
