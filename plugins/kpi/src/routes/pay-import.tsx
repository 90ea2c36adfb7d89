import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { decodeCsvBytes } from "@aftercare/core/csv";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, Notice, PageHeader } from "@aftercare/ui";
import type { KpiTables } from "../tables";
import { previewAveragePayCsv, setAveragePays } from "../pay/pay.server";
import { formatCents } from "../pay/money-text";
import { isMonth, monthParam } from "../month";
import "../kpi.css";

/** Largest CSV accepted (an average-pay file has one short line per employee). */
const MAX_BYTES = 1_000_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "kpi.pay.manage");
  return { month: monthParam(new URL(request.url), host.ctx.clock()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, viewer, form } = await requireAction(request, "kpi.pay.manage");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const db = host.db as unknown as Kysely<KpiTables>;
  const month = String(form.get("month") ?? "");
  if (!isMonth(month)) throw new Response("Bad Request", { status: 400 });
  const intent = form.get("intent");
  let text: string;
  if (intent === "preview") {
    const file = form.get("file");
    if (!file || typeof file === "string" || file.size === 0) return data({ error: t("kpi.import.error.noFile"), preview: null, text: null }, { status: 400 });
    if (file.size > MAX_BYTES) return data({ error: t("kpi.import.error.tooLarge"), preview: null, text: null }, { status: 400 });
    const decoded = decodeCsvBytes(new Uint8Array(await file.arrayBuffer()));
    if (!decoded.ok) return data({ error: t("kpi.import.error.encoding"), preview: null, text: null }, { status: 400 });
    text = decoded.text;
  } else if (intent === "commit") {
    text = String(form.get("csv") ?? "").slice(0, MAX_BYTES);
  } else {
    throw new Response("Bad Request", { status: 400 });
  }
  // The preview is computed again on commit: the server never trusts what the page sent back.
  const preview = await previewAveragePayCsv(db, viewer, text);
  if (preview.fileKey) return data({ error: t(preview.fileKey), preview: null, text: null }, { status: 400 });
  const shown = preview.rows.map((r) => (r.ok ? { line: r.line, email: r.email, name: r.name, cents: r.cents, error: null } : { line: r.line, email: r.email, name: null, cents: null, error: t(r.key) }));
  if (intent === "preview") return { error: null, preview: shown, text };
  const entries = preview.rows.flatMap((r) => (r.ok ? [{ employeeId: r.employeeId, cents: r.cents }] : []));
  const now = host.ctx.clock().toISOString();
  const saved = await db.transaction().execute(async (trx) => {
    const n = await setAveragePays(trx, { month, actor: viewer, entries, source: "import", now });
    await host.ctx.audit(trx, { actorId: viewer.id, action: "kpi.pay.average.import", target: `kpi_pay:${month}`, detail: { saved: n, skipped: preview.rows.length - entries.length } });
    return n;
  });
  throw redirect(`/kpi/pay?month=${month}&imported=${saved}`);
}

export default function PayImport() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, locale } = useI18n();
  const rows = result?.preview ?? null;
  const good = rows?.filter((r) => !r.error).length ?? 0;
  const bad = (rows?.length ?? 0) - good;
  return (
    <>
      <PageHeader
        title={t("kpi.import.title", { month: d.month })}
        actions={
          <Link to={`/kpi/pay?month=${d.month}`} className="button">
            {t("common.back")}
          </Link>
        }
      />
      <p className="muted">{t("kpi.import.help")}</p>
      <pre className="card small">{"email,average_pay\nzhang.wei@aftercare.local,8000.00\n"}</pre>
      {result?.error ? <Notice tone="error">{result.error}</Notice> : null}
      <Form method="post" encType="multipart/form-data" className="card stack">
        <CsrfField />
        <input type="hidden" name="intent" value="preview" />
        <input type="hidden" name="month" value={d.month} />
        <label>
          {t("kpi.import.file")}
          <input type="file" name="file" accept=".csv,text/csv" required data-testid="kpi-import-file" />
        </label>
        <button type="submit" disabled={navigation.state !== "idle"}>
          {t("kpi.import.preview")}
        </button>
      </Form>
      {rows ? (
        <section className="card" data-testid="kpi-import-preview">
          <h2>{t("kpi.import.previewTitle", { ok: good, bad })}</h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t("kpi.import.line")}</th>
                  <th>{t("field.email")}</th>
                  <th>{t("kpi.pay.employee")}</th>
                  <th className="num">{t("kpi.pay.average")}</th>
                  <th>{t("kpi.import.problem")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.line} className={r.error ? "row-error" : undefined}>
                    <td>{r.line}</td>
                    <td>{r.email}</td>
                    <td>{r.name ?? ""}</td>
                    <td className="num">{r.cents === null ? "" : formatCents(r.cents, locale)}</td>
                    <td className="error-text">{r.error ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {good > 0 ? (
            <Form method="post">
              <CsrfField />
              <input type="hidden" name="intent" value="commit" />
              <input type="hidden" name="month" value={d.month} />
              <input type="hidden" name="csv" value={result?.text ?? ""} />
              {bad > 0 ? <Notice tone="warning">{t("kpi.import.skipping", { bad })}</Notice> : null}
              <button type="submit" className="primary" disabled={navigation.state !== "idle"} data-testid="kpi-import-commit">
                {t("kpi.import.commit", { count: good, month: d.month })}
              </button>
            </Form>
          ) : (
            <Notice tone="warning">{t("kpi.import.nothing")}</Notice>
          )}
        </section>
      ) : null}
    </>
  );
}
