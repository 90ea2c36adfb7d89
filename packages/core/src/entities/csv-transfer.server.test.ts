import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { createTranslator } from "@aftercare/i18n";
import type { Locale } from "@aftercare/plugin-api";
import { coreMigrationSet } from "../migrations";
import { coreMessages } from "../locales";
import type { CoreTables } from "../tables";
import { commitImport, exportCsv, previewBatch, stageImport } from "./csv-transfer.server";
import { customersEntity, equipmentEntity } from "./definitions";
import type { ValidationContext } from "./types";

const ctx = (locale: Locale): ValidationContext => ({ locale, t: createTranslator(coreMessages[locale]) });
const en = ctx("en");
const zh = ctx("zh-CN");
const T0 = "2026-03-01T08:00:00.000Z";
const NOW = "2026-03-02T09:30:00.000Z";
const HEADER = "company,contact_name,email,phone,region,tier,owner_id,locale";

let t: TestDatabase<CoreTables>;
let adminId: number;
let ownerId: number;
let shanghaiId: number;

const utf8 = (text: string) => new TextEncoder().encode(text);
/** Bytes of plain ASCII text (the same in UTF-8 and GBK). */
const ascii = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0));

async function addUser(email: string, role: "admin" | "staff"): Promise<number> {
  const row = await t.db
    .insertInto("users")
    .values({ email, name: email, role, staff_kind: role === "staff" ? "field" : null, supervisor_id: null, phone: null, locale: null, password_hash: null, active: 1, created_at: T0, updated_at: T0 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

type CustomerFields = Omit<CoreTables["customers"], "id">;

async function addCustomer(values: Partial<CustomerFields> & { company: string }): Promise<number> {
  const row = await t.db
    .insertInto("customers")
    .values({ contact_name: null, email: null, phone: null, region: null, tier: "mid", owner_id: null, locale: "zh-CN", email_opt_out: 0, opted_out_at: null, active: 1, created_at: T0, updated_at: T0, ...values })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function customerCount(): Promise<number> {
  const row = await t.db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function stageAndCommit(bytes: Uint8Array, fileName = "customers.csv") {
  const staged = await stageImport(t.db, customersEntity, bytes, fileName, adminId, NOW, en);
  expect(staged.batchId).not.toBeNull();
  return { staged, committed: await commitImport(t.db, customersEntity, staged.batchId!, adminId, NOW, en) };
}

beforeEach(async () => {
  t = await createTestDatabase<CoreTables>([coreMigrationSet, mailMigrationSet]);
  adminId = await addUser("admin@example.com", "admin");
  ownerId = await addUser("li.na@example.com", "staff");
  shanghaiId = await addCustomer({ company: "上海精密机械有限公司", contact_name: "钱先生", email: "qian@example.com", phone: "13800001000", region: "华东", tier: "high", owner_id: ownerId });
});
afterEach(() => t.destroy());

describe("stageImport", () => {
  it("stages the file and previews each row as create or update by the import key (company), writing no customer", async () => {
    const csv = `${HEADER}\r\n上海精密机械有限公司,钱先生,qian@example.com,13800001000,华东,mid,li.na@example.com,zh-CN\r\nHarbor Feed Co.,Mr. Ho,ho@example.com,,华南,Mid-range,LI.NA@example.com,en\r\n`;

    const { batchId, preview } = await stageImport(t.db, customersEntity, utf8(csv), "customers.csv", adminId, NOW, en);

    expect(batchId).toEqual(expect.any(Number));
    expect(preview.columns).toEqual(["company", "contact_name", "email", "phone", "region", "tier", "owner_id", "locale"]);
    expect(preview.fileErrors).toEqual([]);
    expect(preview.rows.map((r) => ({ line: r.line, action: r.action, errors: r.errors }))).toEqual([
      { line: 2, action: "update", errors: [] },
      { line: 3, action: "create", errors: [] },
    ]);
    expect(preview.rows[1].cells).toMatchObject({ company: "Harbor Feed Co.", tier: "Mid-range", owner_id: "LI.NA@example.com" });
    expect({ ok: preview.okCount, bad: preview.badCount }).toEqual({ ok: 2, bad: 0 });
    expect(await customerCount()).toBe(1);
    expect(await previewBatch(t.db, customersEntity, batchId!, adminId, en)).toEqual(preview);
    expect(await previewBatch(t.db, customersEntity, batchId!, ownerId, en)).toBeNull();
  });

  it("reads a GBK file as saved by Chinese Excel", async () => {
    // "中文公司" in GBK: 中 D6 D0, 文 CE C4, 公 B9 AB, 司 CB BE (not valid UTF-8).
    const bytes = Uint8Array.from([...ascii("company,tier,locale\r\n"), 0xd6, 0xd0, 0xce, 0xc4, 0xb9, 0xab, 0xcb, 0xbe, ...ascii(",high,zh-CN\r\n")]);

    const { staged, committed } = await stageAndCommit(bytes, "gbk.csv");

    expect(staged.preview.rows.map((r) => r.cells.company)).toEqual(["中文公司"]);
    expect(committed).toEqual({ ok: true, created: 1, updated: 0 });
    const row = await t.db.selectFrom("customers").selectAll().where("company", "=", "中文公司").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ tier: "high", locale: "zh-CN" });
  });

  it("refuses a file that is neither UTF-8 nor GBK with the encoding message, staging nothing", async () => {
    // UTF-16LE with its byte-order mark, as some tools save "Unicode text".
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Array.from("company\r\nX\r\n").flatMap((ch) => [ch.charCodeAt(0), 0])]);

    const english = await stageImport(t.db, customersEntity, utf16, "u16.csv", adminId, NOW, en);
    const chinese = await stageImport(t.db, customersEntity, utf16, "u16.csv", adminId, NOW, zh);

    expect(english).toMatchObject({ batchId: null, preview: { fileErrors: ["The file is neither UTF-8 nor GBK text."], rows: [] } });
    expect(chinese.preview.fileErrors).toEqual(["文件既不是 UTF-8 也不是 GBK 文本。"]);
    expect(await t.db.selectFrom("import_batches").selectAll().execute()).toEqual([]);
  });

  it("refuses a wrong header, naming the unknown columns", async () => {
    const { batchId, preview } = await stageImport(t.db, customersEntity, utf8("company,tier,locale,fax,VIP\nACME,high,en,1,2\n"), null, adminId, NOW, en);

    expect(batchId).toBeNull();
    expect(preview.fileErrors).toEqual(["Unknown columns: fax, VIP. Expected: company, contact_name, email, phone, region, tier, owner_id, locale."]);
    const chinese = await stageImport(t.db, customersEntity, utf8("company,tier,locale,fax\nACME,high,en,1\n"), null, adminId, NOW, zh);
    expect(chinese.preview.fileErrors).toEqual(["无法识别的列：fax。应为：company, contact_name, email, phone, region, tier, owner_id, locale。"]);
  });

  it("refuses a header without the required columns, naming them", async () => {
    const { batchId, preview } = await stageImport(t.db, customersEntity, utf8("company,region\nACME,华东\n"), null, adminId, NOW, en);
    expect(batchId).toBeNull();
    expect(preview.fileErrors).toEqual(["Missing required columns: tier, locale."]);
  });

  it("refuses a file with no data rows", async () => {
    const { batchId, preview } = await stageImport(t.db, customersEntity, utf8(`${HEADER}\r\n`), null, adminId, NOW, en);
    expect(batchId).toBeNull();
    expect(preview.fileErrors).toEqual(["The file has no data rows."]);
  });

  it("flags a row repeating an earlier row's key with that first row's number", async () => {
    const csv = "company,tier,locale\nOrient Industries,high,en\nPacific Feed,mid,en\n orient industries ,standard,en\n";

    const { preview } = await stageImport(t.db, customersEntity, utf8(csv), null, adminId, NOW, en);

    expect(preview.rows.map((r) => [r.line, r.errors])).toEqual([
      [2, []],
      [3, []],
      [4, ["Duplicate of row 2 in this file."]],
    ]);
    expect({ ok: preview.okCount, bad: preview.badCount }).toEqual({ ok: 2, bad: 1 });
  });

  it("shows each bad row's messages in the viewer's language", async () => {
    const csv = "company,tier,locale,owner_id\nACME,premium,en,nobody@example.com\n";
    const { preview } = await stageImport(t.db, customersEntity, utf8(csv), null, adminId, NOW, zh);
    expect(preview.rows[0].errors).toEqual(["客户等级必须是列表中的值。", "找不到负责人“nobody@example.com”。"]);
  });
});

describe("commitImport", () => {
  it("imports nothing when one row is bad and returns the preview (table unchanged)", async () => {
    const before = await t.db.selectFrom("customers").selectAll().orderBy("id").execute();
    const csv = "company,tier,locale\nOrient Industries,high,en\nPacific Feed,premium,en\n上海精密机械有限公司,standard,zh-CN\n";

    const { committed } = await stageAndCommit(utf8(csv));

    expect(committed.ok).toBe(false);
    if (committed.ok) return;
    expect(committed.preview?.badCount).toBe(1);
    expect(committed.preview?.rows[1]).toMatchObject({ line: 3, errors: ["Tier must be one of the listed values."] });
    expect(await t.db.selectFrom("customers").selectAll().orderBy("id").execute()).toEqual(before);
    expect(await t.db.selectFrom("audit_log").selectAll().execute()).toEqual([]);
  });

  it("commits a good file in one go and writes one audit row", async () => {
    const csv = `${HEADER}\r\nOrient Industries,周经理,zhou@example.com,,华东,High-end,li.na@example.com,en\r\nPacific Feed,,,,华南,standard,,zh-CN\r\n`;
    const before = await customerCount();

    const { staged, committed } = await stageAndCommit(utf8(csv));

    expect(committed).toEqual({ ok: true, created: 2, updated: 0 });
    expect(await customerCount()).toBe(before + 2);
    const orient = await t.db.selectFrom("customers").selectAll().where("company", "=", "Orient Industries").executeTakeFirstOrThrow();
    expect(orient).toMatchObject({ contact_name: "周经理", email: "zhou@example.com", phone: null, tier: "high", owner_id: ownerId, locale: "en", active: 1, created_at: NOW, updated_at: NOW });
    const audit = await t.db.selectFrom("audit_log").selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ at: NOW, actor_id: adminId, action: "customers.import", target: "customers:*" });
    expect(JSON.parse(audit[0].detail_json!)).toEqual({ file: "customers.csv", created: 2, updated: 0 });
    // The batch is used up.
    expect(await commitImport(t.db, customersEntity, staged.batchId!, adminId, NOW, en)).toEqual({ ok: false, preview: null });
  });

  it("updates an existing customer found by company (any case), keeping its id and created_at", async () => {
    const harborId = await addCustomer({ company: "Harbor Feed Co.", contact_name: "Mr. Ho", tier: "mid", locale: "en" });
    const csv = `${HEADER}\r\nHARBOR FEED CO.,Ms. Ho,ho@example.com,,华南,high,li.na@example.com,en\r\n`;

    const { staged, committed } = await stageAndCommit(utf8(csv));

    expect(staged.preview.rows[0].action).toBe("update");
    expect(committed).toEqual({ ok: true, created: 0, updated: 1 });
    expect(await customerCount()).toBe(2);
    const harbor = await t.db.selectFrom("customers").selectAll().where("id", "=", harborId).executeTakeFirstOrThrow();
    expect(harbor).toMatchObject({ contact_name: "Ms. Ho", email: "ho@example.com", region: "华南", tier: "high", owner_id: ownerId, created_at: T0, updated_at: NOW });
  });

  it("leaves the columns a file does not have untouched when it updates", async () => {
    const csv = "company,tier,locale\n上海精密机械有限公司,standard,zh-CN\n";

    const { committed } = await stageAndCommit(utf8(csv));

    expect(committed).toEqual({ ok: true, created: 0, updated: 1 });
    const shanghai = await t.db.selectFrom("customers").selectAll().where("id", "=", shanghaiId).executeTakeFirstOrThrow();
    expect(shanghai).toMatchObject({ tier: "standard", contact_name: "钱先生", email: "qian@example.com", phone: "13800001000", region: "华东", owner_id: ownerId });
  });
});

