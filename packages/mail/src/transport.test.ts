import { afterEach, describe, expect, it } from "vitest";
import { createTransportFromUrl, smtpOptionsFromUrl } from "./transport";
import { startTestSmtpServer, type TestSmtpServer } from "./test-smtp-server";

let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

describe("createTransportFromUrl", () => {
  it("reads smtp:// and smtps:// URLs into pooled options with 5 connections", () => {
    expect(smtpOptionsFromUrl("smtp://mailer:p%40ss@smtp.example.com:2525")).toMatchObject({
      pool: true,
      maxConnections: 5,
      host: "smtp.example.com",
      port: 2525,
      secure: false,
      auth: { user: "mailer", pass: "p@ss" },
    });
    expect(smtpOptionsFromUrl("smtps://smtp.example.com")).toMatchObject({ port: 465, secure: true, auth: undefined });
    expect(smtpOptionsFromUrl("smtp://smtp.example.com")).toMatchObject({ port: 587, secure: false });
  });

  it("throws a clear error for a malformed URL, without showing the password", () => {
    expect(() => createTransportFromUrl("not a url")).toThrow(/SMTP URL is malformed/);
    expect(() => createTransportFromUrl("http://smtp.example.com")).toThrow(/must start with smtp:\/\/ or smtps:\/\//);
    expect(() => createTransportFromUrl("smtp://u:hunter2@smtp.example.com/x?pool=false")).toThrow(/path, query or fragment/);
    expect(() => createTransportFromUrl("smtp://u:hunter2@smtp.example.com/x?pool=false")).toThrow(/u:\*\*\*@smtp/);
    expect(() => createTransportFromUrl("smtp://u:hunter2@smtp.example.com:99999")).not.toThrow(/hunter2/);
    expect(() => createTransportFromUrl("smtp://u:hunter2@smtp.example.com:99999")).toThrow(/malformed/);
    expect(() => createTransportFromUrl("smtp://u:%E0%A4%A@smtp.example.com")).toThrow(/percent-encoded/);
  });

  it("delivers through the pooled transport to a real SMTP server", async () => {
    smtp = await startTestSmtpServer();
    const transport = createTransportFromUrl(smtp.url);
    try {
      await Promise.all(
        [1, 2, 3].map((i) => transport.sendMail({ from: "a@example.com", to: `r${i}@example.com`, subject: `n${i}`, text: "hi" })),
      );
    } finally {
      transport.close();
    }
    expect(smtp.received.map((m) => m.parsed.subject).sort()).toEqual(["n1", "n2", "n3"]);
  });
});
