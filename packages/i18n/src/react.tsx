import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createTranslator, type Locale, type Messages, type Translate } from "./translate";

interface I18nValue {
  readonly locale: Locale;
  readonly t: Translate;
}

const I18nContext = createContext<I18nValue>({ locale: "zh-CN", t: (key) => key });

/** Provides the current locale and its messages to the tree below. */
export function I18nProvider(props: { locale: Locale; messages: Messages; children: ReactNode }) {
  const value = useMemo(() => ({ locale: props.locale, t: createTranslator(props.messages) }), [props.locale, props.messages]);
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

/** `const { t, locale } = useI18n();` */
export function useI18n(): I18nValue {
  return useContext(I18nContext);
}
