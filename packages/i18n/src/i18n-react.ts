export { I18nProvider, useI18n } from "./react";
