import { type ActionFunctionArgs, data, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatNumber, formatPercent, type Locale } from "@aftercare/i18n";
import { BarChart, CsrfField, EmptyState, Notice, PageHeader, StatCard } from "@aftercare/ui";
import type { SatisfactionTables } from "../tables";
import { campaignComments, campaignReport, type ReportFilter, satisfactionTrend } from "../report/report.server";
import { audienceOptions } from "../campaign/audience.server";
import { pick } from "../template/definition";
import { TrendChart } from "../report/TrendChart";

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  return id;
}

export function parseFilter(url: URL): ReportFilter {
  const region = url.searchParams.get("region");
  const tier = url.searchParams.get("tier");
  const owner = Number(url.searchParams.get("owner"));
  return { region: region ? region.slice(0, 100) : null, tier: tier ? tier.slice(0, 20) : null, ownerId: Number.isSafeInteger(owner) && owner > 0 ? owner : null };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = parseId(params.id);
  const { host, viewer } = await requirePermission(request, "satisfaction.reports.view");
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const filter = parseFilter(new URL(request.url));
  const report = await campaignReport(db, id, filter);
  if (!report) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request, viewer);
  const [comments, trend, options, actions] = await Promise.all([
    campaignComments(db, id, filter),
    satisfactionTrend(db),
    audienceOptions(db),
    db
      .selectFrom("satisfaction_action as a")
      .leftJoin("users as u", "u.id", "a.owner_id")
      .select(["a.id", "a.item", "a.kind", "a.department", "a.description", "a.due_date", "a.status", "u.name as owner"])
      .where("a.campaign_id", "=", id)
      .orderBy("a.id")
      .execute(),
  ]);
  const itemTitle = Object.fromEntries(report.template.items.map((i) => [i.id, pick(i.title, locale)]));
  return { report, comments, trend: trend.filter((p) => p.responses > 0), options, filter, itemTitle, actions, canManage: viewer.permissions.has("satisfaction.campaigns.manage") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = parseId(params.id);
  const { host, viewer, form } = await requireAction(request, "satisfaction.campaigns.manage");
  const t = translatorFor(host, resolveLocale(request, viewer));
  const db = host.db as unknown as Kysely<SatisfactionTables>;
  const department = String(form.get("department") ?? "").trim().slice(0, 100);
  const description = String(form.get("description") ?? "").trim().slice(0, 2000);
  const kind = form.get("kind") === "preventive" ? "preventive" : "corrective";
  const item = String(form.get("item") ?? "").slice(0, 40) || null;
  const due = String(form.get("due") ?? "");
  if (!department || !description) return data({ error: t("satisfaction.action.required") }, { status: 400 });
  const now = host.ctx.clock().toISOString();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("satisfaction_action")
      .values({ campaign_id: id, item, kind, department, description, owner_id: null, due_date: /^\d{4}-\d{2}-\d{2}$/.test(due) ? due : null, status: "open", created_by: viewer.id, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await host.ctx.audit(trx, { actorId: viewer.id, action: "satisfaction.action.create", target: `satisfaction_action:${row.id}`, detail: { campaign: id, kind, department } });
  });
  throw redirect(`/satisfaction/campaigns/${id}/report?done=action#actions`);
}

const pct = (v: number | null, l: Locale) => formatPercent(v, l, 1);

