import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { getViewer, requirePublicAction, sessionPolicy } from "@aftercare/core/guards.server";
import { localeCookie } from "@aftercare/core/locale.server";
import { isLocale } from "@aftercare/i18n";

export async function loader() {
  throw redirect("/");
}

/** Switches the interface language: a cookie for everyone, and the saved choice of a logged-in user. */
export async function action({ request }: ActionFunctionArgs) {
  const { host, form } = await requirePublicAction(request);
  const locale = form.get("locale");
  if (!isLocale(locale)) throw new Response("Bad Request", { status: 400 });
  const { viewer } = await getViewer(request);
  if (viewer) {
    await host.db.updateTable("users").set({ locale, updated_at: host.ctx.clock().toISOString() }).where("id", "=", viewer.id).execute();
  }
  let back = "/";
  const referer = request.headers.get("Referer");
  if (referer) {
    try {
      const url = new URL(referer);
      if (url.origin === new URL(request.url).origin || url.origin === new URL(host.config.publicBaseUrl).origin) back = url.pathname + url.search;
    } catch {
      // keep "/"
    }
  }
  throw redirect(back, { headers: { "Set-Cookie": localeCookie(locale, sessionPolicy(host).secure) } });
}
