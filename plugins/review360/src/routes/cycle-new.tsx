import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { Review360Tables } from "../tables";
import { createCycle } from "../cycle/cycles.server";
import { cycleFormDefaults, cycleSurveyJson, parseCycleForm } from "../cycle/cycle-form";
import { cycleFormOptions } from "../cycle/cycle-form.server";
import { DEFAULT_DEFINITION, pick } from "../definition/competencies";

/**
 * A manager sets up a cycle: who is reviewed, weights and minimums, nomination limits, due date,
 * reminders. It is created as a draft with the default competencies, which the manager can then
 * edit on the cycle's page until it is opened.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.cycles.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  return {
    json: cycleSurveyJson(await cycleFormOptions(host.db as unknown as Kysely<Review360Tables>), t),
    values: cycleFormDefaults(host.ctx.clock().toISOString().slice(0, 10)),
    competencies: DEFAULT_DEFINITION.competencies.map((c) => ({ id: c.id, title: pick(c.title, locale), items: c.items.map((i) => pick(i.text, locale)) })),
    scale: DEFAULT_DEFINITION.scale.map((a) => `${a.value} · ${pick(a.label, locale)}`),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.cycles.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const db = host.db as unknown as Kysely<Review360Tables>;
  const result = compiledSurvey(cycleSurveyJson(await cycleFormOptions(db), t)).validate(payload, locale);
  if (!result.ok) return data({ errors: result.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const now = host.ctx.clock().toISOString();
  const parsed = parseCycleForm(result.data, now.slice(0, 10));
  if (!parsed.ok) return data({ errors: parsed.errors.map((e) => ({ name: e.name, message: t(e.key) })) }, { status: 400 });
  const id = await createCycle(db, { ...parsed.cycle, definition: DEFAULT_DEFINITION }, viewer.id, now);
  await host.ctx.audit(db, { actorId: viewer.id, action: "review360.cycle.create", target: `review360_cycle:${id}`, detail: parsed.cycle });
  throw redirect(`/review360/cycles/${id}?done=created`);
}

export default function CycleNew() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save");
  return (
    <>
      <PageHeader
        title={t("review360.cycles.new")}
        actions={
          <Link className="button" to="/review360/cycles">
            {t("common.back")}
          </Link>
        }
      />
      <div className="two-col">
        <div className="card">
          <SurveyForm json={d.json} data={d.values} locale={locale} onSubmit={submit} />
        </div>
        <aside className="card" data-testid="default-competencies">
          <h2>{t("review360.cycleForm.competencies")}</h2>
          <p className="muted small">{t("review360.cycleForm.competenciesHint")}</p>
          {d.competencies.map((c) => (
            <div key={c.id}>
              <h3>{c.title}</h3>
              <ul className="small">
                {c.items.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            </div>
          ))}
          <h3>{t("review360.cycleForm.scale")}</h3>
          <p className="small">{d.scale.join(" / ")}</p>
        </aside>
      </div>
    </>
  );
}