export default function Report() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const r = d.report;
  const wp = r.template.productWeight;
  const query = params.toString();
  const exportHref = (format: string, what: string) => `/satisfaction/campaigns/${r.campaign.id}/export?format=${format}&what=${what}${query ? `&${query}` : ""}`;
  const breakdown = (rows: typeof r.breakdown.region, title: string) => (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>{title}</th>
            <th>{t("satisfaction.report.responses")}</th>
            <th>{t("satisfaction.report.index")}</th>
            <th>{t("satisfaction.report.shareSatisfied", { threshold: r.template.threshold })}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key ?? "none"}>
              <td>{row.label ? (title === t("satisfaction.report.byTier") ? t(`tier.${row.label}`) : row.label) : t("satisfaction.report.unknown")}</td>
              <td>{row.responses}</td>
              <td>{formatNumber(row.index, locale)}</td>
              <td>{pct(row.shareSatisfied, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <div className="report">
      <PageHeader
        title={t("satisfaction.report.title")}
        subtitle={`${r.campaign.name} · ${r.campaign.period} · ${t(`satisfaction.status.${r.campaign.status}`)}`}
        actions={
          <span className="no-print page-actions">
            <a className="button" href={exportHref("csv", "report")}>
              {t("satisfaction.report.exportReportCsv")}
            </a>
            <a className="button" href={exportHref("csv", "responses")}>
              {t("satisfaction.report.exportResponsesCsv")}
            </a>
            <a className="button" href={exportHref("xlsx", "responses")}>
              {t("satisfaction.report.exportResponsesXlsx")}
            </a>
            <button type="button" onClick={() => window.print()}>
              {t("satisfaction.report.print")}
            </button>
            <Link className="button" to={`/satisfaction/campaigns/${r.campaign.id}`}>
              {t("common.back")}
            </Link>
          </span>
        }
      />
      <Form method="get" className="toolbar no-print" aria-label={t("satisfaction.report.filters")}>
        <select name="region" defaultValue={d.filter.region ?? ""} aria-label={t("field.region")}>
          <option value="">{t("satisfaction.report.allRegions")}</option>
          {d.options.regions.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        <select name="tier" defaultValue={d.filter.tier ?? ""} aria-label={t("field.tier")}>
          <option value="">{t("satisfaction.report.allTiers")}</option>
          {["high", "mid", "standard"].map((x) => (
            <option key={x} value={x}>
              {t(`tier.${x}`)}
            </option>
          ))}
        </select>
        <select name="owner" defaultValue={d.filter.ownerId ?? ""} aria-label={t("field.owner")}>
          <option value="">{t("satisfaction.report.allOwners")}</option>
          {d.options.owners.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <button type="submit">{t("satisfaction.report.apply")}</button>
      </Form>

      <div className="stats" data-testid="report-counts">
        <StatCard label={t("satisfaction.report.inScope")} value={String(r.counts.inScope)} />
        <StatCard label={t("satisfaction.report.sent")} value={String(r.counts.sent)} />
        <StatCard label={t("satisfaction.report.returned")} value={String(r.counts.returned)} />
        <StatCard label={t("satisfaction.report.coverage")} value={pct(r.coverage, locale)} />
        <StatCard label={t("satisfaction.report.recovery")} value={pct(r.recovery, locale)} />
        <StatCard label={t("satisfaction.report.coverageTimesRecovery")} value={pct(r.coverageTimesRecovery, locale)} tone={r.meetsTarget ? "good" : "bad"} />
      </div>
      <Notice tone={r.meetsTarget ? "success" : "error"}>
        <span data-testid="coverage-flag" data-meets={r.meetsTarget ? "1" : "0"}>
          {r.meetsTarget ? t("satisfaction.report.meetsTarget") : t("satisfaction.report.belowTarget")}
        </span>
      </Notice>

      {r.counts.returned === 0 ? (
        <EmptyState>{t("satisfaction.report.noResponses")}</EmptyState>
      ) : (
        <>
          <div className="stats" data-testid="report-scores">
            <StatCard label={t("satisfaction.report.index")} value={formatNumber(r.index, locale)} hint={t("satisfaction.report.indexHint")} tone={(r.index ?? 0) >= r.template.threshold ? "good" : "bad"} />
            <StatCard label={t("satisfaction.report.shareSatisfied", { threshold: r.template.threshold })} value={pct(r.shareSatisfied, locale)} />
            <StatCard label={t("satisfaction.report.product")} value={formatNumber(r.groups.product, locale)} />
            <StatCard label={t("satisfaction.report.service")} value={formatNumber(r.groups.service, locale)} />
            <StatCard label={t("satisfaction.report.overall", { wp: formatNumber(wp, locale, 2), ws: formatNumber(1 - wp, locale, 2) })} value={formatNumber(r.groups.overall, locale)} />
          </div>

          <section className="card">
            <h2>{t("satisfaction.report.items")}</h2>
            <BarChart
              items={r.items.map((i) => ({ label: d.itemTitle[i.item], value: i.average ?? 0, display: formatNumber(i.average, locale) }))}
              max={100}
              threshold={r.template.threshold}
            />
            <div className="table-wrap">
              <table className="table" data-testid="item-table">
                <thead>
                  <tr>
                    <th>{t("satisfaction.action.item")}</th>
                    <th>{t("satisfaction.report.group")}</th>
                    <th>{t("satisfaction.report.weight")}</th>
                    <th>{t("satisfaction.report.answers")}</th>
                    <th>{t("satisfaction.report.items")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.items.map((i) => (
                    <tr key={i.item} data-item={i.item}>
                      <td>{d.itemTitle[i.item]}</td>
                      <td>{t(`satisfaction.report.group.${i.group}`)}</td>
                      <td>{formatNumber(i.weight, locale, 2)}</td>
                      <td>{i.answers}</td>
                      <td className="num">{formatNumber(i.average, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {r.weakest.length ? (
              <Notice tone="warning">
                <strong>{t("satisfaction.report.weakest")}: </strong>
                <span data-testid="weakest">{t("satisfaction.report.weakestText", { items: r.weakest.map((i) => d.itemTitle[i]).join(locale === "en" ? ", " : "、") })}</span>
              </Notice>
            ) : null}
          </section>

          <div className="two-col">
            <section className="card">
              <h2>{t("satisfaction.report.distribution")}</h2>
              <BarChart items={r.distribution.map((n, b) => ({ label: b === 9 ? "90–100" : `${b * 10}–${b * 10 + 9}`, value: n, display: String(n) })).reverse()} />
            </section>
            <section className="card">
              <h2>{t("satisfaction.report.trend")}</h2>
              <TrendChart points={d.trend.map((p) => ({ label: p.period, value: p.index, current: p.campaignId === r.campaign.id }))} threshold={r.template.threshold} />
            </section>
          </div>

          <section className="card">
            <h2>{t("satisfaction.report.breakdown")}</h2>
            <h3>{t("satisfaction.report.byRegion")}</h3>
            {breakdown(r.breakdown.region, t("satisfaction.report.byRegion"))}
            <h3>{t("satisfaction.report.byTier")}</h3>
            {breakdown(r.breakdown.tier, t("satisfaction.report.byTier"))}
            <h3>{t("satisfaction.report.byOwner")}</h3>
            {breakdown(r.breakdown.owner, t("satisfaction.report.byOwner"))}
          </section>

          <section className="card">
            <h2>{t("satisfaction.report.comments")}</h2>
            {d.comments.length === 0 ? (
              <p className="muted">{t("satisfaction.report.noComments")}</p>
            ) : (
              [...r.template.items.map((i) => i.id), null].map((item) => {
                const list = d.comments.filter((c) => c.item === item);
                if (list.length === 0) return null;
                return (
                  <div key={item ?? "closing"}>
                    <h3>{item ? d.itemTitle[item] : t("satisfaction.report.closingComments")}</h3>
                    <ul className="comments">
                      {list.map((c) => (
                        <li key={c.id}>
                          “{c.text}” <span className="muted">— {c.company} ({formatNumber(c.score, locale)})</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                );
              })
            )}
          </section>
        </>
      )}

      <section className="card" id="actions">
        <h2>{t("satisfaction.report.actions")}</h2>
        {params.get("done") === "action" ? <Notice tone="success">{t("satisfaction.action.added")}</Notice> : null}
        {d.actions.length === 0 ? (
          <p className="muted">{t("satisfaction.report.noActions")}</p>
        ) : (
          <ul>
            {d.actions.map((a) => (
              <li key={a.id}>
                [{t(`satisfaction.action.${a.kind}`)}] {a.item ? `${d.itemTitle[a.item] ?? a.item} · ` : ""}
                <strong>{a.department}</strong>: {a.description}
                {a.due_date ? <span className="muted"> · {t("satisfaction.action.due")} {formatDateTime(`${a.due_date}T00:00:00Z`, locale)}</span> : null}
              </li>
            ))}
          </ul>
        )}
        {d.canManage ? (
          <Form method="post" className="stack no-print action-form">
            <CsrfField />
            {result?.error ? <Notice tone="error">{result.error}</Notice> : null}
            <div className="form-row">
              <label>
                {t("satisfaction.action.kind")}
                <select name="kind">
                  <option value="corrective">{t("satisfaction.action.corrective")}</option>
                  <option value="preventive">{t("satisfaction.action.preventive")}</option>
                </select>
              </label>
              <label>
                {t("satisfaction.action.item")}
                <select name="item" defaultValue={r.weakest[0] ?? ""}>
                  <option value="">{t("common.none")}</option>
                  {r.template.items.map((i) => (
                    <option key={i.id} value={i.id}>
                      {d.itemTitle[i.id]}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t("satisfaction.action.department")}
                <input name="department" maxLength={100} required />
              </label>
              <label>
                {t("satisfaction.action.due")}
                <input name="due" type="date" />
              </label>
            </div>
            <label>
              {t("satisfaction.action.description")}
              <textarea name="description" rows={2} maxLength={2000} required />
            </label>
            <button type="submit">{t("satisfaction.action.add")}</button>
          </Form>
        ) : null}
      </section>
      <p className="muted small">{r.campaign.sentAt ? formatDateTime(r.campaign.sentAt, locale) : ""}</p>
    </div>
  );
}
