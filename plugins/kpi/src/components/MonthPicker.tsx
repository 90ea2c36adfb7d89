import { Form } from "@remix-run/react";
import { useI18n } from "@aftercare/i18n/i18n-react";

/** A GET form choosing the month (YYYY-MM) of the page. */
export function MonthPicker(props: { month: string }) {
  const { t } = useI18n();
  return (
    <Form method="get" className="toolbar kpi-month-form" aria-label={t("kpi.month")}>
      <label>
        {t("kpi.month")} <input type="month" name="month" defaultValue={props.month} data-testid="kpi-month" />
      </label>
      <button type="submit">{t("kpi.show")}</button>
    </Form>
  );
}
