import { type AftercarePlugin, pluginBasePath, type RouteDef } from "@aftercare/plugin-api";
import { CORE_PERMISSIONS } from "./permissions";

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** Paths the host owns; no plugin may mount there. */
const RESERVED = ["/", "/login", "/logout", "/admin", "/language", "/assets", "/healthz", "/api"];
/** Ids of the host's own migration sets: a plugin with one would share their migration table. */
const RESERVED_IDS = ["core", "mail"];

export class PluginConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The installed plugins cannot start together:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PluginConfigError";
  }
}

function routeIds(routes: readonly RouteDef[] | undefined): string[] {
  return (routes ?? []).flatMap((r) => [r.id, ...routeIds(r.children)]);
}

/**
 * Checks that the installed plugins fit together: well-formed unique ids, unique base paths
 * outside the host's own, unique permission names prefixed with the plugin id, nav entries that
 * name a known permission, unique route ids. Throws one error listing every problem.
 *
 * @example
 * validatePlugins([satisfactionPlugin, visitsPlugin]);
 */
export function validatePlugins(plugins: readonly AftercarePlugin[]): void {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const paths = new Map<string, string>();
  const permissions = new Map<string, string>(CORE_PERMISSIONS.map((p) => [p.name, "core"]));
  for (const plugin of plugins) {
    const who = `plugin "${plugin.id}" (${plugin.packageName})`;
    if (!ID.test(plugin.id)) problems.push(`${who}: id must be kebab-case (a-z, 0-9, dashes)`);
    if (RESERVED_IDS.includes(plugin.id)) problems.push(`${who}: id "${plugin.id}" is reserved by the host`);
    const seen = ids.get(plugin.id);
    if (seen) problems.push(`${who}: id "${plugin.id}" is already used by ${seen}`);
    ids.set(plugin.id, plugin.packageName);

    const base = pluginBasePath(plugin);
    if (!/^\/[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(base)) problems.push(`${who}: base path "${base}" must look like /name`);
    if (RESERVED.some((r) => base === r || (r !== "/" && base.startsWith(`${r}/`)))) {
      problems.push(`${who}: base path "${base}" is reserved by the host`);
    }
    const pathOwner = paths.get(base);
    if (pathOwner) problems.push(`${who}: base path "${base}" is already used by plugin "${pathOwner}"`);
    paths.set(base, plugin.id);

    for (const permission of plugin.permissions ?? []) {
      if (!permission.name.startsWith(`${plugin.id}.`)) {
        problems.push(`${who}: permission "${permission.name}" must start with "${plugin.id}."`);
      }
      const owner = permissions.get(permission.name);
      if (owner) problems.push(`${who}: permission "${permission.name}" is already defined by ${owner}`);
      permissions.set(permission.name, `plugin "${plugin.id}"`);
    }
    const routes = routeIds(plugin.routes);
    const dup = routes.find((id, i) => routes.indexOf(id) !== i);
    if (dup) problems.push(`${who}: route id "${dup}" is used twice`);
    for (const key of ["en", "zh-CN"] as const) {
      if (!plugin.locales?.[key]) problems.push(`${who}: locales.${key} is missing`);
    }
  }
  for (const plugin of plugins) {
    for (const entry of plugin.nav ?? []) {
      if (!permissions.has(entry.permission)) {
        problems.push(`plugin "${plugin.id}": nav entry "${entry.labelKey}" needs unknown permission "${entry.permission}"`);
      }
    }
    for (const widget of plugin.widgets ?? []) {
      if (!permissions.has(widget.permission)) {
        problems.push(`plugin "${plugin.id}": widget "${widget.id}" needs unknown permission "${widget.permission}"`);
      }
    }
  }
  if (problems.length > 0) throw new PluginConfigError(problems);
}
