import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { type Kysely, sql } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime } from "@aftercare/i18n";
import { ConfirmButton, EmptyState, Notice, PageHeader, Pagination, StatCard } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import { parseAudience, previewAudience } from "../campaign/audience.server";
import { campaignProgress, closeCampaign, RESUME_AFTER_MS, sendCampaign } from "../campaign/campaigns.server";

const PAGE_SIZE = 50;

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  const { host, viewer } = await requirePermission(request, "satisfaction.reports.view");
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const campaign = await db
    .selectFrom("satisfaction_campaign as c")
    .innerJoin("satisfaction_template as t", "t.id", "c.template_id")
    .select(["c.id", "c.name", "c.period", "c.status", "c.opens_at", "c.closes_at", "c.sent_at", "c.reminder_after_days", "c.reminder_max", "c.audience_json", "t.name as template", "t.version"])
    .where("c.id", "=", id)
    .executeTakeFirst();
  if (!campaign) throw new Response("Not Found", { status: 404 });
  const audience = parseAudience(campaign.audience_json);
  const preview = campaign.status === "draft" ? await previewAudience(db, audience) : null;
  const progress = await campaignProgress(db, id);
  const page = Math.max(1, Number.parseInt(new URL(request.url).searchParams.get("page") ?? "1", 10) || 1);
  const recipients = await db
    .selectFrom("satisfaction_recipient as r")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .leftJoin("invitations as i", "i.id", "r.invitation_id")
    .select(["r.id", "c.company", "r.email", "r.status", "r.reminders_sent", "i.state", "i.completed_at", "r.opted_out_at"])
    .where("r.campaign_id", "=", id)
    .orderBy("r.id")
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const owner = audience.ownerId ? await db.selectFrom("users").select("name").where("id", "=", audience.ownerId).executeTakeFirst() : undefined;
  return {
    campaign: { ...campaign, audience_json: undefined },
    audience: { ...audience, ownerName: owner?.name ?? null },
    preview,
    progress,
    recipients,
    page,
    canManage: viewer.permissions.has("satisfaction.campaigns.manage"),
    stalled: campaign.status === "sending" && !!campaign.sent_at && host.ctx.clock().getTime() - new Date(campaign.sent_at).getTime() > RESUME_AFTER_MS,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  const { host, viewer, form } = await requireAction(request, "satisfaction.campaigns.manage");
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const intent = form.get("intent");
  const now = host.ctx.clock().toISOString();
  if (intent === "send") {
    const result = await sendCampaign(host.ctx, id, now);
    if (!result) throw redirect(`/satisfaction/campaigns/${id}?done=already`);
    await host.ctx.audit(db, { actorId: viewer.id, action: "satisfaction.campaign.send", target: `satisfaction_campaign:${id}`, detail: result });
    host.kickMail();
    throw redirect(`/satisfaction/campaigns/${id}?done=sent&s=${result.sent}&u=${result.unreachable}&o=${result.optedOut}`);
  }
  if (intent === "close") {
    if (await closeCampaign(db, id, now)) await host.ctx.audit(db, { actorId: viewer.id, action: "satisfaction.campaign.close", target: `satisfaction_campaign:${id}` });
    throw redirect(`/satisfaction/campaigns/${id}?done=closed`);
  }
  void sql;
  throw new Response("Bad Request", { status: 400 });
}

