import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { Notice, PageHeader, useSurveySubmit } from "@aftercare/ui";
import { readChecklists, readPolicy, saveSettings } from "../policy.server";
import { POLICY_LIMITS } from "../policy";
import { parseSettings, settingsSurveyJson, settingsValues } from "../settings-form";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.settings.manage");
  const t = translatorFor(host, resolveLocale(request, viewer));
  return { json: settingsSurveyJson(t), values: settingsValues(await readPolicy(host.db), await readChecklists(host.db)) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "visits.settings.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const result = compiledSurvey(settingsSurveyJson(t)).validate(payload, locale);
  if (!result.ok) return data({ errors: result.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const parsed = parseSettings(result.data);
  if (!parsed.ok) {
    return data({ errors: parsed.fields.map((name) => ({ name, message: t("visits.settings.range", { min: POLICY_LIMITS[name][0], max: POLICY_LIMITS[name][1] }) })) }, { status: 400 });
  }
  await saveSettings(host.ctx, { policy: parsed.policy, checklists: parsed.checklists, actorId: viewer.id });
  throw redirect("/visits/settings?done=saved");
}

export default function Settings() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const submit = useSurveySubmit("save");
  return (
    <>
      <PageHeader title={t("visits.settings.title")} />
      {params.get("done") === "saved" ? <Notice tone="success">{t("visits.settings.saved")}</Notice> : null}
      <div className="card" data-testid="visits-settings">
        <SurveyForm key={JSON.stringify(d.values)} json={d.json} data={d.values} locale={locale} onSubmit={submit} />
      </div>
    </>
  );
}
