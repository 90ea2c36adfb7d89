import { describe, expect, it } from "vitest";
import { classifySendError, describeSendError } from "./send-error";

const smtpError = (responseCode: number, code = "EENVELOPE") => Object.assign(new Error(`${responseCode} reply`), { responseCode, code });
const netError = (code: string) => Object.assign(new Error("connection trouble"), { code });

describe("classifySendError", () => {
  it.each([
    [smtpError(421), "transient"],
    [smtpError(450), "transient"],
    [smtpError(451), "transient"],
    [smtpError(452), "transient"],
    [smtpError(503, "EPROTOCOL"), "transient"],
    [smtpError(550), "permanent"],
    [smtpError(552, "EMESSAGE"), "permanent"],
    [smtpError(554, "EMESSAGE"), "permanent"],
    [netError("ECONNECTION"), "transient"],
    [netError("ETIMEDOUT"), "transient"],
    [netError("ESOCKET"), "transient"],
    [netError("EDNS"), "transient"],
    [netError("EENVELOPE"), "permanent"],
    [new Error("something else"), "transient"],
  ] as const)("%s is %s", (err, kind) => {
    expect(classifySendError(err)).toBe(kind);
  });
});

describe("describeSendError", () => {
  it("keeps the message with its code, on one line, bounded", () => {
    expect(describeSendError(netError("ESOCKET"))).toBe("ESOCKET: connection trouble");
    expect(describeSendError(new Error("a\r\nb"))).toBe("a b");
    expect(describeSendError(new Error("x".repeat(5_000)))).toHaveLength(1_000);
  });
});
