import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { formatDateTime, formatNumber } from "@aftercare/i18n";
import { EmptyState, PageHeader } from "@aftercare/ui";
import type { VisitsTables } from "../tables";
import { customerHistory } from "../history/customer-history.server";
import { inScope, viewerScope } from "../scope.server";
import { idParam } from "../web/params";
import "../web/visits.css";

/**
 * A customer's file: every visit, service call and (with the satisfaction plugin) survey result,
 * newest first. Anyone who may read visits sees the whole file — staff need the history before
 * they visit; entries outside the viewer's scope are shown without a link.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { host, viewer } = await requirePermission(request, "visits.visits.read");
  const customer = await (host.db as unknown as Kysely<VisitsTables>)
    .selectFrom("customers as c")
    .leftJoin("users as u", "u.id", "c.owner_id")
    .select(["c.id", "c.company", "c.contact_name", "c.phone", "c.region", "c.tier", "u.name as owner_name"])
    .where("c.id", "=", id)
    .executeTakeFirst();
  if (!customer) throw new Response("Not Found", { status: 404 });
  const scope = await viewerScope(host.db, viewer);
  const history = await customerHistory(host.ctx, id);
  return {
    customer,
    surveysAvailable: history.surveysAvailable,
    entries: history.entries.map((e) => ({
      ...e,
      linked: e.kind === "visit" ? inScope(scope, e.ownerId) : e.kind === "call" ? e.people.some((p) => inScope(scope, p)) : e.href !== null,
    })),
    canVisit: viewer.permissions.has("visits.visits.write"),
    canCall: viewer.permissions.has("visits.calls.write"),
  };
}

export default function CustomerHistory() {
  const d = useLoaderData<typeof loader>();
  const { t, locale } = useI18n();
  const c = d.customer;
  return (
    <>
      <PageHeader
        title={t("visits.history.title", { company: c.company })}
        subtitle={[c.contact_name, c.phone, c.region, t(`tier.${c.tier}`), c.owner_name].filter(Boolean).join(" · ")}
        actions={
          <>
            {d.canVisit ? (
              <Link className="button primary" to={`/visits/new?customer=${c.id}`}>
                {t("visits.list.new")}
              </Link>
            ) : null}
            {d.canCall ? (
              <Link className="button" to={`/visits/calls/new?customer=${c.id}`}>
                {t("visits.calls.new")}
              </Link>
            ) : null}
          </>
        }
      />
      {d.entries.length === 0 ? (
        <EmptyState>{t("visits.history.empty")}</EmptyState>
      ) : (
        <ul className="history-list" data-testid="customer-history">
          {d.entries.map((e) => (
            <li key={`${e.kind}-${e.kind === "survey" ? e.at + e.title : e.id}`} data-kind={e.kind}>
              <span className="history-kind">{formatDateTime(e.at, locale, { time: e.kind !== "survey" })}</span>
              {e.kind === "visit" ? (
                <>
                  <strong>{t("visits.history.visit")}</strong> · {e.linked ? <Link to={`/visits/${e.id}`}>{t(`visits.type.${e.type}`)}</Link> : t(`visits.type.${e.type}`)} ·{" "}
                  <span className={`badge badge-${e.status}`}>{t(`visits.status.${e.status}`)}</span> · {e.owner}
                  {e.summary ? <div className="muted small">{e.summary}</div> : null}
                </>
              ) : e.kind === "call" ? (
                <>
                  <strong>{t("visits.history.call")}</strong> · {e.linked ? <Link to={`/visits/calls/${e.id}`}>#{e.id}</Link> : `#${e.id}`} · {e.fault}
                  {e.engineer ? ` · ${e.engineer}` : ""}
                  {!e.closed ? <span className="badge badge-planned"> {t("visits.history.openCall")}</span> : null}
                  {e.breached ? <span className="badge sla-bad"> {t("visits.history.breached", { count: e.breached })}</span> : null}
                </>
              ) : (
                <>
                  <strong>{t("visits.history.survey")}</strong> · {e.linked && e.href ? <Link to={e.href}>{e.title}</Link> : e.title}
                  {e.score !== null ? ` · ${t("visits.history.score", { score: formatNumber(e.score, locale) })}` : ""}
                  {e.detail ? <div className="muted small">{e.detail}</div> : null}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
