import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { entityByName } from "@aftercare/core/entities/definitions";
import { commitImport, csvColumns, previewBatch, stageImport, type ImportPreview } from "@aftercare/core/entities/csv-transfer.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, Notice, PageHeader } from "@aftercare/ui";

const PREVIEW_ROWS = 200;

function trimPreview(preview: ImportPreview | null) {
  if (!preview) return null;
  // Errors first, then the rest, capped: the page stays light for 100,000-row files.
  const rows = [...preview.rows.filter((r) => r.errors.length > 0), ...preview.rows.filter((r) => r.errors.length === 0)].slice(0, PREVIEW_ROWS);
  return { ...preview, rows, hidden: preview.rows.length - rows.length };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const def = entityByName(params.entity);
  if (!def) throw new Response("Not Found", { status: 404 });
  const { host, viewer } = await requirePermission(request, def.managePermission);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const batch = Number(new URL(request.url).searchParams.get("batch"));
  const preview = Number.isSafeInteger(batch) && batch > 0 ? await previewBatch(host.db, def, batch, viewer.id, { locale, t }) : null;
  return { entity: def.name, titleKey: def.titleKey, columns: csvColumns(def), importKey: def.importKey, batch: preview ? batch : null, preview: trimPreview(preview) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const def = entityByName(params.entity);
  if (!def) throw new Response("Not Found", { status: 404 });
  const { host, viewer, form } = await requireAction(request, def.managePermission);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const now = host.ctx.clock().toISOString();
  const intent = form.get("intent");
  if (intent === "preview") {
    const file = form.get("file");
    if (!file || typeof file === "string" || file.size === 0) return data({ error: t("import.noFile"), preview: null }, { status: 400 });
    const { batchId, preview } = await stageImport(host.db, def, new Uint8Array(await file.arrayBuffer()), file.name.slice(0, 200), viewer.id, now, { locale, t });
    if (batchId === null) return data({ error: preview.fileErrors.join(" "), preview: null }, { status: 400 });
    throw redirect(`/admin/${def.name}/import?batch=${batchId}`);
  }
  if (intent === "commit") {
    const batch = Number(form.get("batch"));
    if (!Number.isSafeInteger(batch)) throw new Response("Bad Request", { status: 400 });
    const result = await commitImport(host.db, def, batch, viewer.id, now, { locale, t });
    if (!result.ok) return data({ error: t("import.fixFirst"), preview: trimPreview(result.preview) }, { status: 400 });
    throw redirect(`/admin/${def.name}?imported=${result.created}-${result.updated}`);
  }
  throw new Response("Bad Request", { status: 400 });
}

export default function EntityImport() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useI18n();
  const preview = result?.preview ?? d.preview;
  const what = t(d.titleKey);
  return (
    <>
      <PageHeader
        title={t("import.title", { what })}
        actions={
          <Link to={`/admin/${d.entity}`} className="button">
            {t("common.back")}
          </Link>
        }
      />
      <p className="muted">{t("import.help", { columns: d.columns.join(", "), key: d.importKey })}</p>
      {result?.error ? <Notice tone="error">{result.error}</Notice> : null}
      <Form method="post" encType="multipart/form-data" className="card stack">
        <CsrfField />
        <input type="hidden" name="intent" value="preview" />
        <label>
          {t("import.file")}
          <input type="file" name="file" accept=".csv,text/csv" required data-testid="import-file" />
        </label>
        <button type="submit" disabled={navigation.state !== "idle"}>
          {t("import.preview")}
        </button>
      </Form>
      {preview ? (
        <section className="card" data-testid="import-preview">
          <h2>{t("import.previewTitle", { ok: preview.okCount, bad: preview.badCount })}</h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t("import.row")}</th>
                  <th>{t("import.action")}</th>
                  {preview.columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                  <th>{t("import.errors")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <tr key={row.line} className={row.errors.length ? "row-error" : undefined}>
                    <td>{row.line}</td>
                    <td>{t(`import.${row.action}`)}</td>
                    {preview.columns.map((c) => (
                      <td key={c}>{row.cells[c] ?? ""}</td>
                    ))}
                    <td className="error-text">{row.errors.join(" ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview.badCount === 0 && d.batch ? (
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="intent" value="commit" />
              <input type="hidden" name="batch" value={d.batch} />
              <button type="submit" className="primary" disabled={navigation.state !== "idle"} data-testid="import-commit">
                {t("import.commit", { count: preview.okCount })}
              </button>
            </Form>
          ) : (
            <Notice tone="warning">{t("import.fixFirst")}</Notice>
          )}
        </section>
      ) : null}
    </>
  );
}
