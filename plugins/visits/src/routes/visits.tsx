import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { EmptyState, Notice, PageHeader, Pagination } from "@aftercare/ui";
import { listVisits } from "../visit/visits.server";
import { VISIT_STATUSES, VISIT_TYPES } from "../visit/visit-types";
import { scopePeople, seesOthers, viewerScope } from "../scope.server";
import { choiceParam, optionalId, pageParam } from "../web/params";
import { isMonth } from "../time";
import "../web/visits.css";
import { PersonSelect } from "../web/PersonSelect";

const PAGE_SIZE = 20;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.visits.read");
  const url = new URL(request.url);
  const scope = await viewerScope(host.db, viewer);
  const month = url.searchParams.get("month");
  const filters = {
    personId: optionalId(url.searchParams.get("person")),
    status: choiceParam(url.searchParams.get("status"), VISIT_STATUSES),
    type: choiceParam(url.searchParams.get("type"), VISIT_TYPES),
    month: isMonth(month) ? month : null,
    customerId: optionalId(url.searchParams.get("customer")),
    q: (url.searchParams.get("q") ?? "").trim().slice(0, 100) || null,
  };
  const page = pageParam(url);
  const { total, rows } = await listVisits(host.db, scope, filters, page, PAGE_SIZE);
  return {
    rows,
    total,
    page,
    filters,
    people: seesOthers(scope) ? await scopePeople(host.db, scope) : [],
    canWrite: viewer.permissions.has("visits.visits.write"),
  };
}

export default function Visits() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const f = d.filters;
  return (
    <>
      <PageHeader
        title={t("visits.list.title")}
        actions={
          <>
            <Link className="button" to={`/visits/calendar${f.personId ? `?person=${f.personId}` : ""}`}>
              {t("visits.nav.calendar")}
            </Link>
            {d.canWrite ? (
              <Link className="button primary" to="/visits/new">
                {t("visits.list.new")}
              </Link>
            ) : null}
          </>
        }
      />
      {params.get("done") === "cancelled" ? <Notice tone="success">{t("visits.detail.cancelled")}</Notice> : null}
      <Form method="get" className="toolbar visits-toolbar" aria-label={t("visits.list.filter")}>
        <PersonSelect name="person" value={f.personId} label={t("visits.list.person")} anyLabel={t("visits.list.everyone")} people={d.people} />
        <select name="status" defaultValue={f.status ?? ""} aria-label={t("common.status")}>
          <option value="">{t("visits.list.anyStatus")}</option>
          {VISIT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`visits.status.${s}`)}
            </option>
          ))}
        </select>
        <select name="type" defaultValue={f.type ?? ""} aria-label={t("visits.field.type")}>
          <option value="">{t("visits.list.anyType")}</option>
          {VISIT_TYPES.map((s) => (
            <option key={s} value={s}>
              {t(`visits.type.${s}`)}
            </option>
          ))}
        </select>
        <input type="month" name="month" defaultValue={f.month ?? ""} aria-label={t("visits.list.month")} />
        <input type="search" name="q" defaultValue={f.q ?? ""} placeholder={t("visits.field.customer")} aria-label={t("visits.field.customer")} />
        <button type="submit">{t("visits.list.filter")}</button>
      </Form>
      {d.rows.length === 0 ? (
        <EmptyState>{t("visits.list.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="visits-table">
            <thead>
              <tr>
                <th>{t("visits.field.plannedAt")}</th>
                <th>{t("visits.field.customer")}</th>
                <th>{t("visits.field.type")}</th>
                <th>{t("common.status")}</th>
                <th>{t("visits.field.owner")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((v) => (
                <tr key={v.id}>
                  <td data-label={t("visits.field.plannedAt")}>
                    <Link to={`/visits/${v.id}`}>{formatDateTime(v.planned_at, locale, { time: true })}</Link>
                  </td>
                  <td data-label={t("visits.field.customer")}>
                    <Link to={`/visits/customers/${v.customer_id}`}>{v.company}</Link>
                  </td>
                  <td data-label={t("visits.field.type")}>
                    {t(`visits.type.${v.type}`)}
                    {v.source_call_id ? (
                      <span className="muted small">
                        {" "}
                        · <Link to={`/visits/calls/${v.source_call_id}`}>#{v.source_call_id}</Link>
                      </span>
                    ) : null}
                  </td>
                  <td data-label={t("common.status")}>
                    <span className={`badge badge-${v.status}`}>{t(`visits.status.${v.status}`)}</span>
                  </td>
                  <td data-label={t("visits.field.owner")}>{v.owner_name}</td>
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
