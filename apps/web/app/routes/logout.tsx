import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { requirePublicAction, sessionPolicy } from "@aftercare/core/guards.server";
import { destroySession, sessionToken } from "@aftercare/core/sessions.server";

export async function loader() {
  throw redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const { host } = await requirePublicAction(request);
  const cookie = await destroySession(host.db, sessionToken(request), sessionPolicy(host));
  throw redirect("/login", { headers: { "Set-Cookie": cookie } });
}
