import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { EmptyState, Notice, PageHeader } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { todoFor } from "../raters/todo.server";

/** "Reviews to do": the staff member's forms, nominations, approvals and released reports. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.reviews.fill");
  const todo = await todoFor(host.db as unknown as Kysely<Review360Tables>, viewer.id);
  return { todo };
}

export default function ReviewsTodo() {
  const { todo } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const nominate = todo.nominations.filter((n) => n.status === "open" || n.status === "returned");
  return (
    <>
      <PageHeader title={t("review360.todo.title")} subtitle={t("review360.todo.subtitle")} />
      {todo.approvals.length > 0 ? (
        <section className="card" data-testid="approvals">
          <h2>{t("review360.todo.approvals")}</h2>
          <ul className="widget-list">
            {todo.approvals.map((a) => (
              <li key={a.revieweeId}>
                <Link to={`/review360/nominations/${a.revieweeId}`}>{t("review360.todo.approveItem", { name: a.name })}</Link> <span className="muted">· {a.cycleName}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {todo.nominations.length > 0 ? (
        <section className="card" data-testid="my-nominations">
          <h2>{t("review360.todo.nominations")}</h2>
          {nominate.some((n) => n.status === "returned") ? <Notice tone="warning">{t("review360.nomination.returnedNotice")}</Notice> : null}
          <ul className="widget-list">
            {todo.nominations.map((n) => (
              <li key={n.revieweeId}>
                <Link to={`/review360/nominations/${n.revieweeId}`}>{n.cycleName}</Link> · <span className={`badge badge-nom-${n.status}`}>{t(`review360.nomination.status.${n.status}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h2>{t("review360.todo.reviews")}</h2>
        {todo.reviews.length === 0 ? (
          <EmptyState>{t("review360.todo.empty")}</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="reviews-todo">
              <thead>
                <tr>
                  <th>{t("review360.todo.reviewee")}</th>
                  <th>{t("review360.todo.as")}</th>
                  <th>{t("review360.cycle.title")}</th>
                  <th>{t("review360.cycle.dueDate")}</th>
                  <th>{t("common.actions")}</th>
                </tr>
              </thead>
              <tbody>
                {todo.reviews.map((r) => (
                  <tr key={r.assignmentId}>
                    <td data-label={t("review360.todo.reviewee")}>{r.group === "self" ? t("review360.todo.yourself") : r.revieweeName}</td>
                    <td data-label={t("review360.todo.as")}>{t(`review360.group.${r.group}`)}</td>
                    <td data-label={t("review360.cycle.title")}>{r.cycleName}</td>
                    <td data-label={t("review360.cycle.dueDate")}>{formatDateTime(`${r.dueDate}T00:00:00.000Z`, locale)}</td>
                    <td>
                      <Link className="button primary" to={`/review360/fill/${r.assignmentId}`}>
                        {r.hasDraft ? t("review360.todo.continue") : t("review360.todo.fill")}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {todo.reports.length > 0 ? (
        <section className="card" data-testid="my-reports">
          <h2>{t("review360.todo.reports")}</h2>
          <ul className="widget-list">
            {todo.reports.map((r) => (
              <li key={r.revieweeId}>
                <Link to={`/review360/reports/${r.revieweeId}`}>{r.cycleName}</Link> <span className="muted">· {formatDateTime(r.releasedAt, locale)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
