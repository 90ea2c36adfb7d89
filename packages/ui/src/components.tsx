import { Form, Link, useNavigation, useSearchParams } from "@remix-run/react";
import { type ReactNode, useState } from "react";
import { useI18n } from "@aftercare/i18n/i18n-react";
import { useRootData } from "./root-data";

/** The hidden CSRF field every mutating form carries. */
export function CsrfField() {
  return <input type="hidden" name="_csrf" value={useRootData().csrf} />;
}

export function PageHeader(props: { title: string; actions?: ReactNode; subtitle?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p className="muted">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </div>
  );
}

export function Notice(props: { tone?: "info" | "success" | "error" | "warning"; children: ReactNode }) {
  return (
    <div className={`notice notice-${props.tone ?? "info"}`} role={props.tone === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

export function EmptyState(props: { children: ReactNode }) {
  return <div className="empty">{props.children}</div>;
}

/** A search box that keeps the other query parameters and resets to page 1. */
export function SearchBox(props: { name?: string; placeholder?: string }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const name = props.name ?? "q";
  return (
    <Form method="get" className="search" role="search">
      {[...params.entries()]
        .filter(([k]) => k !== name && k !== "page")
        .map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
      <input type="search" name={name} defaultValue={params.get(name) ?? ""} placeholder={props.placeholder ?? t("common.searchPlaceholder")} aria-label={t("common.search")} />
      <button type="submit">{t("common.search")}</button>
    </Form>
  );
}

/** Previous/next links and "page X of Y". */
export function Pagination(props: { page: number; pageSize: number; total: number }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const href = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };
  return (
    <nav className="pagination" aria-label="pagination">
      {props.page > 1 ? <Link to={href(props.page - 1)}>← {t("common.previous")}</Link> : <span className="disabled">← {t("common.previous")}</span>}
      <span>{t("common.pageOf", { page: props.page, pages, total: props.total })}</span>
      {props.page < pages ? <Link to={href(props.page + 1)}>{t("common.next")} →</Link> : <span className="disabled">{t("common.next")} →</span>}
    </nav>
  );
}

/**
 * A POST button that asks for confirmation first (destructive actions). Without JavaScript the
 * browser's confirm is skipped and the form posts directly, which the server accepts.
 */
export function ConfirmButton(props: { intent: string; label: string; confirm: string; tone?: "danger" | "normal" | "primary"; fields?: Record<string, string> }) {
  const [asking, setAsking] = useState(false);
  const { t } = useI18n();
  const navigation = useNavigation();
  return (
    <Form method="post" className="inline-form" onSubmit={(e) => { if (!asking) { e.preventDefault(); setAsking(true); } }}>
      <CsrfField />
      <input type="hidden" name="intent" value={props.intent} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {asking ? (
        <span className="confirm" role="alertdialog" aria-live="assertive">
          <span>{props.confirm}</span>
          <button type="submit" className={props.tone === "danger" ? "danger" : "primary"} disabled={navigation.state !== "idle"} data-confirm={props.intent}>
            {props.label}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            {t("common.cancel")}
          </button>
        </span>
      ) : (
        <button type="submit" className={props.tone === "danger" ? "danger-outline" : props.tone === "primary" ? "primary" : ""} data-intent={props.intent}>
          {props.label}
        </button>
      )}
    </Form>
  );
}

/** A horizontal bar chart in SVG-free HTML (works in emails and prints). */
export function BarChart(props: { items: readonly { label: string; value: number; display?: string }[]; max?: number; threshold?: number }) {
  const max = props.max ?? Math.max(1, ...props.items.map((i) => i.value));
  return (
    <div className="bars" role="img" aria-label={props.items.map((i) => `${i.label}: ${i.display ?? i.value}`).join(", ")}>
      {props.items.map((item) => (
        <div className="bar-row" key={item.label}>
          <span className="bar-label">{item.label}</span>
          <span className="bar-track">
            <span
              className={`bar-fill${props.threshold !== undefined && item.value < props.threshold ? " below" : ""}`}
              style={{ width: `${Math.max(0, Math.min(100, (item.value / max) * 100))}%` }}
            />
            {props.threshold !== undefined ? <span className="bar-threshold" style={{ left: `${(props.threshold / max) * 100}%` }} /> : null}
          </span>
          <span className="bar-value">{item.display ?? item.value}</span>
        </div>
      ))}
    </div>
  );
}

export function StatCard(props: { label: string; value: string; hint?: string; tone?: "good" | "bad" | "neutral" }) {
  return (
    <div className={`stat stat-${props.tone ?? "neutral"}`}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">{props.value}</div>
      {props.hint ? <div className="stat-hint">{props.hint}</div> : null}
    </div>
  );
}
