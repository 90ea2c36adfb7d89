import { Form } from "@remix-run/react";
import { useI18n } from "@aftercare/i18n/i18n-react";

/** The first step of a new visit or call: choose the customer (a GET form that reloads with `?customer=`). */
export function CustomerPicker(props: { customers: readonly { id: number; company: string }[]; labelKey: string }) {
  const { t } = useI18n();
  return (
    <Form method="get" className="card stack" data-testid="pick-customer">
      <label>
        {t(props.labelKey)}
        <select name="customer" required defaultValue="">
          <option value="" disabled>
            {t("visits.field.customer")}
          </option>
          {props.customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.company}
            </option>
          ))}
        </select>
      </label>
      <div>
        <button type="submit" className="primary">
          {t("visits.new.continue")}
        </button>
      </div>
    </Form>
  );
}
