import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { EmptyState, PageHeader, Pagination } from "@aftercare/ui";
import { listCalls } from "../call/calls.server";
import { scopePeople, seesOthers, viewerScope } from "../scope.server";
import { optionalId, pageParam } from "../web/params";
import { SlaClockView } from "../web/SlaClockView";
import "../web/visits.css";
import { PersonSelect } from "../web/PersonSelect";

const PAGE_SIZE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.calls.read");
  const url = new URL(request.url);
  const scope = await viewerScope(host.db, viewer);
  const rawState = url.searchParams.get("state");
  const state = rawState === "closed" ? "closed" : rawState === "all" ? "all" : "open";
  const filters = {
    state: state === "all" ? null : state,
    engineerId: optionalId(url.searchParams.get("engineer")),
    customerId: optionalId(url.searchParams.get("customer")),
    q: (url.searchParams.get("q") ?? "").trim().slice(0, 100) || null,
  } as const;
  const page = pageParam(url);
  const { total, rows } = await listCalls(host.db, scope, filters, page, PAGE_SIZE, host.ctx.clock().toISOString());
  return {
    rows,
    total,
    page,
    state,
    filters,
    people: seesOthers(scope) ? await scopePeople(host.db, scope) : [],
    canWrite: viewer.permissions.has("visits.calls.write"),
  };
}

export default function Calls() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  return (
    <>
      <PageHeader
        title={t("visits.calls.title")}
        actions={
          d.canWrite ? (
            <Link className="button primary" to="/visits/calls/new">
              {t("visits.calls.new")}
            </Link>
          ) : null
        }
      />
      <Form method="get" className="toolbar visits-toolbar">
        <select name="state" defaultValue={d.state} aria-label={t("common.status")}>
          <option value="open">{t("visits.calls.open")}</option>
          <option value="closed">{t("visits.calls.closed")}</option>
          <option value="all">{t("visits.calls.all")}</option>
        </select>
        <PersonSelect name="engineer" value={d.filters.engineerId} label={t("visits.call.engineer")} anyLabel={t("visits.report.anyEngineer")} people={d.people} />
        <input type="search" name="q" defaultValue={d.filters.q ?? ""} placeholder={t("visits.field.customer")} aria-label={t("visits.field.customer")} />
        <button type="submit">{t("visits.list.filter")}</button>
      </Form>
      {d.rows.length === 0 ? (
        <EmptyState>{t("visits.calls.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="calls-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t("visits.call.receivedAt")}</th>
                <th>{t("visits.field.customer")}</th>
                <th>{t("visits.call.fault")}</th>
                <th>{t("visits.call.engineer")}</th>
                <th>{t("visits.clock.respond")}</th>
                <th>{t("visits.clock.onSite")}</th>
                <th>{t("visits.clock.clear")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((c) => (
                <tr key={c.id} data-call={c.id}>
                  <td>
                    <Link to={`/visits/calls/${c.id}`}>#{c.id}</Link>
                    {c.closed_at ? <span className="badge badge-closed"> {t("visits.calls.closed")}</span> : c.onHold ? <span className="badge sla-idle"> {t("visits.call.onHold")}</span> : null}
                  </td>
                  <td data-label={t("visits.call.receivedAt")}>{formatDateTime(c.received_at, locale, { time: true })}</td>
                  <td data-label={t("visits.field.customer")}>
                    <Link to={`/visits/customers/${c.customer_id}`}>{c.company}</Link>
                  </td>
                  <td data-label={t("visits.call.fault")}>{c.fault}</td>
                  <td data-label={t("visits.call.engineer")}>{c.engineer_name ?? <span className="muted">{t("visits.call.notDispatched")}</span>}</td>
                  <td data-label={t("visits.clock.respond")}>
                    <SlaClockView clock={c.clocks.respond} compact />
                  </td>
                  <td data-label={t("visits.clock.onSite")}>
                    <SlaClockView clock={c.clocks.onSite} compact />
                  </td>
                  <td data-label={t("visits.clock.clear")}>
                    <SlaClockView clock={c.clocks.clear} compact />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={d.page} pageSize={PAGE_SIZE} total={d.total} />
    </>
  );
}
