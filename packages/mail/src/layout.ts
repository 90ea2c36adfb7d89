/** The email layout: one column, inline styles, an HTML part and a plain-text part. */

export type EmailLocale = "en" | "zh-CN";

export interface RenderEmailProps {
  readonly locale: EmailLocale;
  readonly heading: string;
  /** Plain text; a line break inside a paragraph is kept. */
  readonly paragraphs: readonly string[];
  /** A call to action; dropped when `url` is not http(s). */
  readonly button?: { readonly label: string; readonly url: string };
  /** Small print under a rule (why you got this, how to opt out). */
  readonly footer?: readonly string[];
}

export interface RenderedEmail {
  readonly html: string;
  readonly text: string;
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Escapes text for HTML content and attribute values (`& < > " '`).
 *
 * @example
 * escapeHtml("<b>") // "&lt;b&gt;"
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * Returns the URL, normalised, when it is an absolute http(s) URL; otherwise undefined
 * (`javascript:`, `data:`, relative and malformed URLs are dropped).
 *
 * @example
 * safeUrl("javascript:alert(1)") // undefined
 */
export function safeUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
}

/**
 * Makes a value safe for a mail header (subject, display names): CR, LF, NUL and the
 * Unicode line separators become one space, so nothing can start a new header line.
 *
 * @example
 * safeHeader("Hi\r\nBcc: x@example.com") // "Hi Bcc: x@example.com"
 */
export function safeHeader(value: string): string {
  return stripBidi(value).replace(/[\r\n\0\u0085\u2028\u2029]+/g, " ").trim();
}

/**
 * Removes the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that would
 * make "invoice\u202Efdp.exe" read "invoiceexe.pdf" in a subject, a body or a link text — the
 * same characters forms' `cleanText` removes from input (mail does not depend on forms).
 */
function stripBidi(value: string): string {
  return value.replace(/[\u202A-\u202E\u2066-\u2069]/g, "");
}

const LINK_FALLBACK: Readonly<Record<EmailLocale, string>> = {
  en: "If the button does not work, copy this link into your browser:",
  "zh-CN": "如果按钮无法打开，请将以下链接复制到浏览器中：",
};

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'PingFang SC','Microsoft YaHei',Helvetica,Arial,sans-serif";

function paragraphHtml(text: string, style: string): string {
  return `<p style="${style}">${escapeHtml(text).replace(/\r?\n/g, "<br>")}</p>`;
}

/**
 * Renders a transactional email. Every string is HTML-escaped; a button whose URL is not
 * http(s) is left out of both parts.
 *
 * @example
 * const { html, text } = renderEmail({ locale: "en", heading: "How did we do?",
 *   paragraphs: ["Tell us about your last service visit."],
 *   button: { label: "Answer the survey", url: "https://aftercare.example.com/s/abc" } });
 */
export function renderEmail(input: RenderEmailProps): RenderedEmail {
  const props: RenderEmailProps = {
    ...input,
    heading: stripBidi(input.heading),
    paragraphs: input.paragraphs.map(stripBidi),
    button: input.button ? { label: stripBidi(input.button.label), url: input.button.url } : undefined,
    footer: input.footer?.map(stripBidi),
  };
  const url = props.button ? safeUrl(props.button.url) : undefined;
  const button = props.button && url ? { label: props.button.label, url } : undefined;
  const footer = props.footer ?? [];
  const lang = props.locale === "zh-CN" ? "zh-CN" : "en";

  const body: string[] = [];
  body.push(`<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3;color:#111827;">${escapeHtml(props.heading)}</h1>`);
  for (const p of props.paragraphs) body.push(paragraphHtml(p, "margin:0 0 16px;font-size:16px;line-height:1.6;color:#1f2937;"));
  if (button) {
    const href = escapeHtml(button.url);
    body.push(
      `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;"><tr>` +
        `<td style="border-radius:6px;background:#1d4ed8;">` +
        `<a href="${href}" target="_blank" rel="noopener" style="display:inline-block;padding:12px 24px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(button.label)}</a>` +
        `</td></tr></table>`,
    );
    body.push(paragraphHtml(LINK_FALLBACK[lang], "margin:0 0 4px;font-size:13px;line-height:1.5;color:#6b7280;"));
    body.push(`<p style="margin:0 0 16px;font-size:13px;line-height:1.5;word-break:break-all;"><a href="${href}" style="color:#1d4ed8;">${href}</a></p>`);
  }
  const foot = footer.map((line) => paragraphHtml(line, "margin:0 0 6px;font-size:12px;line-height:1.5;color:#6b7280;"));

  const html =
    `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(props.heading)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f3f4f6;">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border-radius:8px;font-family:${FONT};">` +
    `<tr><td style="padding:32px 24px;">${body.join("")}</td></tr>` +
    (foot.length ? `<tr><td style="padding:16px 24px 24px;border-top:1px solid #e5e7eb;">${foot.join("")}</td></tr>` : "") +
    `</table></td></tr></table></body></html>`;

  const text: string[] = [props.heading, "", ...props.paragraphs.flatMap((p) => [p, ""])];
  if (button) text.push(`${button.label}: ${button.url}`, "");
  if (footer.length) text.push("--", ...footer);
  return { html, text: `${text.join("\n").trimEnd()}\n` };
}
