import { definePlugin } from "@aftercare/plugin-api";
import { visitsMigrations } from "./migrations";
import { en } from "./locales/en";
import { zhCN } from "./locales/zh-CN";
import { myOpenCallsWidget, overdueCustomersWidget } from "./widgets.server";
import { initVisits, seedVisits } from "./lifecycle.server";

/**
 * Customer visits (客户拜访记录), service calls with the response SLA, the visit cadence and
 * return visits (回访) — DOMAIN.md §5.
 *
 * Emits `visits.visit.closed` ({@link VisitClosedEvent}) when a visit is reported done and
 * `visits.servicecall.closed` ({@link ServiceCallClosedEvent}) when a service call is closed.
 * Provides the service `visits.slaSummary` (see `report/sla-report.server.ts`). Uses the
 * optional service `satisfaction.customerHistory` on the customer history page.
 */
export const visitsPlugin = definePlugin({
  id: "visits",
  packageName: "@aftercare/visits",
  titleKey: "visits.title",
  nav: [
    { labelKey: "visits.nav.visits", path: "", permission: "visits.visits.read", order: 1 },
    { labelKey: "visits.nav.calendar", path: "calendar", permission: "visits.visits.read", order: 2 },
    { labelKey: "visits.nav.calls", path: "calls", permission: "visits.calls.read", order: 3 },
    { labelKey: "visits.nav.cadence", path: "cadence", permission: "visits.visits.read", order: 4 },
    { labelKey: "visits.nav.report", path: "report", permission: "visits.reports.view", order: 5 },
    { labelKey: "visits.nav.settings", path: "settings", permission: "visits.settings.manage", order: 6 },
  ],
  routes: [
    { id: "visits", file: "routes/visits.tsx" },
    { id: "visit-new", path: "new", file: "routes/visit-edit.tsx" },
    { id: "calendar", path: "calendar", file: "routes/calendar.tsx" },
    { id: "calls", path: "calls", file: "routes/calls.tsx" },
    { id: "call-new", path: "calls/new", file: "routes/call-new.tsx" },
    { id: "call", path: "calls/:id", file: "routes/call.tsx" },
    { id: "report", path: "report", file: "routes/report.tsx" },
    { id: "cadence", path: "cadence", file: "routes/cadence.tsx" },
    { id: "customer-history", path: "customers/:id", file: "routes/customer-history.tsx" },
    { id: "settings", path: "settings", file: "routes/settings.tsx" },
    { id: "visit", path: ":id", file: "routes/visit.tsx" },
    { id: "visit-edit", path: ":id/edit", file: "routes/visit-edit.tsx" },
  ],
  permissions: [
    { name: "visits.visits.read", roles: ["admin", "manager", "staff"] },
    { name: "visits.visits.write", roles: ["admin", "manager", "staff"] },
    { name: "visits.calls.read", roles: ["admin", "manager", "staff"] },
    { name: "visits.calls.write", roles: ["admin", "manager", "staff"] },
    { name: "visits.reports.view", roles: ["admin", "manager"] },
    { name: "visits.settings.manage", roles: ["admin"] },
  ],
  migrations: visitsMigrations,
  locales: { en, "zh-CN": zhCN },
  widgets: [myOpenCallsWidget, overdueCustomersWidget],
  emits: ["visits.visit.closed", "visits.servicecall.closed"],
  init: initVisits,
  seed: seedVisits,
});
