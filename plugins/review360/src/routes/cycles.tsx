import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { type Kysely, sql } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { EmptyState, Notice, PageHeader } from "@aftercare/ui";
import type { Review360Tables } from "../tables";

/** Review cycles, newest first, with their completion. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "review360.cycles.manage");
  const db = host.db as unknown as Kysely<Review360Tables>;
  const cycles = await db
    .selectFrom("review360_cycle as c")
    .leftJoin(db.selectFrom("review360_reviewee").select(["cycle_id", sql<number>`count(*)`.as("n")]).groupBy("cycle_id").as("r"), "r.cycle_id", "c.id")
    .leftJoin(
      db
        .selectFrom("review360_assignment")
        .select(["cycle_id", sql<number>`count(*)`.as("total"), sql<number>`sum(case when status = 'submitted' then 1 else 0 end)`.as("done")])
        .where("status", "!=", "proposed")
        .groupBy("cycle_id")
        .as("a"),
      "a.cycle_id",
      "c.id",
    )
    .select(["c.id", "c.name", "c.period", "c.status", "c.due_date", "r.n as reviewees", "a.total", "a.done"])
    .orderBy("c.id", "desc")
    .limit(100)
    .execute();
  return { cycles };
}

export default function Cycles() {
  const { cycles } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader
        title={t("review360.cycles.title")}
        actions={
          <Link className="button primary" to="/review360/cycles/new">
            {t("review360.cycles.new")}
          </Link>
        }
      />
      {params.get("done") === "deleted" ? <Notice tone="success">{t("review360.cycles.deleted")}</Notice> : null}
      {cycles.length === 0 ? (
        <EmptyState>{t("review360.cycles.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="cycles-table">
            <thead>
              <tr>
                <th>{t("review360.cycle.name")}</th>
                <th>{t("review360.cycle.period")}</th>
                <th>{t("common.status")}</th>
                <th>{t("review360.cycle.dueDate")}</th>
                <th>{t("review360.cycle.reviewees")}</th>
                <th>{t("review360.cycle.completion")}</th>
              </tr>
            </thead>
            <tbody>
              {cycles.map((c) => (
                <tr key={c.id}>
                  <td data-label={t("review360.cycle.name")}>
                    <Link to={`/review360/cycles/${c.id}`}>{c.name}</Link>
                  </td>
                  <td data-label={t("review360.cycle.period")}>{c.period}</td>
                  <td data-label={t("common.status")}>
                    <span className={`badge badge-${c.status}`}>{t(`review360.status.${c.status}`)}</span>
                  </td>
                  <td data-label={t("review360.cycle.dueDate")}>{formatDateTime(`${c.due_date}T00:00:00.000Z`, locale)}</td>
                  <td className="num">{c.reviewees ?? 0}</td>
                  <td className="num">{c.total ? `${c.done ?? 0}/${c.total}` : t("common.none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
