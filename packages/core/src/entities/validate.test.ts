import { describe, expect, it } from "vitest";
import { createTranslator } from "@aftercare/i18n";
import type { Locale } from "@aftercare/plugin-api";
import { coreMessages } from "../locales";
import { customersEntity, equipmentEntity, usersEntity } from "./definitions";
import type { ValidationContext } from "./types";
import { type RefMaps, validateEntityInput } from "./validate";

const ctx = (locale: Locale): ValidationContext => ({ locale, t: createTranslator(coreMessages[locale]) });
const en = ctx("en");
const zh = ctx("zh-CN");

const refs: RefMaps = {
  usersByEmail: new Map([["li.na@aftercare.local", 7]]),
  customersByCompany: new Map([["上海精密机械有限公司", 3]]),
  userIds: new Set([7]),
  customerIds: new Set([3]),
};

const customer = { company: "ACME", tier: "high", locale: "en" };

function errorsOf(result: ReturnType<typeof validateEntityInput>): Record<string, string> {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.values)}`);
  return result.errors;
}

function valuesOf(result: ReturnType<typeof validateEntityInput>): Record<string, unknown> {
  if (!result.ok) throw new Error(`expected no errors, got ${JSON.stringify(result.errors)}`);
  return result.values;
}

describe("validateEntityInput", () => {
  it("accepts a complete customer and fills absent optional fields with null", () => {
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, region: " 华东 " }, refs, en, "form"))).toEqual({
      company: "ACME",
      contact_name: null,
      email: null,
      phone: null,
      region: "华东",
      tier: "high",
      owner_id: null,
      locale: "en",
    });
  });

  it("requires required fields, in the viewer's language", () => {
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, company: "  " }, refs, en, "form"))).toEqual({ company: "Company is required." });
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, company: "" }, refs, zh, "form"))).toEqual({ company: "请填写公司名称。" });
  });

  it("reports every bad field at once", () => {
    expect(Object.keys(errorsOf(validateEntityInput(customersEntity, { email: "x" }, refs, en, "form"))).sort()).toEqual(["company", "email", "locale", "tier"]);
  });

  it("checks email addresses and stores them lower-cased", () => {
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, email: "qian at example.com" }, refs, en, "form"))).toEqual({
      email: "Email must be a valid email address.",
    });
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, email: "qian@example" }, refs, zh, "form"))).toEqual({ email: "邮箱不是有效的邮箱地址。" });
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, email: "Qian@Example.COM" }, refs, en, "form")).email).toBe("qian@example.com");
  });

  it("accepts a choice by its value, in any case", () => {
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, tier: "standard" }, refs, en, "form")).tier).toBe("standard");
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, tier: "MID" }, refs, en, "form")).tier).toBe("mid");
  });

  it("accepts a choice by its label in the viewer's language", () => {
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, tier: "High-end" }, refs, en, "csv")).tier).toBe("high");
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, tier: "普通客户" }, refs, zh, "csv")).tier).toBe("standard");
    expect(valuesOf(validateEntityInput(usersEntity, { name: "张伟", email: "zw@example.com", role: "员工", staff_kind: "技术支持类" }, refs, zh, "csv"))).toMatchObject({
      role: "staff",
      staff_kind: "support",
    });
  });

  it("refuses a choice that is not listed, in the viewer's language", () => {
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, tier: "premium" }, refs, en, "form"))).toEqual({ tier: "Tier must be one of the listed values." });
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, tier: "premium" }, refs, zh, "form"))).toEqual({ tier: "客户等级必须是列表中的值。" });
  });

  it("accepts real calendar dates and refuses 2026-02-30 and other shapes", () => {
    const machine = { model: "AC-200 混合机", serial_number: "SN-1", customer_id: "3" };
    expect(valuesOf(validateEntityInput(equipmentEntity, { ...machine, install_date: "2028-02-29" }, refs, en, "form")).install_date).toBe("2028-02-29");
    expect(errorsOf(validateEntityInput(equipmentEntity, { ...machine, install_date: "2026-02-30" }, refs, en, "form"))).toEqual({
      install_date: "Install date must be a date like 2026-05-31.",
    });
    expect(errorsOf(validateEntityInput(equipmentEntity, { ...machine, install_date: "2027-02-29" }, refs, zh, "form"))).toEqual({
      install_date: "安装日期必须是日期，例如 2026-05-31。",
    });
    for (const bad of ["2026-2-3", "03/01/2026", "2026-13-01", "2026-04-31"]) {
      expect(errorsOf(validateEntityInput(equipmentEntity, { ...machine, install_date: bad }, refs, en, "form"))).toHaveProperty("install_date");
    }
  });

  it("resolves references by id from the form and by email/company from a CSV", () => {
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, owner_id: "7" }, refs, en, "form")).owner_id).toBe(7);
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, owner_id: "Li.Na@aftercare.local" }, refs, en, "csv")).owner_id).toBe(7);
    expect(
      valuesOf(validateEntityInput(equipmentEntity, { model: "AC-200", serial_number: "SN-1", customer_id: "上海精密机械有限公司" }, refs, en, "csv")).customer_id,
    ).toBe(3);
  });

  it("refuses an unknown reference, naming it, in the viewer's language", () => {
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, owner_id: "nobody@example.com" }, refs, en, "csv"))).toEqual({
      owner_id: "Owner “nobody@example.com” was not found.",
    });
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, owner_id: "nobody@example.com" }, refs, zh, "csv"))).toEqual({
      owner_id: "找不到负责人“nobody@example.com”。",
    });
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, owner_id: "999" }, refs, en, "form"))).toEqual({ owner_id: "Owner “999” was not found." });
    // An id typed into a CSV is not a reference: the CSV names users by email.
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, owner_id: "7" }, refs, en, "csv"))).toEqual({ owner_id: "Owner “7” was not found." });
  });

  it("refuses a password shorter than 10 characters and ignores passwords in a CSV", () => {
    const user = { name: "张伟", email: "zw@example.com", role: "staff" };
    expect(errorsOf(validateEntityInput(usersEntity, { ...user, password: "123456789" }, refs, en, "form"))).toEqual({
      password: "The password must have at least 10 characters.",
    });
    expect(errorsOf(validateEntityInput(usersEntity, { ...user, password: "short" }, refs, zh, "form"))).toEqual({ password: "密码至少需要 10 个字符。" });
    expect(valuesOf(validateEntityInput(usersEntity, { ...user, password: "1234567890" }, refs, en, "form")).password).toBe("1234567890");
    expect(valuesOf(validateEntityInput(usersEntity, { ...user, password: "short" }, refs, en, "csv"))).not.toHaveProperty("password");
  });

  it("refuses text over the field's maximum length", () => {
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, company: "x".repeat(201) }, refs, en, "form"))).toEqual({
      company: "Company is too long (at most 200 characters).",
    });
    expect(valuesOf(validateEntityInput(customersEntity, { ...customer, company: "x".repeat(200) }, refs, en, "form")).company).toHaveLength(200);
  });

  it("strips NUL bytes, other control characters and right-to-left overrides", () => {
    const values = valuesOf(validateEntityInput(customersEntity, { ...customer, company: "AC\u0000ME\u0007 Ltd", contact_name: "\u202Eexe.txt", region: "华\u202D东" }, refs, en, "form"));
    expect(values).toMatchObject({ company: "ACME Ltd", contact_name: "exe.txt", region: "华东" });
  });

  it("strips bidi embeddings and isolates too (they reorder text like overrides)", () => {
    const values = valuesOf(validateEntityInput(customersEntity, { ...customer, company: "\u2067ACME\u2069 \u202BLtd\u202C" }, refs, en, "form"));
    expect(values.company).toBe("ACME Ltd");
  });

  it("treats a value of only control characters as empty", () => {
    expect(errorsOf(validateEntityInput(customersEntity, { ...customer, company: "\u0000\u202E" }, refs, en, "form"))).toEqual({ company: "Company is required." });
  });
});
