import { type ActionFunctionArgs, data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { getHost } from "@aftercare/core/host.server";
import { requirePublicAction } from "@aftercare/core/guards.server";
import { guardLink } from "@aftercare/core/link-guard.server";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { CsrfField, Notice } from "@aftercare/ui";
import { INVITATION_PURPOSE } from "../campaign/campaigns.server";
import { optOut } from "../response/survey-session.server";

// Opting out takes a button press (a POST): mail scanners that follow links must not unsubscribe anyone.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const host = await getHost();
  const valid = await guardLink(request, host, async () => (await host.ctx.invitations.check(params.token ?? "", INVITATION_PURPOSE, { acceptUsed: true })).ok);
  if (!valid) return data({ valid: false }, { status: 404 });
  return { valid: true };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { host } = await requirePublicAction(request);
  if (!(await guardLink(request, host, () => optOut(host.ctx, params.token ?? "")))) return data({ done: false }, { status: 404 });
  return { done: true };
}

export default function OptOut() {
  const { valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useI18n();
  if (!valid || result?.done === false) {
    return (
      <div className="card narrow" data-testid="link-invalid">
        <h1>{t("link.title")}</h1>
        <p>{t("link.body")}</p>
      </div>
    );
  }
  return (
    <div className="card narrow">
      <h1>{t("satisfaction.optout.title")}</h1>
      {result?.done ? (
        <Notice tone="success">{t("satisfaction.optout.done")}</Notice>
      ) : (
        <Form method="post" className="stack">
          <CsrfField />
          <p>{t("satisfaction.optout.body")}</p>
          <button type="submit" className="primary" data-testid="opt-out">
            {t("satisfaction.optout.confirm")}
          </button>
        </Form>
      )}
    </div>
  );
}
