import { cleanText } from "@aftercare/forms/validate";

/**
 * CSV reading and writing for imports and exports (RFC 4180: commas, double-quoted fields,
 * doubled quotes, CRLF or LF line ends).
 */

/**
 * Decodes uploaded bytes: UTF-8 (with or without BOM) first, then GBK as saved by Chinese Excel.
 * Text with NUL characters is refused: that is UTF-16 ("Unicode text") or a binary file such as
 * .xlsx, which would otherwise decode as mojibake (ASCII UTF-16 is valid UTF-8, and the GBK
 * decoder maps stray bytes such as 0xFF to private-use characters instead of failing).
 */
export function decodeCsvBytes(bytes: Uint8Array): { ok: true; text: string; encoding: "utf-8" | "gbk" } | { ok: false } {
  if (bytes.includes(0)) return { ok: false };
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { ok: true, text, encoding: "utf-8" };
  } catch {
    // not UTF-8
  }
  try {
    const text = new TextDecoder("gbk", { fatal: true }).decode(bytes);
    return { ok: true, text, encoding: "gbk" };
  } catch {
    return { ok: false };
  }
}

/** Parses CSV text into rows of cells. Strips a leading BOM. Blank lines are skipped. */
export function parseCsv(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== "") rows.push(row);
    row = [];
    cell = "";
  };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === "") {
      quoted = true;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      cell += ch;
    }
    i++;
  }
  if (cell !== "" || row.length > 0) endRow();
  return rows;
}

/**
 * Neutralises spreadsheet formulas: a cell starting with = + - @ TAB or CR gets a leading
 * apostrophe. Text is cleaned first by the app's one rule (`cleanText`: no NUL/C0 controls, lone
 * surrogates nor bidi overrides that would disguise a file name or link in the sheet).
 */
export function safeCell(value: unknown): string {
  // Real numbers (a gap of -2) are data, not formulas: only text is neutralised.
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = value === null || value === undefined ? "" : cleanText(String(value));
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Serialises rows to CSV with a UTF-8 BOM (so Excel opens Chinese text correctly) and CRLF line ends. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]) =>
    cells
      .map((c) => {
        const text = safeCell(c);
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(",");
  return `\uFEFF${[line(header), ...rows.map(line)].join("\r\n")}\r\n`;
}
