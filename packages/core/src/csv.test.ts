import { describe, expect, it } from "vitest";
import { decodeCsvBytes, parseCsv, safeCell, toCsv } from "./csv";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and newlines", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["two\nlines", "z"],
    ]);
  });
  it("strips a BOM and skips blank lines", () => {
    expect(parseCsv("\uFEFFcompany\n\nACME\n")).toEqual([["company"], ["ACME"]]);
  });
  it("keeps empty cells", () => {
    expect(parseCsv("a,,c\n")).toEqual([["a", "", "c"]]);
  });
});

describe("decodeCsvBytes", () => {
  it("reads UTF-8", () => {
    const r = decodeCsvBytes(new TextEncoder().encode("公司\n上海"));
    expect(r).toEqual({ ok: true, text: "公司\n上海", encoding: "utf-8" });
  });
  it("reads GBK as saved by Chinese Excel", () => {
    // "公司" in GBK is B9 AB CB BE
    const r = decodeCsvBytes(new Uint8Array([0xb9, 0xab, 0xcb, 0xbe]));
    expect(r).toEqual({ ok: true, text: "公司", encoding: "gbk" });
  });
  it("refuses UTF-16 text (with or without BOM) and binary files, which hold NUL bytes", () => {
    const utf16le = [0xff, 0xfe, ...Array.from("company\r\n").flatMap((ch) => [ch.charCodeAt(0), 0])];
    expect(decodeCsvBytes(Uint8Array.from(utf16le))).toEqual({ ok: false });
    expect(decodeCsvBytes(Uint8Array.from(utf16le.slice(2)))).toEqual({ ok: false });
    // The start of a .xlsx (zip) file.
    expect(decodeCsvBytes(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))).toEqual({ ok: false });
  });
  it("refuses bytes that are neither", () => {
    expect(decodeCsvBytes(new Uint8Array([0xff, 0xff, 0xff, 0x00, 0x81]))).toEqual({ ok: false });
  });
});

describe("toCsv", () => {
  it("neutralises formulas and quotes what needs quoting", () => {
    expect(safeCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(safeCell("-5")).toBe("'-5");
    expect(safeCell("@SUM")).toBe("'@SUM");
    expect(safeCell("plain")).toBe("plain");
    expect(toCsv(["a", "b"], [["x,y", '+1"2'], [null, 3]])).toBe('\uFEFFa,b\r\n"x,y","\'+1""2"\r\n,3\r\n');
  });
  it("round-trips through parseCsv", () => {
    const rows = [["上海机械", "line\nbreak", 'q"uote']];
    expect(parseCsv(toCsv(["a", "b", "c"], rows))).toEqual([["a", "b", "c"], ...rows]);
  });
});
