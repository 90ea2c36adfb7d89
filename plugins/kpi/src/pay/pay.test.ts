import { afterEach, describe, expect, it } from "vitest";
import { computePay } from "@aftercare/scoring";
import { parseCsv } from "@aftercare/core/csv";
import { writeXlsx } from "@aftercare/core/xlsx";
import { toCsv } from "@aftercare/core/csv";
import { inflateRawSync } from "node:zlib";
import type { TestHost } from "@aftercare/core/test-host.server";
import { createTranslator } from "@aftercare/i18n";
import { insertOrg, insertPerson, kpiHost, tx } from "../test-support/fixtures";
import { saveScores, startMonth } from "../sheet/sheets.server";
import { paySheet, previewAveragePayCsv, setAveragePays } from "./pay.server";
import { centsToYuan, parseYuan } from "./money-text";
import { payTable } from "./pay-export";
import { en } from "../locales/en";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

const MONTH = "2026-11";
const NOW = "2026-12-01T02:00:00.000Z";

describe("the pay model of DOMAIN §4, in cents", () => {
  it("at both ends of the base coefficient range (0.5 and 0.8)", () => {
    // avg ¥8 000.00, c = 0.5: base 4 000.00, standard performance 4 000.00; KPI 1 → actual 8 000.00
    expect(computePay({ averagePayCents: 800_000, baseCoefficient: 0.5, kpiValue: 1 })).toEqual({ baseCents: 400_000, standardPerformanceCents: 400_000, actualPerformanceCents: 400_000, actualPayCents: 800_000 });
    // c = 0.8: base 6 400.00, standard performance 1 600.00 (coefficient 0.2); KPI 1.5 → 2 400.00, actual 8 800.00
    expect(computePay({ averagePayCents: 800_000, baseCoefficient: 0.8, kpiValue: 1.5 })).toEqual({ baseCents: 640_000, standardPerformanceCents: 160_000, actualPerformanceCents: 240_000, actualPayCents: 880_000 });
  });

  it("at both ends of the KPI value range (0.5 and 5)", () => {
    // c = 0.6: base 4 800.00, standard 3 200.00; KPI 0.5 → 1 600.00 (actual 6 400.00); KPI 5 → 16 000.00 (actual 20 800.00)
    expect(computePay({ averagePayCents: 800_000, baseCoefficient: 0.6, kpiValue: 0.5 }).actualPayCents).toBe(640_000);
    expect(computePay({ averagePayCents: 800_000, baseCoefficient: 0.6, kpiValue: 5 }).actualPayCents).toBe(2_080_000);
  });

  it("rounds each figure once, half away from zero", () => {
    // avg ¥8 500.55 = 850 055 cents, c = 0.65: base 850 055 × 0.65 = 552 535.75 → 552 536;
    // standard 850 055 × 0.35 = 297 519.25 → 297 519; KPI 0.8 → 238 015.2 → 238 015; actual 552 536 + 238 015 = 790 551
    expect(computePay({ averagePayCents: 850_055, baseCoefficient: 0.65, kpiValue: 0.8 })).toEqual({ baseCents: 552_536, standardPerformanceCents: 297_519, actualPerformanceCents: 238_015, actualPayCents: 790_551 });
    // avg 1 cent, c = 0.5: 0.5 → 1 and 0.5 → 1 (the two halves together exceed the average by a cent)
    expect(computePay({ averagePayCents: 1, baseCoefficient: 0.5, kpiValue: 1 })).toMatchObject({ baseCents: 1, standardPerformanceCents: 1 });
  });

  it("parses typed yuan exactly and writes cents back", () => {
    expect(parseYuan("8000")).toBe(800_000);
    expect(parseYuan("8,500.5")).toBe(850_050);
    expect(parseYuan("¥ 0.07")).toBe(7);
    expect(parseYuan("12.345")).toBeNull();
    expect(parseYuan("-5")).toBeNull();
    expect(parseYuan("abc")).toBeNull();
    expect(centsToYuan(850_050)).toBe("8500.50");
  });
});

describe("the monthly pay sheet", () => {
  it("combines each employee's KPI value, average pay and the scheme's coefficient", async () => {
    const host = await kpiHost();
    hosts.push(host);
    const db = host.kdb;
    const org = await insertOrg(db);
    await tx(db, (trx) => startMonth(trx, { month: MONTH, supervisor: org.liu, now: NOW }));
    const zhangSheet = await db.selectFrom("kpi_sheet").select("id").where("employee_id", "=", org.zhang.id).executeTakeFirstOrThrow();
    // 100 × (0.27 + 0.27 + 0.18 + 0.18) = 90 → A, KPI 1.5
    await tx(db, (trx) => saveScores(trx, { id: zhangSheet.id, actor: org.liu, permissions: org.liu.permissions, input: { scores: { compliance: 9, "fault-response": 9, "customer-communication": 9, "information-feedback": 9 }, completions: {}, note: null }, now: NOW }));
    await tx(db, (trx) => setAveragePays(trx, { month: MONTH, actor: org.wang, entries: [{ employeeId: org.zhang.id, cents: 850_055 }, { employeeId: org.li.id, cents: 700_000 }], source: "entry", now: NOW }));
    const rows = await paySheet(db, MONTH, org.wang);
    const zhang = rows.find((r) => r.employeeId === org.zhang.id)!;
    // default field scheme c = 0.6: base 850 055 × 0.6 = 510 033; standard × 0.4 = 340 022; × 1.5 = 510 033; actual 1 020 066
    expect(zhang).toMatchObject({ status: "draft", total: 90, grade: "A", kpiValue: 1.5, averagePayCents: 850_055, baseCoefficient: 0.6, pay: { baseCents: 510_033, standardPerformanceCents: 340_022, actualPerformanceCents: 510_033, actualPayCents: 1_020_066 } });
    // Li has average pay but no score yet: no pay computed
    expect(rows.find((r) => r.employeeId === org.li.id)).toMatchObject({ averagePayCents: 700_000, kpiValue: null, pay: null });
    // a supervisor cannot set the pay of someone outside their line
    const saved = await tx(db, (trx) => setAveragePays(trx, { month: MONTH, actor: org.chen, entries: [{ employeeId: org.zhang.id, cents: 1 }], source: "entry", now: NOW }));
    expect(saved).toBe(0);
  });
});

