import { type AftercarePlugin, pluginBasePath, type Viewer } from "@aftercare/plugin-api";
import type { Translate } from "@aftercare/i18n";

interface NavItem {
  label: string;
  href: string;
  group: string;
  /** Highlight only on this exact path (a section's index page). */
  end: boolean;
}

const CORE_NAV = [
  { labelKey: "nav.dashboard", href: "/", permission: "core.dashboard.view", group: "main" },
  { labelKey: "nav.customers", href: "/admin/customers", permission: "core.customers.read", group: "data" },
  { labelKey: "nav.equipment", href: "/admin/equipment", permission: "core.customers.read", group: "data" },
  { labelKey: "nav.users", href: "/admin/users", permission: "core.users.manage", group: "admin" },
  { labelKey: "nav.audit", href: "/admin/audit", permission: "core.audit.view", group: "admin" },
  { labelKey: "nav.mailbox", href: "/admin/mailbox", permission: "core.mail.manage", group: "admin" },
  { labelKey: "nav.mailSettings", href: "/admin/mail", permission: "core.mail.manage", group: "admin" },
];

/** The navigation a viewer sees: the core's and the plugins' entries they hold permission for. */
export function buildNav(plugins: readonly AftercarePlugin[], viewer: Viewer | null, t: Translate): NavItem[] {
  if (!viewer) return [];
  const core = CORE_NAV.filter((n) => viewer.permissions.has(n.permission)).map((n) => ({ label: t(n.labelKey), href: n.href, group: n.group, end: n.href === "/" }));
  const fromPlugins = plugins.flatMap((plugin) =>
    [...(plugin.nav ?? [])]
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
      .filter((n) => viewer.permissions.has(n.permission))
      .map((n) => ({ label: t(n.labelKey), href: `${pluginBasePath(plugin)}${n.path ? `/${n.path}` : ""}`, group: plugin.id, end: n.path === "" })),
  );
  return [core[0], ...fromPlugins, ...core.slice(1)].filter(Boolean);
}
