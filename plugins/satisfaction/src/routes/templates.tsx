import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { type Kysely, sql } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { formatDateTime, formatNumber } from "@aftercare/i18n";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { EmptyState, Notice, PageHeader } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import { pick } from "../template/definition";
import { listLatestTemplates } from "../template/templates.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host } = await requirePermission(request, "satisfaction.templates.manage");
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const latest = await listLatestTemplates(db);
  const ids = latest.map((x) => x.id);
  const families = latest.map((x) => x.familyId);
  const versions = families.length
    ? await db.selectFrom("satisfaction_template").select(["family_id", sql<number>`count(*)`.as("n")]).where("family_id", "in", families).groupBy("family_id").execute()
    : [];
  const updated = ids.length ? await db.selectFrom("satisfaction_template").select(["id", "updated_at"]).where("id", "in", ids).execute() : [];
  // Campaigns using the version shown (older versions keep theirs).
  const campaigns = ids.length
    ? await db.selectFrom("satisfaction_campaign").select(["template_id", sql<number>`count(*)`.as("n")]).where("template_id", "in", ids).groupBy("template_id").execute()
    : [];
  const count = (rows: { family_id: number | null; n: number }[], family: number) => Number(rows.find((r) => r.family_id === family)?.n ?? 0);
  return {
    templates: latest.map((x) => ({
      id: x.id,
      name: x.name,
      version: x.version,
      versions: count(versions, x.familyId),
      campaigns: Number(campaigns.find((c) => c.template_id === x.id)?.n ?? 0),
      frozen: x.frozen,
      imported: x.definition.imported,
      threshold: x.definition.threshold,
      productWeight: x.definition.productWeight,
      items: x.definition.items.map((i) => ({ id: i.id, title: i.title, weight: i.weight, group: i.group })),
      updatedAt: updated.find((u) => u.id === x.id)?.updated_at ?? null,
    })),
  };
}

/** The list takes no POSTs; the guard still runs first (403 for those who may not manage templates). */
export async function action({ request }: ActionFunctionArgs) {
  await requireAction(request, "satisfaction.templates.manage");
  throw new Response("Method Not Allowed", { status: 405, statusText: "Method Not Allowed" });
}

export default function Templates() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  return (
    <>
      <PageHeader
        title={t("satisfaction.template.listTitle")}
        subtitle={t("satisfaction.template.listHint")}
        actions={
          <>
            <Link className="button primary" to="/satisfaction/templates/new" data-testid="template-new">
              {t("satisfaction.template.new")}
            </Link>
            <Link className="button" to="/satisfaction/templates/import" data-testid="template-import">
              {t("satisfaction.template.import")}
            </Link>
          </>
        }
      />
      {params.get("done") === "saved" ? <Notice tone="success">{t("satisfaction.template.saved")}</Notice> : null}
      {d.templates.length === 0 ? (
        <EmptyState>{t("satisfaction.template.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="templates-table">
            <thead>
              <tr>
                <th>{t("satisfaction.template.name")}</th>
                <th>{t("satisfaction.template.version")}</th>
                <th>{t("satisfaction.template.state")}</th>
                <th>{t("satisfaction.template.itemsCount")}</th>
                <th>{t("satisfaction.template.weights")}</th>
                <th>{t("satisfaction.template.thresholdShort")}</th>
                <th>{t("satisfaction.template.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {d.templates.map((x) => (
                <tr key={x.id}>
                  <td data-label={t("satisfaction.template.name")}>
                    <Link to={`/satisfaction/templates/${x.id}`}>{x.name}</Link>
                    {x.imported ? <span className="muted"> · {t("satisfaction.template.importedFlag")}</span> : null}
                  </td>
                  <td data-label={t("satisfaction.template.version")}>
                    v{x.version}
                    {x.versions > 1 ? <span className="muted"> ({t("satisfaction.template.versionsCount", { count: x.versions })})</span> : null}
                  </td>
                  <td data-label={t("satisfaction.template.state")}>
                    <span className={`badge ${x.frozen ? "badge-frozen" : "badge-editable"}`}>{x.frozen ? t("satisfaction.template.frozen") : t("satisfaction.template.editable")}</span>
                    {x.campaigns > 0 ? <div className="muted">{t("satisfaction.template.usedBy", { count: x.campaigns })}</div> : null}
                  </td>
                  <td data-label={t("satisfaction.template.itemsCount")}>{x.items.length}</td>
                  <td data-label={t("satisfaction.template.weights")}>
                    {x.items.map((i) => `${pick(i.title, locale)} ${formatNumber(i.weight, locale, 2)}`).join(" · ")}
                    <div className="muted">
                      {t("satisfaction.template.groupsSummary", {
                        product: x.items.filter((i) => i.group === "product").map((i) => pick(i.title, locale)).join("、") || t("common.none"),
                        service: x.items.filter((i) => i.group === "service").map((i) => pick(i.title, locale)).join("、") || t("common.none"),
                        wp: formatNumber(x.productWeight, locale, 2),
                      })}
                    </div>
                  </td>
                  <td data-label={t("satisfaction.template.thresholdShort")}>{formatNumber(x.threshold, locale, 0)}</td>
                  <td data-label={t("satisfaction.template.updated")}>{formatDateTime(x.updatedAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