describe("importing last month's average pay from CSV", () => {
  it("previews each row, refusing the bad ones with a reason, and imports the good ones", async () => {
    const host = await kpiHost();
    hosts.push(host);
    const db = host.kdb;
    const org = await insertOrg(db);
    const outsider = await insertPerson(db, { name: "Outsider", role: "staff", kind: "field", email: "out@kpi.test" });
    const csv = ["邮箱,上月平均工资", `${org.zhang.email},"8,000.50"`, `${org.li.email},8000.505`, "nobody@kpi.test,7000", `${outsider.email},7000`, `${org.zhang.email.toUpperCase()},9000`, `${org.zhou.email},9200`].join("\r\n");
    const preview = await previewAveragePayCsv(db, org.liu, csv);
    expect(preview.rows.map((r) => (r.ok ? [r.line, "ok", r.cents] : [r.line, r.key]))).toEqual([
      [2, "ok", 800_050],
      [3, "kpi.import.error.amount"],
      [4, "kpi.import.error.unknown"],
      // outside Liu's line: unknown to him
      [5, "kpi.import.error.unknown"],
      [6, "kpi.import.error.duplicate"],
      [7, "kpi.import.error.unknown"],
    ]);
    const wangPreview = await previewAveragePayCsv(db, org.wang, csv);
    const good = wangPreview.rows.flatMap((r) => (r.ok ? [{ employeeId: r.employeeId, cents: r.cents }] : []));
    expect(good).toEqual([{ employeeId: org.zhang.id, cents: 800_050 }, { employeeId: org.zhou.id, cents: 920_000 }]);
    await tx(db, (trx) => setAveragePays(trx, { month: MONTH, actor: org.wang, entries: good, source: "import", now: NOW }));
    const stored = await db.selectFrom("kpi_average_pay").select(["employee_id", "average_pay_cents", "source"]).orderBy("employee_id").execute();
    expect(stored).toEqual([
      { employee_id: org.zhang.id, average_pay_cents: 800_050, source: "import" },
      { employee_id: org.zhou.id, average_pay_cents: 920_000, source: "import" },
    ]);
  });

  it("refuses a file without the two columns", async () => {
    const host = await kpiHost();
    hosts.push(host);
    const org = await insertOrg(host.kdb);
    expect(await previewAveragePayCsv(host.kdb, org.wang, "name,pay\r\nx,1")).toEqual({ ok: false, fileKey: "kpi.import.error.header", rows: [] });
  });
});

/** The text of one file inside an .xlsx (ZIP) buffer. */
function zipEntry(buffer: Buffer, name: string): string {
  let offset = 0;
  while (offset < buffer.length - 30 && buffer.readUInt32LE(offset) === 0x04034b50) {
    const method = buffer.readUInt16LE(offset + 8);
    const size = buffer.readUInt32LE(offset + 18);
    const nameLength = buffer.readUInt16LE(offset + 26);
    const extra = buffer.readUInt16LE(offset + 28);
    const entryName = buffer.toString("utf8", offset + 30, offset + 30 + nameLength);
    const start = offset + 30 + nameLength + extra;
    const data = buffer.subarray(start, start + size);
    if (entryName === name) return (method === 8 ? inflateRawSync(data) : data).toString("utf8");
    offset = start + size;
  }
  throw new Error(`no ${name} in the archive`);
}

describe("exporting the pay sheet", () => {
  it("neutralises formulas in CSV and XLSX", async () => {
    const t = createTranslator(en);
    const row = { employeeId: 1, name: "=HYPERLINK(\"http://evil\",\"x\")", email: "+a@b.c", kind: "field" as const, sheetId: 1, status: "locked" as const, total: 82, grade: "B", kpiValue: 1, averagePayCents: 800_050, baseCoefficient: 0.6, pay: computePay({ averagePayCents: 800_050, baseCoefficient: 0.6, kpiValue: 1 }) };
    const table = payTable([row], t);
    const csv = toCsv(table.header, table.rows);
    const cells = parseCsv(csv)[1];
    expect(cells[0]).toBe("'=HYPERLINK(\"http://evil\",\"x\")");
    expect(cells[1]).toBe("'+a@b.c");
    // 800 050 × 0.6 = 480 030 → ¥4 800.30; standard 320 020 → ¥3 200.20; × 1 → ¥3 200.20; actual ¥8 000.50
    expect(cells.slice(7)).toEqual(["8000.50", "0.6", "0.4", "4800.30", "3200.20", "3200.20", "8000.50"]);
    const xlsxTable = payTable([row], t, { numbers: true });
    const sheet = zipEntry(writeXlsx([{ name: "pay", header: xlsxTable.header, rows: xlsxTable.rows }]), "xl/worksheets/sheet1.xml");
    expect(sheet).toContain(">'=HYPERLINK(&quot;");
    expect(sheet).not.toMatch(/<f>/);
    expect(sheet).toContain("<v>8000.5</v>");
  });
});
