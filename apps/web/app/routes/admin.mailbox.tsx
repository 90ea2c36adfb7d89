import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requirePermission } from "@aftercare/core/guards.server";
import { listCaught } from "@aftercare/mail/catcher";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { EmptyState, Notice, PageHeader, Pagination } from "@aftercare/ui";

const PAGE_SIZE = 30;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "core.mail.manage");
  const page = Math.max(1, Number.parseInt(new URL(request.url).searchParams.get("page") ?? "1", 10) || 1);
  const { items, total } = await listCaught(host.db, { page, pageSize: PAGE_SIZE });
  return {
    catcher: host.catcher !== null,
    page,
    total,
    rows: items.map((r) => ({ id: r.id, receivedAt: r.receivedAt, from: r.from, to: r.to.join(", "), subject: r.subject })),
  };
}

export default function Mailbox() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const revalidator = useRevalidator();
  useEffect(() => {
    // New mail shows up without a reload.
    const timer = setInterval(() => revalidator.state === "idle" && document.visibilityState === "visible" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [revalidator]);
  return (
    <>
      <PageHeader title={t("mailbox.title")} />
      <Notice>{d.catcher ? t("mailbox.help") : t("mailbox.real")}</Notice>
      {d.rows.length === 0 ? (
        <EmptyState>{t("mailbox.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="mailbox-table">
            <thead>
              <tr>
                <th>{t("mailbox.received")}</th>
                <th>{t("mailbox.to")}</th>
                <th>{t("mailbox.subject")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id}>
                  <td data-label={t("mailbox.received")}>{formatDateTime(r.receivedAt, locale, { time: true })}</td>
                  <td data-label={t("mailbox.to")}>{r.to}</td>
                  <td data-label={t("mailbox.subject")}>
                    <Link to={`/admin/mailbox/${r.id}`}>{r.subject || t("common.none")}</Link>
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
