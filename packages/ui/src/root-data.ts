import { useRouteLoaderData } from "@remix-run/react";
import type { Locale } from "@aftercare/i18n";

/** What the host's root loader gives every page. */
export interface RootData {
  readonly locale: Locale;
  readonly messages: Readonly<Record<string, string>>;
  readonly csrf: string;
  readonly viewer: { readonly id: number; readonly name: string; readonly role: string; readonly permissions: readonly string[] } | null;
  readonly nav: readonly { readonly label: string; readonly href: string; readonly group: string; readonly end: boolean }[];
}

/** The root loader's data, from any component. */
export function useRootData(): RootData {
  const data = useRouteLoaderData("root") as RootData | undefined;
  if (!data) throw new Error("useRootData used outside the Aftercare host");
  return data;
}
