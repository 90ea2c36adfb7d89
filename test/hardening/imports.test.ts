// The customer CSV import over HTTP, as an admin uploads it: wrong columns, a GBK file from Chinese
// Excel, a UTF-16 file, duplicate rows and 100,000 rows. Every refusal names the problem and
// stores nothing; what is accepted is stored exactly as written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../e2e/support/app";
import { csrfFrom, type HttpClient } from "../e2e/support/http";
import { fingerprint, loggedIn, PEOPLE, scalar, startHardenedApp } from "./support/fixture";

let app: RunningApp;
let admin: HttpClient;

beforeAll(async () => {
  app = await startHardenedApp({ AFTERCARE_NO_BACKGROUND: "1" });
  admin = await loggedIn(app, PEOPLE.admin);
});

afterAll(async () => {
  await app?.stop();
});

const IMPORT = "/admin/customers/import";

/** Uploads a file through the import form's "Preview" button (a multipart document POST). */
async function upload(bytes: Uint8Array, name = "customers.csv"): Promise<{ status: number; location: string | null; html: string }> {
  const csrf = csrfFrom(await (await admin.get(IMPORT)).text());
  const form = new FormData();
  form.set("_csrf", csrf);
  form.set("intent", "preview");
  form.set("file", new Blob([bytes], { type: "text/csv" }), name);
  const res = await admin.request(IMPORT, { method: "POST", body: form });
  return { status: res.status, location: res.headers.get("Location"), html: await res.text() };
}

/** Presses "Import N rows" for a staged batch. */
async function commit(batch: number): Promise<{ status: number; location: string | null; html: string }> {
  const csrf = csrfFrom(await (await admin.get(`${IMPORT}?batch=${batch}`)).text());
  const res = await admin.post(IMPORT, { _csrf: csrf, intent: "commit", batch: String(batch) });
  return { status: res.status, location: res.headers.get("Location"), html: await res.text() };
}

function batchOf(location: string | null): number {
  const match = /^\/admin\/customers\/import\?batch=(\d+)$/.exec(location ?? "");
  if (!match) throw new Error(`expected a redirect to the preview, got ${location}`);
  return Number(match[1]);
}

const utf8 = (text: string) => new TextEncoder().encode(text);
/** Data tables only: staged batches are the import's scratch space, checked separately. */
const data = () => fingerprint(app.dbFile, ["import_batches"]);

describe("wrong columns", () => {
  it("refuses unknown columns with 400 naming them and the expected ones, and stores nothing", async () => {
    const before = fingerprint(app.dbFile);
    const res = await upload(utf8("name,mail,tier\nACME,a@example.com,high\n"));
    expect(res.status).toBe(400);
    expect(res.html.includes("Unknown columns: name, mail. Expected: company, contact_name, email, phone, region, tier, owner_id, locale."), "Unknown columns: name, mail. Expected: company, contact_name, email, phone, region, tier, owner_id, locale.").toBe(true);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("refuses a file without a required column with 400 naming it, and stores nothing", async () => {
    const before = fingerprint(app.dbFile);
    const res = await upload(utf8("company,region\nACME,East\n"));
    expect(res.status).toBe(400);
    expect(res.html.includes("Missing required columns: tier, locale."), "names tier and locale").toBe(true);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });

  it("refuses a header-only file with 400, and stores nothing", async () => {
    const before = fingerprint(app.dbFile);
    const res = await upload(utf8("company,tier,locale\r\n"));
    expect(res.status).toBe(400);
    expect(res.html.includes("The file has no data rows."), "The file has no data rows.").toBe(true);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });
});

describe("encodings", () => {
  // GBK (code page 936) bytes as Chinese Excel saves "CSV (comma delimited)", written by hand:
  // 上 C9CF 海 BAA3 测 B2E2 试 CAD4 有 D3D0 限 CFDE 公 B9AB 司 CBBE, 华 BBAA 东 B6AB.
  const COMPANY = "上海测试有限公司";
  const REGION = "华东";
  const gbkCompany = [0xc9, 0xcf, 0xba, 0xa3, 0xb2, 0xe2, 0xca, 0xd4, 0xd3, 0xd0, 0xcf, 0xde, 0xb9, 0xab, 0xcb, 0xbe];
  const gbkRegion = [0xbb, 0xaa, 0xb6, 0xab];
  const gbkFile = new Uint8Array([...utf8("company,region,tier,locale\r\n"), ...gbkCompany, 0x2c, ...gbkRegion, ...utf8(",high,zh-CN\r\n")]);

  it("the hand-made bytes are GBK for the expected text and are not valid UTF-8", () => {
    // Node's decoder only checks the test's own bytes.
    expect(new TextDecoder("gbk").decode(gbkFile)).toBe(`company,region,tier,locale\r\n${COMPANY},${REGION},high,zh-CN\r\n`);
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(gbkFile)).toThrow();
  });

  it("imports a GBK file from Chinese Excel with its Chinese text intact (no mojibake)", async () => {
    const res = await upload(gbkFile, "客户.csv");
    expect(res.status).toBe(302);
    const batch = batchOf(res.location);
    const preview = await (await admin.get(`${IMPORT}?batch=${batch}`)).text();
    expect(preview.includes("Preview: 1 rows ready, 0 rows with errors"), "Preview: 1 rows ready, 0 rows with errors").toBe(true);
    expect(preview.includes(`<td>${COMPANY}</td>`), `<td>${COMPANY}</td>`).toBe(true);
    const done = await commit(batch);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/admin/customers?imported=1-0");
    expect(scalar(app.dbFile, "select region || '|' || tier || '|' || locale from customers where company = ?", COMPANY)).toBe(`${REGION}|high|zh-CN`);
  });

  it("refuses a UTF-16 file (Excel's \"Unicode text\") with 400 and a clear message, and stores nothing", async () => {
    const before = fingerprint(app.dbFile);
    const text = "company\tlocale\r\nUTF16 Co.\ten\r\n";
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) new DataView(bytes.buffer).setUint16(2 + i * 2, text.charCodeAt(i), true);
    const res = await upload(bytes, "unicode.txt");
    expect(res.status).toBe(400);
    expect(res.html.includes("The file is neither UTF-8 nor GBK text."), "The file is neither UTF-8 nor GBK text.").toBe(true);
    expect(fingerprint(app.dbFile)).toEqual(before);
  });
});

