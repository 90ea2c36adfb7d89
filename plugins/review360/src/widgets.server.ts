import type { WidgetDef } from "@aftercare/plugin-api";
import { createTranslator, formatPercent } from "@aftercare/i18n";
import type { Db } from "./cycle/cycles.server";
import { todoFor } from "./raters/todo.server";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";

const messages = { en, "zh-CN": zhCN };

/** "Reviews to do" on every staff member's dashboard: forms to fill, nominations to make or approve. */
export const reviewsTodoWidget: WidgetDef = {
  id: "review360-todo",
  titleKey: "review360.widget.todo",
  permission: "review360.reviews.fill",
  href: "/review360",
  async load(ctx, viewer, locale) {
    const t = createTranslator(messages[locale]);
    const todo = await todoFor(ctx.db as Db, viewer.id);
    const items = [
      ...todo.approvals.map((a) => ({ label: t("review360.todo.approveItem", { name: a.name }), detail: a.cycleName, href: `/review360/nominations/${a.revieweeId}` })),
      ...todo.nominations
        .filter((n) => n.status === "open" || n.status === "returned")
        .map((n) => ({ label: t("review360.todo.nominateItem"), detail: n.cycleName, href: `/review360/nominations/${n.revieweeId}` })),
      ...todo.reviews.map((r) => ({
        label: r.group === "self" ? t("review360.todo.selfItem") : t("review360.todo.reviewItem", { name: r.revieweeName }),
        detail: `${r.cycleName} · ${t("review360.todo.due", { date: r.dueDate })}`,
        href: `/review360/fill/${r.assignmentId}`,
      })),
    ];
    return { kind: "list", items: items.slice(0, 8), empty: t("review360.todo.empty") };
  },
};

/** Completion of the open cycles, for managers. */
export const cycleCompletionWidget: WidgetDef = {
  id: "review360-completion",
  titleKey: "review360.widget.completion",
  permission: "review360.cycles.manage",
  href: "/review360/cycles",
  async load(ctx, _viewer, locale) {
    const t = createTranslator(messages[locale]);
    const db = ctx.db as Db;
    const rows = await db
      .selectFrom("review360_assignment as a")
      .innerJoin("review360_cycle as c", "c.id", "a.cycle_id")
      .select(["c.id", "c.name", "a.status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("c.status", "=", "open")
      .where("a.status", "!=", "proposed")
      .groupBy(["c.id", "c.name", "a.status"])
      .execute();
    const cycles = new Map<number, { name: string; total: number; done: number }>();
    for (const r of rows) {
      const c = cycles.get(r.id) ?? { name: r.name, total: 0, done: 0 };
      c.total += Number(r.n);
      if (r.status === "submitted") c.done += Number(r.n);
      cycles.set(r.id, c);
    }
    if (cycles.size === 0) return { kind: "stat", value: "–", hint: t("review360.widget.noOpen") };
    return {
      kind: "bars",
      max: 100,
      items: [...cycles.values()].map((c) => ({ label: c.name, value: c.total ? (100 * c.done) / c.total : 0, display: `${c.done}/${c.total} · ${formatPercent(c.total ? c.done / c.total : 0, locale, 0)}` })),
    };
  },
};
