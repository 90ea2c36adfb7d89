import { describe, expect, it } from "vitest";
import { isStorageFailure, withStorage } from "./storage-errors.server";

const err = (code: string) => Object.assign(new Error(code), { code });
const request = new Request("http://aftercare.test/satisfaction/s/x", { method: "POST" });

describe("storage failures", () => {
  it.each(["SQLITE_FULL", "SQLITE_IOERR", "SQLITE_IOERR_WRITE", "SQLITE_READONLY", "SQLITE_BUSY", "53100", "58030", "57P03", "08006"])("%s is a storage failure", (code) => {
    expect(isStorageFailure(err(code))).toBe(true);
  });

  it.each(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_ERROR", "23505", "42P01"])("%s is not (a bug or bad data, not the storage)", (code) => {
    expect(isStorageFailure(err(code))).toBe(false);
  });

  it("is false for anything without a code", () => {
    expect(isStorageFailure(new Error("x"))).toBe(false);
    expect(isStorageFailure(null)).toBe(false);
    expect(isStorageFailure("SQLITE_FULL")).toBe(false);
  });

  it("withStorage answers a storage failure with 503 (Retry-After 300) and passes anything else on", async () => {
    const error = console.error;
    console.error = () => {};
    try {
      const thrown = await withStorage(request, () => Promise.reject(err("SQLITE_FULL"))).catch((e: unknown) => e);
      expect(thrown).toMatchObject({ init: { status: 503 } });
      expect(new Headers((thrown as { init: { headers: HeadersInit } }).init.headers).get("Retry-After")).toBe("300");
      const bug = err("SQLITE_CONSTRAINT_UNIQUE");
      expect(await withStorage(request, () => Promise.reject(bug)).catch((e: unknown) => e)).toBe(bug);
      expect(await withStorage(request, async () => 42)).toBe(42);
    } finally {
      console.error = error;
    }
  });
});
