/** Visit types of the issue (DOMAIN.md §5); the value is stored, the label comes from the locales. */
export const VISIT_TYPES = [
  "routine", // 例行拜访
  "phone_return", // 电话回访
  "inspection", // 巡检
  "maintenance", // 预防性维护保养
  "repair", // 维修
  "installation", // 安装调试与培训
  "seminar", // 技术交流会
  "complaint", // 投诉跟进
] as const;

export type VisitType = (typeof VISIT_TYPES)[number];

export const VISIT_STATUSES = ["planned", "done", "cancelled"] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

export function isVisitType(value: unknown): value is VisitType {
  return typeof value === "string" && (VISIT_TYPES as readonly string[]).includes(value);
}

/**
 * Visit types that count as a visit for the cadence rule ("every customer visited at least twice
 * a year"): everything done on site or face to face. A phone return visit (电话回访) does not
 * count — it is a call, not a visit.
 */
export const CADENCE_VISIT_TYPES: readonly VisitType[] = VISIT_TYPES.filter((t) => t !== "phone_return");
