import type { AftercarePlugin } from "@aftercare/plugin-api";
import { satisfactionPlugin } from "@aftercare/satisfaction/plugin";
import { review360Plugin } from "@aftercare/review360/plugin";
import { visitsPlugin } from "@aftercare/visits/plugin";
import { kpiPlugin } from "@aftercare/kpi/plugin";

/**
 * The one list of installed plugins. Add a plugin here (and to package.json) to install it;
 * remove it to uninstall: its pages and navigation go, nothing else breaks.
 */
export const installedPlugins: AftercarePlugin[] = [satisfactionPlugin, review360Plugin, visitsPlugin, kpiPlugin];

/** Test-only plugins, mounted when the build and the server run with AFTERCARE_TEST_PLUGINS=1. */
export async function withTestPlugins(plugins: AftercarePlugin[]): Promise<AftercarePlugin[]> {
  if (process.env.AFTERCARE_TEST_PLUGINS !== "1") return plugins;
  const { testPlugin } = await import("@aftercare/test-plugin/plugin");
  return [...plugins, testPlugin];
}
