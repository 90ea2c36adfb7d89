import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireAction, requirePermission } from "@aftercare/core/guards.server";
import { entityByName } from "@aftercare/core/entities/definitions";
import { listEntity } from "@aftercare/core/entities/store.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { EmptyState, Notice, PageHeader, Pagination, SearchBox } from "@aftercare/ui";

const PAGE_SIZE = 25;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const def = entityByName(params.entity);
  if (!def) throw new Response("Not Found", { status: 404 });
  const { host, viewer } = await requirePermission(request, def.readPermission);
  const url = new URL(request.url);
  const page = Math.max(1, Math.min(100_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const showInactive = url.searchParams.get("inactive") === "1";
  const { rows, total } = await listEntity(host.db, def, { q, page, pageSize: PAGE_SIZE, showInactive });
  const refUsers = new Set<number>();
  const refCustomers = new Set<number>();
  for (const row of rows) {
    for (const f of def.fields.filter((x) => x.type === "ref")) {
      const v = row[f.name];
      if (typeof v === "number") (f.ref!.entity === "users" ? refUsers : refCustomers).add(v);
    }
  }
  const names: Record<string, string> = {};
  if (refUsers.size) for (const u of await host.db.selectFrom("users").select(["id", "name"]).where("id", "in", [...refUsers]).execute()) names[`users:${u.id}`] = u.name;
  if (refCustomers.size) for (const c of await host.db.selectFrom("customers").select(["id", "company"]).where("id", "in", [...refCustomers]).execute()) names[`customers:${c.id}`] = c.company;
  const columns = def.fields.filter((f) => f.list);
  return {
    entity: def.name,
    titleKey: def.titleKey,
    oneKey: def.oneKey,
    canManage: viewer.permissions.has(def.managePermission),
    columns: columns.map((c) => ({ name: c.name, labelKey: c.labelKey, type: c.type, ref: c.ref?.entity ?? null, choices: c.choices ?? [] })),
    rows: rows.map((r) => ({ id: r.id, active: r.active, cells: Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])) as Record<string, string | number | null> })),
    names,
    page,
    total,
    q,
    showInactive,
  };
}

/** The list takes no POSTs, but the guard runs first: who may not manage the data gets 403, not 405. */
export async function action({ request, params }: ActionFunctionArgs) {
  const def = entityByName(params.entity);
  if (!def) throw new Response("Not Found", { status: 404 });
  await requireAction(request, def.managePermission);
  throw new Response("Method Not Allowed", { status: 405, statusText: "Method Not Allowed" });
}

export default function EntityList() {
  const d = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const [params] = useSearchParams();
  const flash = params.get("done");
  const imported = params.get("imported")?.split("-");
  const toggle = new URLSearchParams(params);
  if (d.showInactive) toggle.delete("inactive");
  else toggle.set("inactive", "1");
  toggle.delete("page");
  const cell = (col: (typeof d.columns)[number], value: string | number | null) => {
    if (value === null || value === "") return <span className="muted">{t("common.none")}</span>;
    if (col.type === "ref") return d.names[`${col.ref}:${value}`] ?? `#${value}`;
    if (col.type === "choice") {
      const choice = col.choices.find((c) => c.value === value);
      return choice ? t(choice.labelKey) : String(value);
    }
    return String(value);
  };
  return (
    <>
      <PageHeader
        title={t(d.titleKey)}
        actions={
          <>
            {d.canManage ? (
              <Link className="button primary" to={`/admin/${d.entity}/new`}>
                {t("entity.new", { what: t(d.oneKey) })}
              </Link>
            ) : null}
            {d.canManage ? (
              <Link className="button" to={`/admin/${d.entity}/import`}>
                {t("common.import")}
              </Link>
            ) : null}
            <a className="button" href={`/admin/${d.entity}/export.csv`} download>
              {t("common.export")}
            </a>
          </>
        }
      />
      {flash ? <Notice tone="success">{t(`entity.${flash}`)}</Notice> : null}
      {imported ? <Notice tone="success">{t("import.done", { created: imported[0] ?? 0, updated: imported[1] ?? 0 })}</Notice> : null}
      <div className="toolbar">
        <SearchBox />
        <Link to={`?${toggle.toString()}`} className="muted">
          {d.showInactive ? "✓ " : ""}
          {t("common.showInactive")}
        </Link>
      </div>
      {d.rows.length === 0 ? (
        <EmptyState>{d.q ? t("common.noMatch", { q: d.q }) : t("common.noResults")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid={`${d.entity}-table`}>
            <thead>
              <tr>
                {d.columns.map((c) => (
                  <th key={c.name}>{t(c.labelKey)}</th>
                ))}
                <th>{t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((row) => (
                <tr key={row.id} className={row.active ? undefined : "inactive"}>
                  {d.columns.map((c, i) => (
                    <td key={c.name} data-label={t(c.labelKey)}>
                      {i === 0 ? <Link to={`/admin/${d.entity}/${row.id}`}>{cell(c, row.cells[c.name])}</Link> : cell(c, row.cells[c.name])}
                    </td>
                  ))}
                  <td data-label={t("common.status")}>{row.active ? t("common.active") : t("common.inactive")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={d.page} pageSize={25} total={d.total} />
    </>
  );
}
