/**
 * The monthly pay sheet as a table for CSV and XLSX (both writers neutralise formulas). Amounts
 * are yuan with two decimals, computed from integer cents.
 */
import type { PayRow } from "./pay.server";
import { centsToYuan } from "./money-text";

type T = (key: string, vars?: Record<string, string | number>) => string;

export interface PayTable {
  readonly header: string[];
  readonly rows: (string | number | null)[][];
}

/**
 * The pay sheet's columns and rows, in the viewer's language. Amounts are "8000.50" text for CSV,
 * or numbers of yuan (8000.5) for XLSX (`numbers`), so a spreadsheet can sum them.
 */
export function payTable(rows: readonly PayRow[], t: T, options: { numbers?: boolean } = {}): PayTable {
  const yuan = (cents: number | null | undefined) => (cents === null || cents === undefined ? null : options.numbers ? cents / 100 : centsToYuan(cents));
  return {
    header: [
      t("kpi.pay.employee"),
      t("field.email"),
      t("kpi.kind"),
      t("kpi.sheet.status"),
      t("kpi.sheet.total"),
      t("kpi.sheet.grade"),
      t("kpi.sheet.kpiValue"),
      t("kpi.pay.average"),
      t("kpi.pay.baseCoefficient"),
      t("kpi.pay.performanceCoefficient"),
      t("kpi.pay.base"),
      t("kpi.pay.standardPerformance"),
      t("kpi.pay.actualPerformance"),
      t("kpi.pay.actual"),
    ],
    rows: rows.map((r) => [
      r.name,
      r.email,
      t(`kpi.kind.${r.kind}`),
      r.status ? t(`kpi.status.${r.status}`) : t("kpi.status.none"),
      r.total,
      r.grade,
      r.kpiValue,
      yuan(r.averagePayCents),
      r.baseCoefficient,
      Math.round((1 - r.baseCoefficient) * 1e6) / 1e6,
      yuan(r.pay?.baseCents),
      yuan(r.pay?.standardPerformanceCents),
      yuan(r.pay?.actualPerformanceCents),
      yuan(r.pay?.actualPayCents),
    ]),
  };
}
