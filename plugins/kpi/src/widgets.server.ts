import type { Kysely } from "kysely";
import type { WidgetDef } from "@aftercare/plugin-api";
import { createTranslator } from "@aftercare/i18n";
import type { KpiTables } from "./tables";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { sheetsAwaiting } from "./sheet/awaiting.server";

const messages = { en, "zh-CN": zhCN };

/** KPI sheets waiting for the viewer: to agree, acknowledge, score, revise or approve. */
export const awaitingSheetsWidget: WidgetDef = {
  id: "kpi-awaiting",
  titleKey: "kpi.widget.awaiting",
  permission: "kpi.sheets.view",
  href: "/kpi",
  async load(ctx, viewer, locale) {
    const t = createTranslator(messages[locale]);
    const items = await sheetsAwaiting(ctx.db as Kysely<KpiTables>, viewer, viewer.permissions, 6);
    return {
      kind: "list",
      empty: t("kpi.widget.awaitingEmpty"),
      items: items.map((i) => ({ label: `${i.employeeName} · ${i.month}`, detail: t(`kpi.awaiting.${i.action}`), href: `/kpi/sheets/${i.id}` })),
    };
  },
};
