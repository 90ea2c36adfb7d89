import { useI18n } from "@aftercare/i18n/i18n-react";

/** The one page every unknown, expired or used personal link leads to: it reveals nothing. */
export default function LinkInvalid() {
  const { t } = useI18n();
  return (
    <div className="card narrow" data-testid="link-invalid">
      <h1>{t("link.title")}</h1>
      <p>{t("link.body")}</p>
    </div>
  );
}
