import { definePlugin } from "@aftercare/plugin-api";
import { satisfactionMigrations } from "./migrations";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { messages as feedbackEn } from "./locales/feedback-en";
import { messages as feedbackZh } from "./locales/feedback-zh-CN";
import { messages as templateEn } from "./locales/template-en";
import { messages as templateZh } from "./locales/template-zh-CN";
import { latestSatisfactionWidget, openFeedbackWidget } from "./widgets.server";
import { initSatisfaction, seedSatisfaction } from "./lifecycle.server";
import { sendPostServiceSurvey } from "./campaign/post-service.server";

/** Customer satisfaction surveys (DOMAIN.md §1) and feedback records (§2). */
export const satisfactionPlugin = definePlugin({
  id: "satisfaction",
  packageName: "@aftercare/satisfaction",
  titleKey: "satisfaction.title",
  nav: [
    { labelKey: "satisfaction.nav.campaigns", path: "", permission: "satisfaction.reports.view", order: 1 },
    { labelKey: "satisfaction.nav.feedback", path: "feedback", permission: "satisfaction.feedback.view", order: 2 },
    { labelKey: "satisfaction.nav.templates", path: "templates", permission: "satisfaction.templates.manage", order: 3 },
  ],
  routes: [
    { id: "campaigns", file: "routes/campaigns.tsx" },
    { id: "campaign-new", path: "campaigns/new", file: "routes/campaign-edit.tsx" },
    { id: "campaign-edit", path: "campaigns/:id/edit", file: "routes/campaign-edit.tsx" },
    { id: "campaign", path: "campaigns/:id", file: "routes/campaign.tsx" },
    { id: "report", path: "campaigns/:id/report", file: "routes/report.tsx" },
    { id: "report-export", path: "campaigns/:id/export", file: "routes/report-export.ts" },
    { id: "templates", path: "templates", file: "routes/templates.tsx" },
    { id: "template", path: "templates/:id", file: "routes/template-edit.tsx" },
    { id: "feedback-list", path: "feedback", file: "routes/feedback-list.tsx" },
    { id: "feedback", path: "feedback/:id", file: "routes/feedback.tsx" },
    { id: "survey", path: "s/:token", file: "routes/survey.tsx" },
    { id: "opt-out", path: "s/:token/opt-out", file: "routes/opt-out.tsx" },
  ],
  permissions: [
    { name: "satisfaction.reports.view", roles: ["admin", "manager"] },
    { name: "satisfaction.campaigns.manage", roles: ["admin", "manager"] },
    { name: "satisfaction.templates.manage", roles: ["admin"] },
    { name: "satisfaction.settings.manage", roles: ["admin"] },
    { name: "satisfaction.feedback.view", roles: ["admin", "manager", "staff"] },
    { name: "satisfaction.feedback.approve", roles: ["admin", "manager"] },
  ],
  migrations: satisfactionMigrations,
  locales: { en: { ...en, ...feedbackEn, ...templateEn }, "zh-CN": { ...zhCN, ...feedbackZh, ...templateZh } },
  widgets: [latestSatisfactionWidget, openFeedbackWidget],
  emits: ["satisfaction.response.submitted"],
  // When the visits plugin is installed: a short survey after each closed service call.
  on: {
    "visits.servicecall.closed": async (ctx, payload) => {
      await sendPostServiceSurvey(ctx, payload);
    },
  },
  init: initSatisfaction,
  seed: seedSatisfaction,
});
