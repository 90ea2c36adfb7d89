import { pluginBasePath, type Locale, type Messages } from "@aftercare/plugin-api";
import { coreMessages } from "@aftercare/core/locales";
import type { Host } from "@aftercare/core/host.server";

const cache = new Map<string, Messages>();

/**
 * The messages a page needs in the browser: the core's and those of the plugin the path belongs
 * to — not every plugin's catalogue in every document (≈ 100 KB with four plugins). Loaders and
 * widgets translate on the server with the full catalogue.
 */
export function pageMessages(host: Host, locale: Locale, pathname: string): Messages {
  const plugin = host.plugins.find((p) => {
    const base = pluginBasePath(p);
    return pathname === base || pathname.startsWith(`${base}/`);
  });
  const key = `${locale}|${plugin?.id ?? ""}`;
  let messages = cache.get(key);
  if (!messages) {
    messages = plugin ? { ...coreMessages[locale], ...plugin.locales[locale] } : coreMessages[locale];
    cache.set(key, messages);
  }
  return messages;
}

