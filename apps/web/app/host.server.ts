import { createHost, installHost } from "@aftercare/core/host.server";
import { parseConfig } from "@aftercare/core/config.server";
import { installedPlugins, withTestPlugins } from "./plugins";

/** Starts the process's host once: config, database, migrations, demo data, mail. */
export const hostReady = installHost(async () =>
  createHost({ config: parseConfig(process.env), plugins: await withTestPlugins(installedPlugins), background: process.env.AFTERCARE_NO_BACKGROUND !== "1" }),
);