describe("exportCsv", () => {
  it("writes every customer with owners as emails, formulas neutralised, and an active column", async () => {
    await addCustomer({ company: "=cmd|' /C calc'!A0", contact_name: "@SUM(A1)", phone: "+86 21 5555", tier: "mid", locale: "en", active: 0 });

    const csv = await exportCsv(t.db, customersEntity);

    expect(csv).toBe(
      "\uFEFF" +
        "company,contact_name,email,phone,region,tier,owner_id,locale,active\r\n" +
        "上海精密机械有限公司,钱先生,qian@example.com,13800001000,华东,high,li.na@example.com,zh-CN,1\r\n" +
        "'=cmd|' /C calc'!A0,'@SUM(A1),,'+86 21 5555,,mid,,en,0\r\n",
    );
  });

  it("names an equipment's customer by company", async () => {
    await t.db.insertInto("equipment").values({ customer_id: shanghaiId, model: "AC-200 混合机", serial_number: "SN-2024-0101", install_date: "2024-02-15", active: 1, created_at: T0, updated_at: T0 }).execute();

    expect(await exportCsv(t.db, equipmentEntity)).toBe(
      "\uFEFFmodel,serial_number,customer_id,install_date,active\r\nAC-200 混合机,SN-2024-0101,上海精密机械有限公司,2024-02-15,1\r\n",
    );
  });
});
