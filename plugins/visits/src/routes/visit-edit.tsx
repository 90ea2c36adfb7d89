import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { VisitsTables } from "../tables";
import { parseVisitForm } from "../visit/visit-form";
import { getVisit, saveVisit, visitFormValues, visitInScope } from "../visit/visits.server";
import { activeCustomers, visitFormFor } from "../visit/visit-page.server";
import { isVisitType } from "../visit/visit-types";
import { viewerScope } from "../scope.server";
import { idParam, optionalId } from "../web/params";
import { toCompanyLocal } from "../time";
import { CustomerPicker } from "../web/CustomerPicker";

/** The visit being edited (`:id`), or null for a new one. */
function visitId(raw: string | undefined): number | null {
  return raw === undefined ? null : idParam(raw);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.visits.write");
  const id = visitId(params.id);
  const url = new URL(request.url);
  const t = translatorFor(host, resolveLocale(request, viewer));
  if (id === null) {
    const customerId = optionalId(url.searchParams.get("customer"));
    const customer = customerId ? await (host.db as unknown as Kysely<VisitsTables>).selectFrom("customers").select(["id", "company"]).where("id", "=", customerId).where("active", "=", 1).executeTakeFirst() : undefined;
    if (!customer) return { id, customer: null, customers: await activeCustomers(host.db), json: null, values: {} };
    const { json } = await visitFormFor(host, customer.id, t);
    const type = url.searchParams.get("type");
    const plannedAt = toCompanyLocal(new Date(Math.ceil(host.ctx.clock().getTime() / 3_600_000) * 3_600_000).toISOString());
    return { id, customer, customers: [], json, values: { status: "planned", visitors: [viewer.id], plannedAt, ...(isVisitType(type) ? { type } : {}) } };
  }
  const visit = await getVisit(host.db, id);
  if (!visit || !visitInScope(await viewerScope(host.db, viewer), visit)) throw new Response("Not Found", { status: 404 });
  if (visit.status === "cancelled") throw redirect(`/visits/${id}`);
  const { json } = await visitFormFor(host, visit.customer_id, t);
  return { id, customer: { id: visit.customer_id, company: visit.company }, customers: [], json, values: visitFormValues(visit) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "visits.visits.write");
  const id = visitId(params.id);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  let customerId: number | null;
  if (id === null) {
    customerId = optionalId(new URL(request.url).searchParams.get("customer"));
    const exists = customerId ? await (host.db as unknown as Kysely<VisitsTables>).selectFrom("customers").select("id").where("id", "=", customerId).where("active", "=", 1).executeTakeFirst() : undefined;
    if (!exists) throw new Response("Not Found", { status: 404 });
  } else {
    const visit = await getVisit(host.db, id);
    if (!visit || !visitInScope(await viewerScope(host.db, viewer), visit)) throw new Response("Not Found", { status: 404 });
    customerId = visit.customer_id;
  }
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const { json, checklists } = await visitFormFor(host, customerId!, t);
  const result = compiledSurvey(json).validate(payload, locale);
  if (!result.ok) return data({ errors: result.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const parsed = parseVisitForm(result.data, checklists, host.ctx.clock().toISOString());
  if (!parsed.ok) return data({ errors: parsed.errors.map((e) => ({ name: e.name, message: t(e.key, { field: e.name }) })) }, { status: 400 });
  const saved = await saveVisit(host.ctx, { id: id ?? undefined, customerId: customerId!, input: parsed.visit, actorId: viewer.id });
  if (!saved.ok) return data({ errors: [{ name: saved.name ?? "type", message: t(saved.key) }] }, { status: 400 });
  throw redirect(`/visits/${saved.id}?done=saved`);
}

export default function VisitEdit() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save", d.id === null ? `/visits/new?customer=${d.customer?.id ?? ""}` : `/visits/${d.id}/edit`);
  return (
    <>
      <PageHeader
        title={d.id === null ? t("visits.new.title") : t("visits.edit.title")}
        subtitle={d.customer ? d.customer.company : undefined}
        actions={
          <Link className="button" to={d.id === null ? "/visits" : `/visits/${d.id}`}>
            {t("common.back")}
          </Link>
        }
      />
      {d.customer && d.json ? (
        <div className="card" data-testid="visit-form">
          <SurveyForm json={d.json} data={d.values} locale={locale} onSubmit={submit} />
        </div>
      ) : (
        <CustomerPicker customers={d.customers} labelKey="visits.new.pickCustomer" />
      )}
    </>
  );
}
