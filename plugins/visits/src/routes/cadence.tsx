import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { EmptyState, PageHeader, Pagination } from "@aftercare/ui";
import { cadenceRows } from "../cadence/cadence.server";
import { readPolicy } from "../policy.server";
import { inScope, scopePeople, seesOthers, viewerScope } from "../scope.server";
import { companyDate } from "../time";
import { optionalId, pageParam } from "../web/params";
import "../web/visits.css";
import { PersonSelect } from "../web/PersonSelect";

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.visits.read");
  const url = new URL(request.url);
  const scope = await viewerScope(host.db, viewer);
  const policy = await readPolicy(host.db);
  const owner = optionalId(url.searchParams.get("owner"));
  const ownerId = owner && inScope(scope, owner) ? owner : null;
  const all = url.searchParams.get("all") === "1";
  const rows = (await cadenceRows(host.db, scope, policy, companyDate(host.ctx.clock().toISOString()), ownerId)).filter((r) => all || r.status !== "ok");
  const page = pageParam(url);
  return {
    rows: rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    total: rows.length,
    page,
    policy,
    ownerId,
    all,
    people: seesOthers(scope) ? await scopePeople(host.db, scope) : [],
    canWrite: viewer.permissions.has("visits.visits.write"),
  };
}

export default function Cadence() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t("visits.cadence.title")} subtitle={t("visits.cadence.rule", { count: d.policy.visitsPerPeriod, months: d.policy.periodMonths, days: d.policy.dueWithinDays })} />
      <Form method="get" className="toolbar visits-toolbar">
        <PersonSelect name="owner" value={d.ownerId} label={t("visits.cadence.owner")} anyLabel={t("visits.list.everyone")} people={d.people} />
        <label style={{ display: "flex", gap: "0.35rem", alignItems: "center" }}>
          <input type="checkbox" name="all" value="1" defaultChecked={d.all} style={{ width: "auto" }} />
          {t("visits.cadence.showAll")}
        </label>
        <button type="submit">{t("visits.list.filter")}</button>
      </Form>
      {d.rows.length === 0 ? (
        <EmptyState>{t("visits.cadence.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="cadence-table">
            <thead>
              <tr>
                <th>{t("visits.field.customer")}</th>
                <th>{t("common.status")}</th>
                <th>{t("visits.cadence.nextDue")}</th>
                <th className="num">{t("visits.cadence.visitsInPeriod")}</th>
                <th>{t("visits.cadence.lastVisit")}</th>
                <th>{t("visits.cadence.owner")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.customerId} data-status={r.status}>
                  <td>
                    <Link to={`/visits/customers/${r.customerId}`}>{r.company}</Link>
                    {r.region ? <span className="muted small"> · {r.region}</span> : null}
                  </td>
                  <td>
                    <span className={`badge badge-${r.status}`}>{t(`visits.cadence.status.${r.status}`)}</span>
                  </td>
                  <td>{r.nextDueOn}</td>
                  <td className="num">{r.visitsInPeriod}</td>
                  <td>{r.lastVisit ?? t("visits.cadence.never")}</td>
                  <td>{r.ownerName ?? t("visits.cadence.noOwner")}</td>
                  <td>
                    {d.canWrite ? (
                      <Link to={`/visits/new?customer=${r.customerId}&type=routine`}>{t("visits.cadence.plan")}</Link>
                    ) : null}
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
