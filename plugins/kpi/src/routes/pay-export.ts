import type { LoaderFunctionArgs } from "@remix-run/node";
import type { Kysely } from "kysely";
import { requirePermission } from "@aftercare/core/guards.server";
import { resolveLocale, translatorFor } from "@aftercare/core/locale.server";
import { toCsv } from "@aftercare/core/csv";
import { writeXlsx, XLSX_TYPE } from "@aftercare/core/xlsx";
import type { KpiTables } from "../tables";
import { paySheet } from "../pay/pay.server";
import { payTable } from "../pay/pay-export";
import { isMonth } from "../month";

/** The month's pay sheet as CSV or XLSX (formulas neutralised in both; amounts in yuan to the cent). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { host, viewer } = await requirePermission(request, "kpi.pay.manage");
  const url = new URL(request.url);
  const month = url.searchParams.get("month");
  if (!isMonth(month)) throw new Response("Bad Request", { status: 400 });
  const format = url.searchParams.get("format") === "xlsx" ? "xlsx" : "csv";
  const t = translatorFor(host, resolveLocale(request, viewer));
  const rows = await paySheet(host.db as unknown as Kysely<KpiTables>, month, viewer);
  const base = `kpi-pay-${month}`;
  if (format === "xlsx") {
    const table = payTable(rows, t, { numbers: true });
    return new Response(new Uint8Array(writeXlsx([{ name: month, header: table.header, rows: table.rows }])), {
      headers: { "Content-Type": XLSX_TYPE, "Content-Disposition": `attachment; filename="${base}.xlsx"`, "Cache-Control": "no-store" },
    });
  }
  const table = payTable(rows, t);
  return new Response(toCsv(table.header, table.rows), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${base}.csv"`, "Cache-Control": "no-store" },
  });
}
