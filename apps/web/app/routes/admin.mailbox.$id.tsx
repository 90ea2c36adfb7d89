import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { requirePermission } from "@aftercare/core/guards.server";
import { getCaught } from "@aftercare/mail/catcher";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { PageHeader } from "@aftercare/ui";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "core.mail.manage");
  const id = Number(params.id);
  const message = Number.isSafeInteger(id) ? await getCaught(host.db, id) : undefined;
  if (!message) throw new Response("Not Found", { status: 404 });
  return { message };
}

export default function MailboxMessage() {
  const { message } = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [tab, setTab] = useState<"html" | "text" | "headers">(message.html ? "html" : "text");
  return (
    <>
      <PageHeader
        title={message.subject || t("common.none")}
        actions={
          <Link className="button" to="/admin/mailbox">
            {t("common.back")}
          </Link>
        }
      />
      <dl className="meta-list card">
        <dt>{t("mailbox.from")}</dt>
        <dd>{message.from}</dd>
        <dt>{t("mailbox.to")}</dt>
        <dd>{message.to.join(", ")}</dd>
        <dt>{t("mailbox.received")}</dt>
        <dd>{formatDateTime(message.receivedAt, locale, { time: true })}</dd>
      </dl>
      <div className="tabs" role="tablist">
        {(["html", "text", "headers"] as const).map((name) => (
          <button key={name} type="button" role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>
            {t(`mailbox.${name}`)}
          </button>
        ))}
      </div>
      <div className="card mail-body" data-testid="mail-body">
        {tab === "html" ? (
          // Rendered in a sandbox: no scripts, no same-origin access.
          <iframe title="html" sandbox="" srcDoc={message.html ?? ""} className="mail-frame" />
        ) : tab === "text" ? (
          <pre>{message.text}</pre>
        ) : (
          <pre>{message.headers.map((h) => h.line).join("\n")}</pre>
        )}
      </div>
    </>
  );
}
