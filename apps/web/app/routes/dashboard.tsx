import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { WidgetView } from "@aftercare/plugin-api";
import { requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { BarChart, EmptyState, PageHeader, StatCard } from "@aftercare/ui";

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "core.dashboard.view");
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const defs = host.plugins.flatMap((p) => (p.widgets ?? []).filter((w) => viewer.permissions.has(w.permission)));
  const widgets = await Promise.all(
    defs.map(async (w) => {
      try {
        return { id: w.id, title: t(w.titleKey), href: w.href ?? null, view: await w.load(host.ctx, viewer, locale) };
      } catch (error) {
        host.ctx.logger.error(`widget ${w.id} failed`, { error: error instanceof Error ? error.message : String(error) });
        return { id: w.id, title: t(w.titleKey), href: w.href ?? null, view: { kind: "list", items: [], empty: t("error.500") } as WidgetView };
      }
    }),
  );
  return { name: viewer.name, widgets };
}

function Widget({ view }: { view: WidgetView }) {
  switch (view.kind) {
    case "stat":
      return <StatCard label="" value={view.value} hint={view.hint} tone={view.tone} />;
    case "bars":
      return <BarChart items={view.items} max={view.max} />;
    case "list":
      return view.items.length === 0 ? (
        <EmptyState>{view.empty}</EmptyState>
      ) : (
        <ul className="widget-list">
          {view.items.map((item, i) => (
            <li key={i}>
              {item.href ? <Link to={item.href}>{item.label}</Link> : item.label}
              {item.detail ? <span className="muted"> · {item.detail}</span> : null}
            </li>
          ))}
        </ul>
      );
  }
}

export default function Dashboard() {
  const { name, widgets } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t("dashboard.title")} subtitle={t("dashboard.welcome", { name })} />
      {widgets.length === 0 ? (
        <EmptyState>{t("dashboard.empty")}</EmptyState>
      ) : (
        <div className="widgets">
          {widgets.map((w) => (
            <section className="card widget" key={w.id} data-widget={w.id}>
              <header className="widget-head">
                <h2>{w.title}</h2>
                {w.href ? <Link to={w.href}>{t("dashboard.open")} →</Link> : null}
              </header>
              <Widget view={w.view as WidgetView} />
            </section>
          ))}
        </div>
      )}
    </>
  );
}
