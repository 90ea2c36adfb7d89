import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, type ShouldRevalidateFunction, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { getViewer, sessionPolicy } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { csrfTokenFor, ensureCsrfCookie } from "@aftercare/core/csrf.server";
import { I18nProvider, useI18n } from "@aftercare/i18n/i18n-react";
import { createTranslator } from "@aftercare/i18n";
import type { RootData } from "@aftercare/ui";
import { buildNav } from "./nav.server";
import { pageMessages } from "./messages.server";
import "./styles.css";

export const meta: MetaFunction = () => [{ title: "Aftercare" }];

/** A page rendered by the error boundary keeps the thrown answer's Retry-After and Cache-Control (a 429 says when to retry). */
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const headers = new Headers();
  for (const name of ["Retry-After", "Cache-Control"]) {
    const value = errorHeaders?.get(name);
    if (value) headers.set(name, value);
  }
  return headers;
};

/** Moving to another section (plugin) needs that section's messages: reload the root's data then. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, defaultShouldRevalidate }) =>
  currentUrl.pathname.split("/")[1] !== nextUrl.pathname.split("/")[1] || defaultShouldRevalidate;

export const links = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await getViewer(request);
  const locale = resolveLocale(request, viewer);
  const t = translatorFor(host, locale);
  const csrf = ensureCsrfCookie(request, sessionPolicy(host).secure);
  const body: RootData = {
    locale,
    messages: pageMessages(host, locale, new URL(request.url).pathname),
    csrf: csrfTokenFor(csrf.value, host.config.sessionSecret),
    viewer: viewer ? { id: viewer.id, name: viewer.name, role: viewer.role, permissions: [...viewer.permissions] } : null,
    nav: buildNav(host.plugins, viewer, t),
  };
  return data(body, csrf.setCookie ? { headers: { "Set-Cookie": csrf.setCookie } } : undefined);
}

function LanguageSwitch({ root }: { root: RootData }) {
  const { locale, t } = useI18n();
  const other = locale === "en" ? "zh-CN" : "en";
  return (
    <Form method="post" action="/language" className="lang-switch">
      <input type="hidden" name="_csrf" value={root.csrf} />
      <input type="hidden" name="locale" value={other} />
      <button type="submit" aria-label={t("lang.label")} data-testid="switch-language">
        {t(`lang.${other}`)}
      </button>
    </Form>
  );
}

function Shell({ root, children }: { root: RootData; children: React.ReactNode }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (!root.viewer) {
    return (
      <div className="public-shell">
        <header className="public-header">
          <span className="brand">{t("app.name")}</span>
          <LanguageSwitch root={root} />
        </header>
        <main className="public-main">{children}</main>
      </div>
    );
  }
  return (
    <div className="app-shell">
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          ☰ <span className="sr-only">{t("nav.menu")}</span>
        </button>
        <Link to="/" className="brand">
          {t("app.name")}
        </Link>
        <div className="topbar-right">
          <span className="muted user-name">{root.viewer.name}</span>
          <LanguageSwitch root={root} />
          <Form method="post" action="/logout">
            <input type="hidden" name="_csrf" value={root.csrf} />
            <button type="submit" className="link-button">
              {t("auth.logout")}
            </button>
          </Form>
        </div>
      </header>
      <nav className={`sidebar${open ? " open" : ""}`} aria-label="main" onClick={() => setOpen(false)}>
        {root.nav.map((item, i) => (
          <NavLink key={item.href} to={item.href} end={item.end} className={i > 0 && root.nav[i - 1].group !== item.group ? "nav-sep" : undefined}>
            {item.label}
          </NavLink>
        ))}
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root") as RootData | undefined;
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <html lang={root?.locale ?? "zh-CN"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body data-hydrated={hydrated ? "1" : undefined}>
        {root ? (
          <I18nProvider locale={root.locale} messages={root.messages}>
            <Shell root={root}>{children}</Shell>
          </I18nProvider>
        ) : (
          children
        )}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>("root");
  const t = createTranslator(root?.messages ?? {});
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const known = [400, 403, 404, 405, 413, 415, 429, 503];
  const message = known.includes(status) ? t(`error.${status}`) : t("error.500");
  // Without the root's data (an action failed on a page posted without JavaScript) the language is
  // unknown: both (503 as error.503 says it in each).
  const fallback =
    status === 503
      ? "The server cannot save anything right now (its storage is full or failing). Nothing was saved: please try again later. / 服务器暂时无法保存数据（存储空间已满或出现故障），本次提交未保存，请稍后再试。"
      : "Something went wrong / 出错了";
  return (
    <div className="error-page">
      <h1>
        {status} · {root ? t("error.title") : "Error"}
      </h1>
      <p data-testid="error-message">{root ? message : fallback}</p>
      <p>
        <a href="/">{root ? t("error.home") : "Home"}</a>
      </p>
    </div>
  );
}
