/**
 * Entering last month's average pay (上月平均工资) for the employees on the pay sheet: one amount
 * in yuan per employee (up to two decimals), as a SurveyJS model the server validates.
 */
import type { SurveyJson } from "@aftercare/forms/types";
import { centsToYuan, parseYuan } from "./money-text";

type T = (key: string, vars?: Record<string, string | number>) => string;

const question = (employeeId: number) => `e_${employeeId}`;

export function averagePayFormJson(employees: readonly { id: number; name: string }[], t: T): SurveyJson {
  return {
    showQuestionNumbers: "off",
    questionErrorLocation: "bottom",
    completeText: t("kpi.pay.saveAverage"),
    elements: employees.map((e) => ({
      type: "text",
      name: question(e.id),
      title: e.name,
      maxLength: 20,
      placeholder: "8000.00",
      validators: [{ type: "regex", regex: "^\\s*[¥￥]?\\s*\\d{1,3}(,?\\d{3})*(\\.\\d{1,2})?\\s*$", text: t("kpi.pay.amountFormat") }],
    })),
  } as unknown as SurveyJson;
}

export function averagePayFormValues(rows: readonly { employeeId: number; averagePayCents: number | null }[]): Record<string, unknown> {
  return Object.fromEntries(rows.filter((r) => r.averagePayCents !== null).map((r) => [question(r.employeeId), centsToYuan(r.averagePayCents!)]));
}

/** Amounts filled in, in cents; an emptied field leaves the stored amount as it is. */
export function parseAveragePayForm(employees: readonly { id: number }[], data: Readonly<Record<string, unknown>>): { entries: { employeeId: number; cents: number }[]; bad: string[] } {
  const entries: { employeeId: number; cents: number }[] = [];
  const bad: string[] = [];
  for (const e of employees) {
    const raw = data[question(e.id)];
    if (raw === undefined || raw === null || raw === "") continue;
    const cents = parseYuan(String(raw));
    if (cents === null) bad.push(question(e.id));
    else entries.push({ employeeId: e.id, cents });
  }
  return { entries, bad };
}
