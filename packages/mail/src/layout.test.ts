import { describe, expect, it } from "vitest";
import { escapeHtml, renderEmail, safeHeader, safeUrl } from "./layout";

describe("renderEmail", () => {
  it("escapes <script> and & < > \" ' in every interpolated string", () => {
    const evil = `<script>alert("x")</script> & 'q'`;
    const { html } = renderEmail({
      locale: "en",
      heading: evil,
      paragraphs: [evil],
      button: { label: evil, url: "https://aftercare.example.com/s/a?x=1&y=\"2\"" },
      footer: [evil],
    });

    expect(html).not.toContain("<script>");
    expect(html).not.toContain(`"x"`);
    expect(html).not.toContain("'q'");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    expect(html.split("&lt;script&gt;").length - 1).toBe(5); // title, heading, paragraph, button, footer
    expect(html).toContain('href="https://aftercare.example.com/s/a?x=1&amp;y=%222%22"');
  });

  it("drops a javascript: button URL from both parts and keeps an https one", () => {
    const bad = renderEmail({ locale: "en", heading: "H", paragraphs: ["p"], button: { label: "Open", url: "javascript:alert(1)" } });
    expect(bad.html).not.toMatch(/javascript:/i);
    expect(bad.html).not.toContain("Open");
    expect(bad.text).not.toMatch(/javascript:|Open/);

    const good = renderEmail({ locale: "en", heading: "H", paragraphs: ["p"], button: { label: "Open", url: "https://a.example/x" } });
    expect(good.html).toContain('<a href="https://a.example/x"');
    expect(good.text).toContain("Open: https://a.example/x");
  });

  it("gives a plain-text alternative and the locale's language", () => {
    const { html, text } = renderEmail({
      locale: "zh-CN",
      heading: "服务满意度调查",
      paragraphs: ["您好，", "第一行\n第二行"],
      button: { label: "开始填写", url: "https://a.example/s/1" },
      footer: ["您收到此邮件是因为…"],
    });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('name="viewport"');
    expect(html).toContain("第一行<br>第二行");
    expect(html).toContain("如果按钮无法打开");
    expect(text).toBe("服务满意度调查\n\n您好，\n\n第一行\n第二行\n\n开始填写: https://a.example/s/1\n\n--\n您收到此邮件是因为…\n");
  });
});

describe("safeUrl, escapeHtml", () => {
  it("keeps only absolute http(s) URLs", () => {
    expect(safeUrl("https://a.example/p?q=1")).toBe("https://a.example/p?q=1");
    expect(safeUrl(" http://a.example ")).toBe("http://a.example/");
    for (const u of ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,x", "/relative", "vbscript:x", "mailto:a@b"]) {
      expect(safeUrl(u)).toBeUndefined();
    }
  });

  it("escapes all five HTML characters", () => {
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});

describe("safeHeader", () => {
  it("strips CR, LF and NUL so a value cannot start a new header", () => {
    const v = safeHeader("Hello\r\nBcc: evil@attacker.example\0\n\rX: y");
    expect(v).not.toMatch(/[\r\n\0]/);
    expect(v).toBe("Hello Bcc: evil@attacker.example X: y");
    expect(safeHeader("Line\u2028sep")).toBe("Line sep");
  });
});
