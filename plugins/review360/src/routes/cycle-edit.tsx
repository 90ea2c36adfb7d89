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
import { getCycle, updateCycle } from "../cycle/cycles.server";
import { cycleFormValues, cycleSurveyJson, parseCycleForm } from "../cycle/cycle-form";
import { cycleFormOptions } from "../cycle/cycle-form.server";

type Db = Kysely<Review360Tables>;

function cycleId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

/** A draft's settings and reviewees, edited with the set-up form; an open or closed cycle goes back to its page. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.cycles.manage");
  const db = host.db as unknown as Db;
  const cycle = await getCycle(db, cycleId(params.id));
  if (!cycle) throw new Response("Not Found", { status: 404 });
  if (cycle.status !== "draft") throw redirect(`/review360/cycles/${cycle.id}?problem=not-draft`);
  const t = translatorFor(host, resolveLocale(request, viewer));
  const options = await cycleFormOptions(db);
  const reviewees = (await db.selectFrom("review360_reviewee").select("user_id").where("cycle_id", "=", cycle.id).orderBy("id").execute()).map((r) => r.user_id);
  return {
    cycle: { id: cycle.id, name: cycle.name },
    json: cycleSurveyJson(options, t, "edit"),
    values: cycleFormValues(cycle, reviewees, options.staff.map((s) => s.id)),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "review360.cycles.manage");
  const db = host.db as unknown as Db;
  const id = cycleId(params.id);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const result = compiledSurvey(cycleSurveyJson(await cycleFormOptions(db), t, "edit")).validate(payload, locale);
  if (!result.ok) return data({ errors: result.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const parsed = parseCycleForm(result.data, host.ctx.clock().toISOString().slice(0, 10));
  if (!parsed.ok) return data({ errors: parsed.errors.map((e) => ({ name: e.name, message: t(e.key) })) }, { status: 400 });
  const change = await updateCycle(host.ctx, id, parsed.cycle, viewer.id);
  if (!change.ok && change.problem === "not-found") throw new Response("Not Found", { status: 404 });
  throw redirect(`/review360/cycles/${id}?${change.ok ? "done=updated" : "problem=not-draft"}`);
}

export default function CycleEdit() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save");
  return (
    <>
      <PageHeader
        title={t("review360.cycle.editTitle", { name: d.cycle.name })}
        actions={
          <Link className="button" to={`/review360/cycles/${d.cycle.id}`}>
            {t("common.back")}
          </Link>
        }
      />
      <div className="card" data-testid="cycle-edit">
        <SurveyForm json={d.json} data={d.values} locale={locale} onSubmit={submit} />
      </div>
    </>
  );
}
