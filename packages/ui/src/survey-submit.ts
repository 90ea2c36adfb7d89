import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useRef } from "react";
import { useRootData } from "./root-data";

export interface SubmitResult {
  readonly errors?: readonly { name: string; message: string }[];
}

/**
 * Bridges a SurveyJS form's completion to the route's action: posts `payload` (the answers
 * as JSON) with the CSRF token and `intent`, and resolves with the action's field errors, if
 * any (a successful action redirects).
 */
export function useSurveySubmit(intent = "save", action?: string) {
  const fetcher = useFetcher<SubmitResult>();
  const { csrf } = useRootData();
  const pending = useRef<((errors: SubmitResult["errors"] | undefined) => void) | null>(null);
  useEffect(() => {
    if (fetcher.state === "idle" && pending.current) {
      const resolve = pending.current;
      pending.current = null;
      const errors = fetcher.data?.errors;
      // No errors: resolve with nothing so the form completes (a redirecting action navigates away).
      resolve(errors && errors.length > 0 ? errors : undefined);
    }
  }, [fetcher.state, fetcher.data]);
  return useCallback(
    (data: unknown) =>
      new Promise<SubmitResult["errors"] | undefined>((resolve) => {
        pending.current = resolve;
        fetcher.submit({ _csrf: csrf, intent, payload: JSON.stringify(data) }, { method: "post", action });
      }),
    [fetcher, csrf, intent, action],
  );
}
