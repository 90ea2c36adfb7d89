import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { parseCsv, toCsv } from "@aftercare/core/csv";
import { writeXlsx } from "@aftercare/core/xlsx";
import { campaignResponses } from "./report.server";
import { answer, answersFor, insertCustomers, insertUser, satisfactionHost, sentCampaign, testClock, type Db } from "../test-support/fixtures";

/** Reads the entries of a ZIP archive from its local file headers (stored or deflated). */
function unzip(buf: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let at = 0;
  while (at + 30 <= buf.length && buf.readUInt32LE(at) === 0x04034b50) {
    const method = buf.readUInt16LE(at + 8);
    const size = buf.readUInt32LE(at + 18);
    const nameLength = buf.readUInt16LE(at + 26);
    const extraLength = buf.readUInt16LE(at + 28);
    const name = buf.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    const start = at + 30 + nameLength + extraLength;
    const data = buf.subarray(start, start + size);
    files.set(name, (method === 8 ? zlib.inflateRawSync(data) : data).toString("utf8"));
    at = start + size;
  }
  return files;
}

const HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"];

let host: TestHost & { sdb: Db };
let campaignId: number;

beforeAll(async () => {
  const clock = testClock("2026-12-01T01:00:00.000Z");
  host = await satisfactionHost(clock);
  const manager = await insertUser(host.sdb, { name: "王经理", role: "manager" });
  const ids = await insertCustomers(
    host.sdb,
    HOSTILE.map((company, i) => ({ company, email: `x${i}@example.com` })),
  );
  campaignId = await sentCampaign(host, manager, clock.iso());
  for (const id of ids) {
    const outcome = await answer(host, campaignId, id, answersFor([100, 80, 60, 100, 80], { comments: "=HYPERLINK(\"http://evil.test\")" }));
    if (!outcome.ok) throw new Error("could not answer");
  }
});

afterAll(async () => {
  await host?.destroy();
});

/** The responses as the export route lays them out (company, score, items, answers JSON). */
async function exportRows() {
  const responses = await campaignResponses(host.sdb, campaignId);
  const header = ["id", "company", "score", "quality", "answers_json"];
  const rows = responses.map((r) => [r.id, r.company, Math.round(r.score * 100) / 100, r.items.quality ?? null, r.answers_json]);
  return { header, rows };
}

describe("exporting responses neutralises spreadsheet formulas", () => {
  it("CSV: a company or answer starting with = + - @ is written with a leading apostrophe", async () => {
    const { header, rows } = await exportRows();
    const csv = toCsv(header, rows);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const parsed = parseCsv(csv);
    expect(parsed[0]).toEqual(header);
    expect(parsed.slice(1).map((r) => r[1])).toEqual(HOSTILE.map((c) => `'${c}`));
    // Numbers stay plain: 30 + 12 + 12 + 10 + 20 = 84
    expect(parsed.slice(1).map((r) => r[2])).toEqual(["84", "84", "84", "84"]);
    // No line of the file has a cell that starts a formula.
    for (const row of parsed) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it("XLSX: the company is an inline string with the apostrophe, never a formula", async () => {
    const { header, rows } = await exportRows();
    const files = unzip(writeXlsx([{ name: "responses", header, rows }]));
    const sheet = files.get("xl/worksheets/sheet1.xml");
    expect(sheet).toBeDefined();
    expect(sheet).not.toContain("<f>");
    expect(sheet).not.toContain("<f ");
    // Row 2, column B: the first hostile company.
    expect(sheet).toContain(`<c r="B2" t="inlineStr"><is><t xml:space="preserve">'=cmd|' /C calc'!A0</t></is></c>`);
    for (const [i, company] of HOSTILE.entries()) {
      const escaped = `'${company}`.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
      expect(sheet).toContain(`<c r="B${i + 2}" t="inlineStr"><is><t xml:space="preserve">${escaped}</t></is></c>`);
    }
    // The score is a number cell.
    expect(sheet).toContain(`<c r="C2"><v>84</v></c>`);
    expect(files.get("[Content_Types].xml")).toContain("/xl/worksheets/sheet1.xml");
  });
});