describe("duplicate rows", () => {
  it("flags each duplicate with the row it repeats (case-insensitive), refuses the commit, and stores nothing", async () => {
    const rows = ["company,region,tier,locale", "Dup Alpha,East,high,en", "Dup Beta,West,mid,en", "dup alpha,North,high,en", "Dup Beta,South,standard,zh-CN"];
    const res = await upload(utf8(`${rows.join("\n")}\n`));
    expect(res.status).toBe(302);
    const batch = batchOf(res.location);
    const preview = await (await admin.get(`${IMPORT}?batch=${batch}`)).text();
    expect(preview.includes("Preview: 2 rows ready, 2 rows with errors"), "Preview: 2 rows ready, 2 rows with errors").toBe(true);
    // The header is row 1: "dup alpha" (row 4) repeats row 2, the second "Dup Beta" (row 5) row 3.
    expect(/<td>4<\/td>.*?Duplicate of row 2 in this file\./s.test(preview), String(/<td>4<\/td>.*?Duplicate of row 2 in this file\./s)).toBe(true);
    expect(/<td>5<\/td>.*?Duplicate of row 3 in this file\./s.test(preview), String(/<td>5<\/td>.*?Duplicate of row 3 in this file\./s)).toBe(true);
    expect(preview.includes('data-testid="import-commit"'), "no commit button").toBe(false);
    const before = data();
    const done = await commit(batch);
    expect(done.status).toBe(400);
    expect(done.html.includes("Fix the rows with errors (or remove them) and upload again; nothing has been imported."), "Fix the rows with errors (or remove them) and upload again; nothing has been imported.").toBe(true);
    expect(data()).toEqual(before);
    expect(scalar(app.dbFile, "select count(*) from customers where lower(company) in ('dup alpha', 'dup beta')")).toBe(0);
  });
});

describe("100,000 rows", () => {
  const big = (n: number) => {
    const lines = ["company,region,tier,locale"];
    for (let i = 1; i <= n; i++) lines.push(`Bulk Customer ${String(i).padStart(6, "0")},Region ${i % 7},${["high", "mid", "standard"][i % 3]},${i % 2 ? "en" : "zh-CN"}`);
    return utf8(`${lines.join("\r\n")}\r\n`);
  };

  it("previews 100,000 rows (the count, and a capped table), then imports every one in one commit", async () => {
    const customersBefore = scalar<number>(app.dbFile, "select count(*) from customers");
    const res = await upload(big(100_000), "bulk.csv");
    expect(res.status).toBe(302);
    const batch = batchOf(res.location);
    const page = await admin.get(`${IMPORT}?batch=${batch}`);
    expect(page.status).toBe(200);
    const preview = await page.text();
    expect(preview.includes("Preview: 100000 rows ready, 0 rows with errors"), "Preview: 100000 rows ready, 0 rows with errors").toBe(true);
    expect(preview.includes("Import 100000 rows"), "Import 100000 rows").toBe(true);
    // The page lists only the first 200 rows.
    expect(preview.match(/<tr(?: class="[^"]*")?><td>\d+<\/td>/g)?.length).toBe(200);
    const done = await commit(batch);
    expect(done.status).toBe(302);
    expect(done.location).toBe("/admin/customers?imported=100000-0");
    expect(scalar(app.dbFile, "select count(*) from customers")).toBe(customersBefore + 100_000);
    expect(scalar(app.dbFile, "select tier || '|' || locale from customers where company = 'Bulk Customer 100000'")).toBe("mid|zh-CN");
    // The staged copy is gone once imported.
    expect(scalar(app.dbFile, "select count(*) from import_batches where id = ?", batch)).toBe(0);
  }, 240_000);

  it("refuses 100,001 rows with 400 and the limit, and stores nothing", async () => {
    const before = fingerprint(app.dbFile);
    const res = await upload(big(100_001), "too-big.csv");
    expect(res.status).toBe(400);
    expect(res.html.includes("At most 100000 rows per import."), "At most 100000 rows per import.").toBe(true);
    expect(fingerprint(app.dbFile)).toEqual(before);
  }, 120_000);
});
