// The routes the production build really mounts, read from its server bundle's route manifest
// (the `routes` object Remix writes into build/server), so a route added to the host or to a
// plugin shows up here without anyone listing it.
import fs from "node:fs";
import path from "node:path";

export interface MountedRoute {
  /** Remix route id, e.g. `satisfaction/survey` or `routes/admin.$entity`. */
  readonly id: string;
  /** Full URL pattern with a leading slash, e.g. `/satisfaction/s/:token` (`/` for the index). */
  readonly pattern: string;
  readonly hasLoader: boolean;
  readonly hasAction: boolean;
}

const ENTRY = /"([^"]+)":\s*\{\s*"id":\s*"([^"]+)",\s*"parentId":\s*(void 0|"[^"]*"),\s*"path":\s*(void 0|"[^"]*"),\s*"index":\s*(void 0|true|false),[^{}]*?"hasAction":\s*(true|false),\s*"hasLoader":\s*(true|false)/g;

/**
 * Every route of the build in `<webDir>/<buildDir>/server`, the root excluded.
 *
 * @example
 * const routes = mountedRoutes(path.join(repoRoot, "apps/web", inject("buildDir")));
 */
export function mountedRoutes(buildPath: string): MountedRoute[] {
  const serverDir = path.join(buildPath, "server");
  const files = [path.join(serverDir, "index.js"), ...fs.readdirSync(path.join(serverDir, "assets")).map((f) => path.join(serverDir, "assets", f))];
  for (const file of files) {
    if (!file.endsWith(".js")) continue;
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes('"routes/dashboard"')) continue;
    const byId = new Map<string, { parentId: string | null; path: string | null; index: boolean; hasAction: boolean; hasLoader: boolean }>();
    for (const m of text.matchAll(ENTRY)) {
      if (m[1] !== m[2]) continue;
      byId.set(m[2], {
        parentId: m[3] === "void 0" ? null : JSON.parse(m[3]),
        path: m[4] === "void 0" ? null : JSON.parse(m[4]),
        index: m[5] === "true",
        hasAction: m[6] === "true",
        hasLoader: m[7] === "true",
      });
    }
    if (!byId.has("root")) continue;
    const full = (id: string): string => {
      const r = byId.get(id)!;
      const own = r.path ?? "";
      const parent = r.parentId && r.parentId !== "root" ? full(r.parentId) : "";
      return [parent, own].filter(Boolean).join("/");
    };
    return [...byId]
      .filter(([id]) => id !== "root")
      .map(([id, r]) => ({ id, pattern: `/${full(id)}`, hasLoader: r.hasLoader, hasAction: r.hasAction }));
  }
  throw new Error(`No route manifest found in ${serverDir}`);
}
