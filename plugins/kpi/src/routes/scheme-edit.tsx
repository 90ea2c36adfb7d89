import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { defaultScheme, STAFF_KINDS, validateDefinition, type StaffKind } from "../scheme/definition";
import { saveScheme, schemeFor } from "../scheme/schemes.server";
import { parseSchemeForm, schemeFormJson, schemeFormValues } from "../scheme/scheme-form";
import { monthOf } from "../month";

function parseKind(raw: string | undefined): StaffKind {
  if (!STAFF_KINDS.includes(raw as StaffKind)) throw new Response("Not Found", { status: 404 });
  return raw as StaffKind;
}

/** A refused submission keeps the SurveyJS form as typed: no reload (a new JSON would rebuild the form). */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) => (actionStatus !== undefined && actionStatus >= 400 ? false : defaultShouldRevalidate);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "kpi.schemes.manage");
  const kind = parseKind(params.kind);
  const t = translatorFor(host, resolveLocale(request, viewer));
  const month = monthOf(host.ctx.clock());
  const current = await schemeFor(host.db as unknown as Kysely<KpiTables>, kind, "9999-12");
  return { kind, json: schemeFormJson(kind, t), values: schemeFormValues(current?.definition ?? defaultScheme(kind), month) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "kpi.schemes.manage");
  const kind = parseKind(params.kind);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<KpiTables>;
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const checked = compiledSurvey(schemeFormJson(kind, t)).validate(payload, locale);
  if (!checked.ok) return data({ errors: checked.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const previous = (await schemeFor(db, kind, "9999-12"))?.definition ?? defaultScheme(kind);
  const parsed = parseSchemeForm(kind, checked.data, previous);
  const problems = [...parsed.errors.map((e) => ({ name: e.name, message: t(e.key) })), ...validateDefinition(parsed.definition).map((p) => ({ name: "", message: t(p.key, p.params) }))];
  if (problems.length > 0) return data({ errors: problems }, { status: 400 });
  const now = host.ctx.clock().toISOString();
  const result = await db.transaction().execute(async (trx) => {
    const r = await saveScheme(trx, { kind, monthFrom: parsed.monthFrom, definition: parsed.definition, actorId: viewer.id, now });
    if (r.ok) await host.ctx.audit(trx, { actorId: viewer.id, action: r.replaced ? "kpi.scheme.replace" : "kpi.scheme.create", target: `kpi_scheme:${r.id}`, detail: { kind, monthFrom: parsed.monthFrom, version: r.version, definition: parsed.definition } });
    return r;
  });
  if (!result.ok) return data({ errors: [{ name: "monthFrom", message: t("kpi.scheme.problem.sheetsExist", { month: result.month }) }] }, { status: 409 });
  throw redirect(`/kpi/schemes?saved=${result.version}`);
}

export default function SchemeEdit() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save");
  return (
    <>
      <PageHeader
        title={t("kpi.schemes.editTitle", { kind: t(`kpi.kind.${d.kind}`) })}
        subtitle={t("kpi.schemes.editHint")}
        actions={
          <Link className="button" to="/kpi/schemes">
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
