import type { Locale, Viewer } from "@aftercare/plugin-api";
import { createTranslator, negotiateLocale, type Translate } from "@aftercare/i18n";
import { readCookie, serializeCookie } from "./cookies";
import type { Host } from "./host.server";

export const LOCALE_COOKIE = "ac_lang";

/** The request's language: the viewer's saved choice, then the language cookie, then Accept-Language. */
export function resolveLocale(request: Request, viewer: Viewer | null): Locale {
  return negotiateLocale(viewer?.locale ?? readCookie(request.headers.get("Cookie"), LOCALE_COOKIE), request.headers.get("Accept-Language"));
}

/** `t` for a locale, over the core's and every plugin's messages. */
export function translatorFor(host: Host, locale: Locale): Translate {
  return createTranslator(host.messages[locale]);
}

/** Set-Cookie for a language choice (a year). */
export function localeCookie(locale: Locale, secure: boolean): string {
  return serializeCookie(LOCALE_COOKIE, locale, { secure, maxAgeSeconds: 365 * 24 * 3600 });
}
