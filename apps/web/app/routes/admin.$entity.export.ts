import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "@aftercare/core/guards.server";
import { entityByName } from "@aftercare/core/entities/definitions";
import { exportCsv } from "@aftercare/core/entities/csv-transfer.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const def = entityByName(params.entity);
  if (!def) throw new Response("Not Found", { status: 404 });
  const { host } = await requirePermission(request, def.readPermission);
  const csv = await exportCsv(host.db, def);
  const day = host.ctx.clock().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${def.name}-${day}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
