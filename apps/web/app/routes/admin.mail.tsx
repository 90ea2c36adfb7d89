import crypto from "node:crypto";
import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { writeAudit } from "@aftercare/core/audit.server";
import { renderEmail } from "@aftercare/mail/layout";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { CsrfField, Notice, PageHeader, StatCard } from "@aftercare/ui";

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "core.mail.manage");
  const counts = (await (host.db as any)
    .selectFrom("mail_outbox")
    .select(["status", (eb: any) => eb.fn.countAll().as("n")])
    .groupBy("status")
    .execute()) as { status: string; n: number }[];
  const failures = await (host.db as any)
    .selectFrom("mail_outbox")
    .select(["id", "to_addr", "subject", "last_error", "created_at"])
    .where("status", "=", "failed")
    .orderBy("id", "desc")
    .limit(10)
    .execute();
  let smtpHost = "";
  if (host.config.smtpUrl) {
    try {
      smtpHost = new URL(host.config.smtpUrl).host;
    } catch {
      smtpHost = "?";
    }
  }
  return {
    catcherUrl: host.catcher?.url ?? null,
    smtpHost,
    from: host.config.mailFrom,
    publicBaseUrl: host.config.publicBaseUrl,
    counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])),
    failures: failures as { id: number; to_addr: string; subject: string; last_error: string | null; created_at: string }[],
    me: viewer.email,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "core.mail.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const to = String(form.get("to") ?? "").trim();
  if (!EMAIL.test(to) || to.length > 254) return data({ ok: false, message: t("validation.email", { field: t("mail.testTo") }) }, { status: 400 });
  const { html, text } = renderEmail({ locale, heading: t("mail.testSubject"), paragraphs: [t("mail.testBody")] });
  const now = host.ctx.clock().toISOString();
  await host.db.transaction().execute(async (trx) => {
    await host.ctx.mail.enqueue(trx, { key: `test:${crypto.randomUUID()}`, to, subject: t("mail.testSubject"), html, text });
    await writeAudit(trx, { actorId: viewer.id, action: "settings.mail.test", target: "settings:mail", detail: { to } }, now);
  });
  host.kickMail();
  return { ok: true, message: t("mail.testQueued", { to }) };
}

export default function MailSettings() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, locale } = useI18n();
  return (
    <>
      <PageHeader title={t("mail.settingsTitle")} />
      <dl className="meta-list card">
        <dt>{t("mail.transport")}</dt>
        <dd>{d.catcherUrl ? t("mail.catcher", { url: d.catcherUrl }) : t("mail.smtp", { host: d.smtpHost })}</dd>
        <dt>{t("mail.from")}</dt>
        <dd>{d.from}</dd>
        <dt>{t("mail.publicBaseUrl")}</dt>
        <dd>{d.publicBaseUrl}</dd>
      </dl>
      <h2>{t("mail.outbox")}</h2>
      <div className="stats">
        {(["queued", "sending", "sent", "failed"] as const).map((s) => (
          <StatCard key={s} label={t(`mail.${s}`)} value={String(d.counts[s] ?? 0)} tone={s === "failed" && (d.counts[s] ?? 0) > 0 ? "bad" : "neutral"} />
        ))}
      </div>
      <Form method="post" className="card stack">
        <CsrfField />
        {result ? <Notice tone={result.ok ? "success" : "error"}>{result.message}</Notice> : null}
        <label>
          {t("mail.testTo")}
          <input type="email" name="to" defaultValue={d.me} required />
        </label>
        <button type="submit" className="primary" disabled={navigation.state !== "idle"} data-testid="send-test">
          {t("mail.sendTest")}
        </button>
      </Form>
      {d.failures.length > 0 ? (
        <section className="card">
          <h2>{t("mail.recentFailures")}</h2>
          <ul>
            {d.failures.map((f) => (
              <li key={f.id}>
                {formatDateTime(f.created_at, locale, { time: true })} · {f.to_addr} · {f.subject} — <span className="error-text">{f.last_error}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
