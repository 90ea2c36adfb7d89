import type { Kysely } from "kysely";
import type { WidgetDef } from "@aftercare/plugin-api";
import { createTranslator, formatDateTime, formatNumber, formatPercent } from "@aftercare/i18n";
import type { SatisfactionTables } from "./tables";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { satisfactionTrend } from "./report/report.server";

const messages = { en, "zh-CN": zhCN };

/** The newest sent campaign's satisfaction index on the dashboard. */
export const latestSatisfactionWidget: WidgetDef = {
  id: "satisfaction-latest",
  titleKey: "satisfaction.widget.latest",
  permission: "satisfaction.reports.view",
  href: "/satisfaction",
  async load(ctx, _viewer, locale) {
    const t = createTranslator(messages[locale]);
    const trend = await satisfactionTrend(ctx.db as Kysely<SatisfactionTables>);
    const latest = [...trend].reverse().find((p) => p.responses > 0);
    if (!latest) return { kind: "stat", value: "–", hint: t("satisfaction.widget.none") };
    return {
      kind: "stat",
      value: formatNumber(latest.index, locale),
      hint: t("satisfaction.widget.latestHint", { campaign: latest.name, responses: latest.responses, share: formatPercent(latest.shareSatisfied, locale, 0) }),
      tone: (latest.index ?? 0) >= 85 ? "good" : "bad",
    };
  },
};

/** Open feedback records, overdue first: the viewer's own for staff, all for managers. */
export const openFeedbackWidget: WidgetDef = {
  id: "satisfaction-feedback",
  titleKey: "satisfaction.widget.feedback",
  permission: "satisfaction.feedback.view",
  href: "/satisfaction/feedback",
  async load(ctx, viewer, locale) {
    const t = createTranslator(messages[locale]);
    const db = ctx.db as Kysely<SatisfactionTables>;
    let q = db
      .selectFrom("satisfaction_feedback as f")
      .innerJoin("customers as c", "c.id", "f.customer_id")
      .select(["f.id", "f.due_date", "f.status", "c.company"])
      .where("f.status", "!=", "closed");
    if (!viewer.permissions.has("satisfaction.feedback.approve")) q = q.where("f.owner_id", "=", viewer.id);
    const rows = await q.orderBy("f.due_date").limit(6).execute();
    const today = ctx.clock().toISOString().slice(0, 10);
    return {
      kind: "list",
      empty: t("satisfaction.widget.feedbackEmpty"),
      items: rows.map((r) => ({
        label: `#${r.id} ${r.company}`,
        detail: r.due_date && r.due_date < today ? t("satisfaction.widget.overdue", { date: formatDateTime(`${r.due_date}T00:00:00Z`, locale) }) : undefined,
        href: `/satisfaction/feedback/${r.id}`,
      })),
    };
  },
};
