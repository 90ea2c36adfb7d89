import path from "node:path";
import { fileURLToPath } from "node:url";
import { type RouteConfig, index, route } from "@remix-run/route-config";
import { validatePlugins } from "@aftercare/core/plugin-registry";
import { installedPlugins, withTestPlugins } from "./plugins";
import { pluginRoutes } from "./plugin-routes";

const appDir = path.dirname(fileURLToPath(import.meta.url));
const plugins = await withTestPlugins(installedPlugins);
validatePlugins(plugins);

export default [
  index("routes/dashboard.tsx"),
  route("login", "routes/login.tsx"),
  route("logout", "routes/logout.tsx"),
  route("language", "routes/language.tsx"),
  route("healthz", "routes/healthz.ts"),
  route("link-invalid", "routes/link-invalid.tsx"),
  route("admin/audit", "routes/admin.audit.tsx"),
  route("admin/mailbox", "routes/admin.mailbox.tsx"),
  route("admin/mailbox/:id", "routes/admin.mailbox.$id.tsx"),
  route("admin/mail", "routes/admin.mail.tsx"),
  route("admin/:entity", "routes/admin.$entity.tsx"),
  route("admin/:entity/import", "routes/admin.$entity.import.tsx"),
  route("admin/:entity/export.csv", "routes/admin.$entity.export.ts"),
  route("admin/:entity/:id", "routes/admin.$entity.$id.tsx"),
  ...pluginRoutes(plugins, appDir),
] satisfies RouteConfig;
