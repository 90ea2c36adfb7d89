import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { type AftercarePlugin, pluginBasePath, type RouteDef } from "@aftercare/plugin-api";

/** A route entry in the shape of `@remix-run/route-config`'s `RouteConfigEntry`. */
export interface RouteEntry {
  id: string;
  path?: string;
  index?: boolean;
  file: string;
  children?: RouteEntry[];
}

const require = createRequire(import.meta.url);

/** The plugin package's `src/` folder, through the real path (not the node_modules symlink). */
export function pluginSourceDir(plugin: AftercarePlugin): string {
  const manifest = require.resolve(`${plugin.packageName}/package.json`);
  return path.join(fs.realpathSync(path.dirname(manifest)), "src");
}

function toEntry(plugin: AftercarePlugin, srcDir: string, appDir: string, route: RouteDef, isTop: boolean, base: string): RouteEntry {
  const absolute = path.join(srcDir, route.file);
  if (!fs.existsSync(absolute)) {
    throw new Error(`Plugin "${plugin.id}": route "${route.id}" points at ${route.file}, which does not exist in ${srcDir}`);
  }
  const relPath = route.path === undefined ? undefined : isTop ? `${base}/${route.path}`.replace(/\/+$/, "") : route.path;
  return {
    id: `${plugin.id}/${route.id}`,
    file: path.relative(appDir, absolute),
    ...(route.path === undefined ? (isTop ? { path: base } : { index: true }) : { path: relPath }),
    ...(route.children ? { children: route.children.map((c) => toEntry(plugin, srcDir, appDir, c, false, base)) } : {}),
  };
}

/**
 * Turns the installed plugins' route definitions into route-config entries mounted under each
 * plugin's base path. Files are given relative to `appDir` through their real path, with
 * explicit ids (STACK.md gotcha 3).
 *
 * @example
 * export default [...hostRoutes, ...pluginRoutes(installedPlugins, appDir)];
 */
export function pluginRoutes(plugins: readonly AftercarePlugin[], appDir: string): RouteEntry[] {
  return plugins.flatMap((plugin) => {
    const srcDir = pluginSourceDir(plugin);
    const base = pluginBasePath(plugin).replace(/^\//, "");
    return (plugin.routes ?? []).map((route) => toEntry(plugin, srcDir, appDir, route, true, base));
  });
}
