import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { EmptyState, PageHeader, Pagination, SearchBox } from "@aftercare/ui";

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "core.audit.view");
  const url = new URL(request.url);
  const page = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 100);
  let query = host.db.selectFrom("audit_log").leftJoin("users", "users.id", "audit_log.actor_id");
  if (q) query = query.where((eb) => eb.or([eb("audit_log.action", "like", `%${q}%`), eb("audit_log.target", "like", `%${q}%`), eb("users.name", "like", `%${q}%`)]));
  const total = Number((await query.select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n ?? 0);
  const rows = await query
    .select(["audit_log.id", "audit_log.at", "audit_log.action", "audit_log.target", "audit_log.detail_json", "users.name as actor"])
    .orderBy("audit_log.id", "desc")
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  return { rows, total, page };
}

export default function AuditLog() {
  const { rows, total, page } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  return (
    <>
      <PageHeader title={t("audit.title")} />
      <div className="toolbar">
        <SearchBox />
      </div>
      {rows.length === 0 ? (
        <EmptyState>{t("common.noResults")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t("audit.at")}</th>
                <th>{t("audit.actor")}</th>
                <th>{t("audit.action")}</th>
                <th>{t("audit.target")}</th>
                <th>{t("audit.detail")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td data-label={t("audit.at")}>{formatDateTime(r.at, locale, { time: true })}</td>
                  <td data-label={t("audit.actor")}>{r.actor ?? t("common.none")}</td>
                  <td data-label={t("audit.action")}>
                    <code>{r.action}</code>
                  </td>
                  <td data-label={t("audit.target")}>{r.target}</td>
                  <td data-label={t("audit.detail")} className="detail-cell">
                    {r.detail_json ? <code>{r.detail_json.slice(0, 300)}</code> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page} pageSize={PAGE_SIZE} total={total} />
    </>
  );
}
