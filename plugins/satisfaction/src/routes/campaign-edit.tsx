import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { Host } from "@aftercare/core/host.server";
import type { SatisfactionTables } from "../tables";
import { listLatestTemplates } from "../template/templates.server";
import { audienceOptions, parseAudience } from "../campaign/audience.server";
import { campaignSurveyJson, parseCampaignForm, toFormDate } from "../campaign/campaign-form";
import { createCampaign, updateDraft } from "../campaign/campaigns.server";

function parseId(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

async function formJson(host: Host, t: (k: string, v?: Record<string, string | number>) => string, currentTemplateId?: number) {
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const templates = await listLatestTemplates(db);
  if (currentTemplateId && !templates.some((x) => x.id === currentTemplateId)) {
    const current = await db.selectFrom("satisfaction_template").select(["id", "name", "version"]).where("id", "=", currentTemplateId).executeTakeFirst();
    if (current) templates.push({ ...current, familyId: current.id, definition: null as never, survey: null as never, frozen: true });
  }
  const { regions, owners } = await audienceOptions(db);
  return campaignSurveyJson({ templates: templates.map((x) => ({ id: x.id, name: x.name, version: x.version })), regions, owners }, t);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  if (id === undefined) throw new Response("Not Found", { status: 404 });
  const { host, viewer } = await requirePermission(request, "satisfaction.campaigns.manage");
  const t = translatorFor(host, resolveLocale(request, viewer));
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  let values: Record<string, unknown> = { reminderAfterDays: 7, reminderMax: 2, opensAt: toFormDate(host.ctx.clock().toISOString()) };
  let templateId: number | undefined;
  if (id !== null) {
    const c = await db.selectFrom("satisfaction_campaign").selectAll().where("id", "=", id).executeTakeFirst();
    if (!c) throw new Response("Not Found", { status: 404 });
    if (c.status !== "draft") throw redirect(`/satisfaction/campaigns/${id}`);
    const audience = parseAudience(c.audience_json);
    templateId = c.template_id;
    values = {
      name: c.name,
      period: c.period,
      templateId: c.template_id,
      tiers: audience.tiers,
      regions: audience.regions,
      ...(audience.ownerId !== null ? { ownerId: audience.ownerId } : {}),
      opensAt: toFormDate(c.opens_at),
      closesAt: toFormDate(c.closes_at, true),
      reminderAfterDays: c.reminder_after_days,
      reminderMax: c.reminder_max,
    };
  } else {
    const first = (await listLatestTemplates(db))[0];
    if (first) values.templateId = first.id;
  }
  return { id, json: await formJson(host, t, templateId), values };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  if (id === undefined) throw new Response("Not Found", { status: 404 });
  const { host, viewer, form } = await requireAction(request, "satisfaction.campaigns.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  let current: number | undefined;
  if (id !== null) {
    const c = await db.selectFrom("satisfaction_campaign").select(["template_id", "status"]).where("id", "=", id).executeTakeFirst();
    if (!c) throw new Response("Not Found", { status: 404 });
    current = c.template_id;
  }
  const result = compiledSurvey(await formJson(host, t, current)).validate(payload, locale);
  if (!result.ok) return data({ errors: result.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const parsed = parseCampaignForm(result.data, host.ctx.clock().toISOString().slice(0, 10));
  if (!parsed.ok) return data({ errors: parsed.errors.map((e) => ({ name: e.name, message: t(e.key) })) }, { status: 400 });
  const now = host.ctx.clock().toISOString();
  let campaignId = id;
  await db.transaction().execute(async (trx) => {
    if (id === null) campaignId = await createCampaign(trx, parsed.campaign, viewer.id, now);
    else if (!(await updateDraft(trx, id, parsed.campaign))) throw new Response("Conflict", { status: 409 });
    await host.ctx.audit(trx, { actorId: viewer.id, action: id === null ? "satisfaction.campaign.create" : "satisfaction.campaign.update", target: `satisfaction_campaign:${campaignId}`, detail: parsed.campaign });
  });
  throw redirect(`/satisfaction/campaigns/${campaignId}`);
}

export default function CampaignEdit() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save");
  return (
    <>
      <PageHeader
        title={d.id === null ? t("satisfaction.campaigns.new") : t("satisfaction.campaign.edit")}
        actions={
          <Link className="button" to={d.id === null ? "/satisfaction" : `/satisfaction/campaigns/${d.id}`}>
            {t("common.back")}
          </Link>
        }
      />
      <div className="card">
        <SurveyForm json={d.json} data={d.values} locale={locale} onSubmit={submit} />
      </div>
    </>
  );
}
