import type { LoaderFunctionArgs } from "@remix-run/node";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import type { Review360Tables } from "../tables";
import { cycleCsv } from "../report/export.server";

/** CSV of a closed cycle's reports (visible groups only; formulas neutralised). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "review360.reports.view");
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response("Not Found", { status: 404 });
  const locale = resolveLocale(request, viewer);
  const csv = await cycleCsv(host.db as unknown as Kysely<Review360Tables>, id, locale, translatorFor(host, locale));
  if (csv === null) throw new Response("Not Found", { status: 404 });
  return new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="review360-${id}.csv"`, "Cache-Control": "no-store" },
  });
}
