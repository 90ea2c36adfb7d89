import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { entityByName } from "@aftercare/core/entities/definitions";
import { entitySurveyJson } from "@aftercare/core/entities/form";
import { getEntity, loadRefChoices, loadRefMaps, loadUniqueIndex, saveEntity, setEntityActive, uniqueErrors } from "@aftercare/core/entities/store.server";
import { validateEntityInput } from "@aftercare/core/entities/validate";
import { SurveyForm } from "@aftercare/forms/survey-form";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { ConfirmButton, PageHeader, useSurveySubmit } from "@aftercare/ui";

function parseId(raw: string | undefined): number | null | undefined {
  if (raw === "new") return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const def = entityByName(params.entity);
  const id = parseId(params.id);
  if (!def || id === undefined) throw new Response("Not Found", { status: 404 });
  const { host, viewer } = await requirePermission(request, id === null ? def.managePermission : def.readPermission);
  const record = id === null ? null : await getEntity(host.db, def, id);
  if (id !== null && !record) throw new Response("Not Found", { status: 404 });
  const t = translatorFor(host, resolveLocale(request, viewer));
  const json = entitySurveyJson(def, await loadRefChoices(host.db), t, { isNew: id === null, selfId: def.name === "users" ? id ?? undefined : undefined });
  const values: Record<string, unknown> = {};
  for (const f of def.fields) if (record && f.type !== "password" && record[f.name] !== null) values[f.name] = record[f.name];
  return {
    entity: def.name,
    oneKey: def.oneKey,
    id,
    json,
    values,
    active: record ? record.active === 1 : true,
    display: record ? String(record[def.displayColumn] ?? "") : "",
    canManage: viewer.permissions.has(def.managePermission),
    isSelf: def.name === "users" && id === viewer.id,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const def = entityByName(params.entity);
  const id = parseId(params.id);
  if (!def || id === undefined) throw new Response("Not Found", { status: 404 });
  const { host, viewer, form } = await requireAction(request, def.managePermission);
  const t = translatorFor(host, resolveLocale(request, viewer));
  const now = host.ctx.clock().toISOString();
  if (id !== null && !(await getEntity(host.db, def, id))) throw new Response("Not Found", { status: 404 });
  const intent = form.get("intent");
  if ((intent === "deactivate" || intent === "reactivate") && id !== null) {
    if (def.name === "users" && id === viewer.id) throw new Response("Forbidden", { status: 403 });
    await setEntityActive(host.db, def, id, intent === "reactivate", viewer.id, now);
    throw redirect(`/admin/${def.name}?done=${intent}d`);
  }
  if (intent !== "save") throw new Response("Bad Request", { status: 400 });
  let raw: unknown;
  try {
    raw = JSON.parse(String(form.get("payload") ?? ""));
  } catch {
    raw = null;
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return data({ errors: [{ name: def.fields[0].name, message: t("error.400") }] }, { status: 400 });
  const result = validateEntityInput(def, raw as Record<string, unknown>, await loadRefMaps(host.db), { locale: resolveLocale(request, viewer), t }, "form");
  const errors = result.ok ? uniqueErrors(def, result.values, id, await loadUniqueIndex(host.db, def), { locale: resolveLocale(request, viewer), t }) : result.errors;
  if (result.ok && def.name === "users" && id !== null && result.values.supervisor_id === id) errors.supervisor_id = t("validation.selfSupervisor");
  if (!result.ok || Object.keys(errors).length > 0) {
    return data({ errors: Object.entries(errors).map(([name, message]) => ({ name, message })) }, { status: 400 });
  }
  await saveEntity(host.db, def, result.values, id, viewer.id, now);
  throw redirect(`/admin/${def.name}?done=${id === null ? "created" : "updated"}`);
}

export default function EntityEdit() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const submit = useSurveySubmit("save");
  const what = t(d.oneKey);
  return (
    <>
      <PageHeader
        title={d.id === null ? t("entity.new", { what }) : `${t("entity.edit", { what })}: ${d.display}`}
        actions={
          <Link to={`/admin/${d.entity}`} className="button">
            {t("common.back")}
          </Link>
        }
      />
      <div className="card">
        <SurveyForm json={d.json} data={d.values} locale={locale} readOnly={!d.canManage} onSubmit={submit} />
      </div>
      {d.id !== null && d.canManage && !d.isSelf ? (
        <div className="danger-zone">
          {d.active ? (
            <ConfirmButton intent="deactivate" label={t("common.deactivate")} confirm={t("common.confirmDeactivate", { name: d.display })} tone="danger" />
          ) : (
            <ConfirmButton intent="reactivate" label={t("common.reactivate")} confirm={t("common.reactivate") + "?"} />
          )}
        </div>
      ) : null}
    </>
  );
}
