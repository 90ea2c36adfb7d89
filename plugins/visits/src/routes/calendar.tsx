import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requirePermission } from "@aftercare/core/guards.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { PageHeader } from "@aftercare/ui";
import { calendarVisits } from "../visit/visits.server";
import { inScope, scopePeople, seesOthers, viewerScope } from "../scope.server";
import { companyDate, companyMonth, shiftMonth } from "../time";
import { monthParam, optionalId } from "../web/params";
import { monthGrid } from "../web/calendar-grid";
import "../web/visits.css";
import { PersonSelect } from "../web/PersonSelect";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "visits.visits.read");
  const url = new URL(request.url);
  const nowIso = host.ctx.clock().toISOString();
  const month = monthParam(url, companyMonth(nowIso));
  const scope = await viewerScope(host.db, viewer);
  const raw = url.searchParams.get("person");
  const requested = optionalId(raw);
  // Default: the team (everyone in scope) for supervisors and managers, one's own calendar otherwise.
  const team = seesOthers(scope) && (raw === "team" || (raw === null && requested === null));
  const personId = team ? null : requested && inScope(scope, requested) ? requested : viewer.id;
  const days = await calendarVisits(host.db, scope, month, personId);
  return {
    month,
    prev: shiftMonth(month, -1),
    next: shiftMonth(month, 1),
    today: companyDate(nowIso),
    person: team ? "team" : String(personId),
    people: seesOthers(scope) ? await scopePeople(host.db, scope) : [],
    weeks: monthGrid(month),
    days,
    showOwner: team,
  };
}

export default function Calendar() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const weekdays = t("visits.calendar.weekdays").split(",");
  const link = (month: string) => `?month=${month}&person=${d.person}`;
  return (
    <>
      <PageHeader
        title={`${t("visits.calendar.title")} · ${d.month}`}
        actions={
          <>
            <Link className="button" to={link(d.prev)} aria-label={t("visits.calendar.prev")}>
              ← {d.prev}
            </Link>
            <Link className="button" to={link(d.next)} aria-label={t("visits.calendar.next")}>
              {d.next} →
            </Link>
            <Link className="button primary" to="/visits/new">
              {t("visits.list.new")}
            </Link>
          </>
        }
      />
      {d.people.length > 0 ? (
        <Form method="get" className="toolbar visits-toolbar">
          <input type="hidden" name="month" value={d.month} />
          <PersonSelect name="person" value={d.person} label={t("visits.list.person")} anyLabel={t("visits.calendar.team")} anyValue="team" people={d.people} />
          <button type="submit">{t("visits.list.filter")}</button>
        </Form>
      ) : null}
      <div className="table-wrap">
        <table className="visits-calendar" data-testid="visit-calendar">
          <thead>
            <tr>
              {weekdays.map((w) => (
                <th key={w}>{w}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.weeks.map((week) => (
              <tr key={week[0]}>
                {week.map((day) => (
                  <td key={day} className={`${day.slice(0, 7) !== d.month ? "other-month" : ""}${day === d.today ? " today" : ""}`} data-day={day}>
                    <span className="day-number">{Number(day.slice(8))}</span>
                    <ul>
                      {(d.days[day] ?? []).map((v) => (
                        <li key={v.id} className={`status-${v.status}`}>
                          <Link to={`/visits/${v.id}`} title={`${v.company} · ${t(`visits.type.${v.type}`)} · ${t(`visits.status.${v.status}`)}`}>
                            {v.company}
                            {d.showOwner ? ` · ${v.owner_name}` : ""}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
