import { type ActionFunctionArgs, data, type HeadersFunction, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { clientIp, getViewer, requirePublicAction, sessionPolicy } from "@aftercare/core/guards.server";
import { createSession, sessionToken } from "@aftercare/core/sessions.server";
import { clearFailures, lockedFor, loginKeys, recordFailure } from "@aftercare/core/rate-limit.server";
import { dummyPasswordHash, verifyPassword } from "@aftercare/core/passwords.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, Notice } from "@aftercare/ui";

/** Only same-site relative paths are followed after login. */
function safeNext(next: FormDataEntryValue | string | null): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/** Keeps the lock's Retry-After on the document answer (Remix passes only cookies on by default). */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await getViewer(request);
  if (viewer) throw redirect(safeNext(new URL(request.url).searchParams.get("next")));
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const { host, form } = await requirePublicAction(request);
  const t = translatorFor(host, resolveLocale(request, null));
  const email = String(form.get("email") ?? "").trim().toLowerCase().slice(0, 254);
  const password = String(form.get("password") ?? "").slice(0, 1000);
  if (!email || !password) return data({ error: t("auth.required") }, { status: 400 });
  const now = host.ctx.clock();
  const keys = loginKeys(email, clientIp(request));
  const policy = { maxFailures: host.config.loginMaxFailures, lockMinutes: host.config.loginLockMinutes };
  const locked = await lockedFor(host.db, keys.map((k) => k.key), now);
  if (locked > 0) return data({ error: t("auth.locked", { minutes: locked }) }, { status: 429, headers: { "Retry-After": String(locked * 60) } });

  const user = await host.db.selectFrom("users").select(["id", "password_hash", "active"]).where("email", "=", email).executeTakeFirst();
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
  if (!user || !ok || user.active !== 1) {
    await recordFailure(host.db, keys, policy, now);
    const nowLocked = await lockedFor(host.db, keys.map((k) => k.key), now);
    if (nowLocked > 0) return data({ error: t("auth.locked", { minutes: nowLocked }) }, { status: 429, headers: { "Retry-After": String(nowLocked * 60) } });
    return data({ error: t("auth.invalid") }, { status: 401 });
  }
  await clearFailures(host.db, keys[0].key);
  const { cookie } = await createSession(host.db, user.id, sessionPolicy(host), now, sessionToken(request));
  throw redirect(safeNext(form.get("next")), { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { t } = useI18n();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  return (
    <div className="card narrow">
      <h1>{t("auth.title")}</h1>
      {result?.error ? <Notice tone="error">{result.error}</Notice> : null}
      <Form method="post" className="stack">
        <CsrfField />
        <input type="hidden" name="next" value={params.get("next") ?? "/"} />
        <label>
          {t("auth.email")}
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label>
          {t("auth.password")}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" className="primary" disabled={navigation.state !== "idle"}>
          {t("auth.submit")}
        </button>
      </Form>
    </div>
  );
}
