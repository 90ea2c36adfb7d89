import type { Kysely } from "kysely";
import type { Locale, WidgetDef } from "@aftercare/plugin-api";
import type { SlaClock } from "@aftercare/scoring";
import { createTranslator } from "@aftercare/i18n";
import type { VisitsTables } from "./tables";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { callClocks, holdsOf } from "./call/calls.server";
import { cadenceRows } from "./cadence/cadence.server";
import { readPolicy } from "./policy.server";
import { seesOthers, viewerScope } from "./scope.server";
import { companyDate } from "./time";
import { formatDuration } from "./duration";

const messages = { en, "zh-CN": zhCN };

/** The clock that needs attention first: breached, then running with the least time left. */
export function mostUrgent(clocks: readonly SlaClock[]): SlaClock | null {
  const breached = clocks.filter((c) => c.state === "breached" && c.elapsedMs !== null);
  if (breached.length) return breached.sort((a, b) => (b.overdueMs ?? 0) - (a.overdueMs ?? 0))[0];
  const running = clocks.filter((c) => c.state === "running");
  return running.length ? running.sort((a, b) => (a.remainingMs ?? 0) - (b.remainingMs ?? 0))[0] : null;
}

/** "Response: running, 12 min left" in the viewer's language. */
export function clockLine(clock: SlaClock, locale: Locale): string {
  const t = createTranslator(messages[locale]);
  const time =
    clock.state === "breached"
      ? t("visits.sla.over", { time: formatDuration(clock.overdueMs ?? 0, locale) })
      : clock.state === "running"
        ? t("visits.sla.left", { time: formatDuration(clock.remainingMs ?? 0, locale) })
        : "";
  return `${t(`visits.clock.${clock.clock}`)}: ${t(`visits.sla.${clock.state}`)}${time ? `, ${time}` : ""}${clock.paused ? ` (${t("visits.sla.paused")})` : ""}`;
}

/**
 * Open calls with their most urgent SLA clock, most urgent first: for staff their own (dispatched
 * to them, or taken by them and not dispatched yet); for supervisors and managers every open call
 * of their scope, with the engineer's name.
 */
export const myOpenCallsWidget: WidgetDef = {
  id: "visits-my-calls",
  titleKey: "visits.widget.myCalls",
  permission: "visits.calls.read",
  href: "/visits/calls",
  async load(ctx, viewer, locale) {
    const t = createTranslator(messages[locale]);
    const db = ctx.db as Kysely<VisitsTables>;
    const now = ctx.clock().toISOString();
    const scope = await viewerScope(ctx.db, viewer);
    const team = seesOthers(scope);
    let q = db
      .selectFrom("visits_call as k")
      .innerJoin("customers as c", "c.id", "k.customer_id")
      .leftJoin("users as en", "en.id", "k.engineer_id")
      .select(["k.id", "c.company", "en.name as engineer", "k.received_at", "k.responded_at", "k.arrived_at", "k.work_started_at", "k.cleared_at", "k.policy_json"])
      .where("k.closed_at", "is", null);
    if (!team) q = q.where((eb) => eb.or([eb("k.engineer_id", "=", viewer.id), eb.and([eb("k.engineer_id", "is", null), eb("k.taken_by", "=", viewer.id)])]));
    else if (scope.kind === "users") q = q.where((eb) => eb.or([eb("k.engineer_id", "in", scope.userIds), eb("k.taken_by", "in", scope.userIds)]));
    const rows = await q.orderBy("k.received_at").limit(200).execute();
    const holds = await holdsOf(db, rows.map((r) => r.id));
    const items = rows.map((r) => {
      const c = callClocks(r, holds.get(r.id) ?? [], now);
      const urgent = mostUrgent([c.respond, c.onSite, c.clear]);
      const rank = urgent === null ? Infinity : urgent.state === "breached" ? -(urgent.overdueMs ?? 0) : (urgent.remainingMs ?? 0);
      const detail = [urgent ? clockLine(urgent, locale) : null, team ? (r.engineer ?? t("visits.call.notDispatched")) : null].filter(Boolean).join(" · ");
      return { rank, item: { label: `#${r.id} ${r.company}`, detail: detail || undefined, href: `/visits/calls/${r.id}` } };
    });
    items.sort((a, b) => a.rank - b.rank);
    return { kind: "list", empty: t("visits.widget.myCallsEmpty"), items: items.slice(0, 8).map((i) => i.item) };
  },
};

/** Customers in the viewer's scope that are overdue for a visit. */
export const overdueCustomersWidget: WidgetDef = {
  id: "visits-overdue-customers",
  titleKey: "visits.widget.overdue",
  permission: "visits.visits.read",
  href: "/visits/cadence",
  async load(ctx, viewer, locale) {
    const t = createTranslator(messages[locale]);
    const scope = await viewerScope(ctx.db, viewer);
    const team = seesOthers(scope);
    const rows = (await cadenceRows(ctx.db, scope, await readPolicy(ctx.db), companyDate(ctx.clock().toISOString()))).filter((r) => r.status === "overdue");
    return {
      kind: "list",
      empty: t("visits.widget.overdueEmpty"),
      items: rows.slice(0, 8).map((r) => ({
        label: r.company,
        detail: `${t("visits.widget.overdueDetail", { date: r.nextDueOn })}${team && r.ownerName ? ` · ${r.ownerName}` : ""}`,
        href: `/visits/customers/${r.customerId}`,
      })),
    };
  },
};