export default function CampaignPage() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  const live = d.campaign.status === "sending" || (d.campaign.status === "open" && (d.progress?.mail.queued ?? 0) + (d.progress?.mail.sending ?? 0) > 0);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [live, revalidator]);
  const c = d.campaign;
  const p = d.progress;
  const done = params.get("done");
  const tiers = d.audience.tiers.map((x) => t(`tier.${x}`)).join(", ") || t("common.all");
  const regions = d.audience.regions.join(", ") || t("common.all");
  return (
    <>
      <PageHeader
        title={c.name}
        subtitle={`${c.period} · ${t(`satisfaction.status.${c.status}`)}`}
        actions={
          <>
            {c.status === "draft" && d.canManage ? (
              <Link className="button" to={`/satisfaction/campaigns/${c.id}/edit`}>
                {t("satisfaction.campaign.edit")}
              </Link>
            ) : null}
            {c.status !== "draft" ? (
              <Link className="button primary" to={`/satisfaction/campaigns/${c.id}/report`}>
                {t("satisfaction.campaign.report")}
              </Link>
            ) : null}
            <Link className="button" to="/satisfaction">
              {t("common.back")}
            </Link>
          </>
        }
      />
      {done === "sent" ? <Notice tone="success">{t("satisfaction.campaign.sent", { sent: params.get("s") ?? 0, unreachable: params.get("u") ?? 0, optedOut: params.get("o") ?? 0 })}</Notice> : null}
      {done === "already" ? <Notice tone="warning">{t("satisfaction.campaign.alreadySent")}</Notice> : null}
      {done === "closed" ? <Notice tone="success">{t("satisfaction.campaign.closed")}</Notice> : null}
      <dl className="meta-list card">
        <dt>{t("satisfaction.campaign.template")}</dt>
        <dd>
          {c.template} (v{c.version})
        </dd>
        <dt>{t("satisfaction.campaign.audience")}</dt>
        <dd>
          {t("satisfaction.campaign.tiers")}: {tiers} · {t("satisfaction.campaign.regions")}: {regions}
          {d.audience.ownerName ? ` · ${t("satisfaction.campaign.owner")}: ${d.audience.ownerName}` : ""}
        </dd>
        <dt>{t("satisfaction.campaign.opensAt")}</dt>
        <dd>{formatDateTime(c.opens_at, locale)}</dd>
        <dt>{t("satisfaction.campaign.closesAt")}</dt>
        <dd>{formatDateTime(new Date(new Date(c.closes_at).getTime() - 1).toISOString(), locale)}</dd>
        <dt>{t("satisfaction.campaign.reminderAfterDays")}</dt>
        <dd>
          {c.reminder_after_days} · {t("satisfaction.campaign.reminderMax")}: {c.reminder_max}
        </dd>
      </dl>
      {d.preview ? (
        <section className="card" data-testid="audience-preview">
          <h2>{t("satisfaction.campaign.audience")}</h2>
          <p>{t("satisfaction.campaign.preview", { ...d.preview })}</p>
          {d.canManage ? (
            d.preview.reachable > 0 ? (
              <ConfirmButton intent="send" tone="primary" label={t("satisfaction.campaign.send", { count: d.preview.reachable })} confirm={t("satisfaction.campaign.sendConfirm", { count: d.preview.reachable })} />
            ) : (
              <Notice tone="warning">{t("satisfaction.campaign.sendNone")}</Notice>
            )
          ) : null}
        </section>
      ) : null}
      {p && c.status !== "draft" ? (
        <section data-testid="campaign-progress">
          <h2>{t("satisfaction.campaign.progress")}</h2>
          <div className="stats">
            <StatCard label={t("satisfaction.progress.invited")} value={String(p.invited)} />
            <StatCard label={t("satisfaction.progress.queued")} value={String(p.mail.queued + p.mail.sending)} />
            <StatCard label={t("satisfaction.progress.mailSent")} value={String(p.mail.sent)} tone="good" />
            <StatCard label={t("satisfaction.progress.failed")} value={String(p.mail.failed)} tone={p.mail.failed ? "bad" : "neutral"} />
            <StatCard label={t("satisfaction.progress.unreachable")} value={String(p.unreachable)} tone={p.unreachable ? "bad" : "neutral"} />
            <StatCard label={t("satisfaction.progress.optedOut")} value={String(p.optedOut)} />
            <StatCard label={t("satisfaction.progress.opened")} value={String(p.opened)} />
            <StatCard label={t("satisfaction.progress.completed")} value={String(p.completed)} tone="good" />
          </div>
          {d.stalled && d.canManage ? (
            <Notice tone="warning">
              {t("satisfaction.campaign.stalled")} <ConfirmButton intent="send" tone="primary" label={t("satisfaction.campaign.resume")} confirm={t("satisfaction.campaign.resumeConfirm")} />
            </Notice>
          ) : null}
          {c.status === "open" && d.canManage ? <ConfirmButton intent="close" label={t("satisfaction.campaign.close")} confirm={t("satisfaction.campaign.closeConfirm")} tone="danger" /> : null}
        </section>
      ) : null}
      {c.status !== "draft" ? (
        <section>
          <h2>{t("satisfaction.recipients.title")}</h2>
          {d.recipients.length === 0 ? (
            <EmptyState>{t("satisfaction.recipients.empty")}</EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="recipients-table">
                <thead>
                  <tr>
                    <th>{t("satisfaction.recipients.company")}</th>
                    <th>{t("field.email")}</th>
                    <th>{t("satisfaction.recipients.state")}</th>
                    <th>{t("satisfaction.recipients.reminders")}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.recipients.map((r) => (
                    <tr key={r.id}>
                      <td data-label={t("satisfaction.recipients.company")}>{r.company}</td>
                      <td data-label={t("field.email")}>{r.email ?? t("common.none")}</td>
                      <td data-label={t("satisfaction.recipients.state")}>
                        {r.status === "invited" ? t(`satisfaction.state.${r.state ?? "sent"}`) : t(`satisfaction.state.${r.status}`)}
                        {r.opted_out_at ? ` · ${t("satisfaction.state.opted_out")}` : ""}
                      </td>
                      <td data-label={t("satisfaction.recipients.reminders")}>{r.reminders_sent}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pagination page={d.page} pageSize={PAGE_SIZE} total={(p?.invited ?? 0) + (p?.unreachable ?? 0) + (p?.optedOut ?? 0)} />
        </section>
      ) : null}
    </>
  );
}
