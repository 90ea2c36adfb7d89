import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import type { Host } from "@aftercare/core/host.server";
import type { Translate } from "@aftercare/i18n";
import { compiledSurvey } from "@aftercare/forms";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { PageHeader, useSurveySubmit } from "@aftercare/ui";
import type { VisitsTables } from "../tables";
import { callSurveyJson, parseCallForm } from "../call/call-form";
import { createCall } from "../call/calls.server";
import { activeCustomers, activeStaff, customerEquipment } from "../visit/visit-page.server";
import { optionalId } from "../web/params";
import { toCompanyLocal } from "../time";
import { CustomerPicker } from "../web/CustomerPicker";

async function customerOf(host: Host, request: Request) {
  const id = optionalId(new URL(request.url).searchParams.get("customer"));
  if (!id) return undefined;
  return (host.db as unknown as Kysely<VisitsTables>).selectFrom("customers").select(["id", "company"]).where("id", "=", id).where("active", "=", 1).executeTakeFirst();
}

async function formJson(host: Host, customerId: number, t: Translate) {
  return callSurveyJson({ people: await activeStaff(host.db), equipment: await customerEquipment(host.db, customerId) }, t);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.calls.write");
  const t = translatorFor(host, resolveLocale(request, viewer));
  const customer = await customerOf(host, request);
  if (!customer) return { customer: null, customers: await activeCustomers(host.db), json: null, values: {} };
  return {
    customer,
    customers: [],
    json: await formJson(host, customer.id, t),
    values: { channel: "hotline", takenBy: viewer.id, receivedAt: toCompanyLocal(host.ctx.clock().toISOString()) },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "visits.calls.write");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const customer = await customerOf(host, request);
  if (!customer) throw new Response("Not Found", { status: 404 });
  let payload: unknown;
  try {
    payload = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    payload = null;
  }
  const result = compiledSurvey(await formJson(host, customer.id, t)).validate(payload, locale);
  if (!result.ok) return data({ errors: result.errors.map((e) => ({ name: e.name, message: e.message })) }, { status: 400 });
  const parsed = parseCallForm(result.data, customer.id, host.ctx.clock().toISOString());
  if (!parsed.ok) return data({ errors: parsed.errors.map((e) => ({ name: e.name, message: t(e.key, { field: t(`visits.call.${e.name}`) }) })) }, { status: 400 });
  const id = await createCall(host.ctx, parsed.call, viewer.id);
  throw redirect(`/visits/calls/${id}?done=created`);
}

export default function CallNew() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save", `/visits/calls/new?customer=${d.customer?.id ?? ""}`);
  return (
    <>
      <PageHeader
        title={t("visits.calls.new")}
        subtitle={d.customer?.company}
        actions={
          <Link className="button" to="/visits/calls">
            {t("common.back")}
          </Link>
        }
      />
      {d.customer && d.json ? (
        <div className="card" data-testid="call-form">
          <SurveyForm json={d.json} data={d.values} locale={locale} onSubmit={submit} />
        </div>
      ) : (
        <CustomerPicker customers={d.customers} labelKey="visits.call.customerPick" />
      )}
    </>
  );
}
