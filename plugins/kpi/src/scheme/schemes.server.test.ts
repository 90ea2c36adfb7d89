import { afterEach, describe, expect, it } from "vitest";
import type { TestHost } from "@aftercare/core/test-host.server";
import { insertOrg, kpiHost, tx } from "../test-support/fixtures";
import { startMonth } from "../sheet/sheets.server";
import { DEFAULT_FIELD_SCHEME, DEFAULT_SUPPORT_SCHEME, validateDefinition } from "./definition";
import { FIRST_MONTH, listSchemes, saveScheme, schemeFor } from "./schemes.server";
import { parseSchemeForm, schemeFormValues } from "./scheme-form";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.destroy();
});

describe("the default schemes", () => {
  it("exist for both kinds after init and validate", async () => {
    const host = await kpiHost();
    hosts.push(host);
    const schemes = await listSchemes(host.kdb);
    expect(schemes.map((s) => [s.kind, s.monthFrom, s.version])).toEqual([
      ["field", FIRST_MONTH, 1],
      ["support", FIRST_MONTH, 1],
    ]);
    expect(validateDefinition(DEFAULT_FIELD_SCHEME)).toEqual([]);
    expect(validateDefinition(DEFAULT_SUPPORT_SCHEME)).toEqual([]);
    expect(DEFAULT_FIELD_SCHEME.indicators.map((i) => i.id)).toEqual(["compliance", "fault-response", "customer-communication", "information-feedback"]);
  });
});

describe("validateDefinition", () => {
  it("names what is wrong", () => {
    const bad = { ...DEFAULT_FIELD_SCHEME, standardScore: 120, baseCoefficient: 0.9, indicators: DEFAULT_FIELD_SCHEME.indicators.map((i) => (i.id === "compliance" ? { ...i, weight: 0.2 } : i)), behaviours: [{ id: "x", label: { en: "", "zh-CN": "迟到" }, points: 0 }] };
    expect(validateDefinition(bad).map((p) => p.key)).toEqual([
      "kpi.scheme.problem.sumOff",
      "kpi.scheme.problem.standard-above-full-marks",
      "kpi.scheme.problem.behaviourPoints",
      "kpi.scheme.problem.behaviourLabel",
      "kpi.scheme.problem.baseCoefficient",
    ]);
  });
});

describe("versions by month", () => {
  it("applies the newest version starting on or before a month; sheets keep theirs; a month with sheets cannot get a new version", async () => {
    const host = await kpiHost();
    hosts.push(host);
    const db = host.kdb;
    const org = await insertOrg(db);
    const now = "2026-12-01T00:00:00.000Z";
    const v2 = { ...DEFAULT_FIELD_SCHEME, baseCoefficient: 0.7 };
    expect(await tx(db, (trx) => saveScheme(trx, { kind: "field", monthFrom: "2026-12", definition: v2, actorId: org.admin.id, now }))).toMatchObject({ ok: true, version: 2, replaced: false });
    expect((await schemeFor(db, "field", "2026-11"))!.version).toBe(1);
    expect((await schemeFor(db, "field", "2026-12"))!.definition.baseCoefficient).toBe(0.7);
    expect((await schemeFor(db, "field", "2027-03"))!.version).toBe(2);
    // saving again for the same unused month replaces that version
    expect(await tx(db, (trx) => saveScheme(trx, { kind: "field", monthFrom: "2026-12", definition: { ...v2, baseCoefficient: 0.75 }, actorId: org.admin.id, now }))).toMatchObject({ ok: true, version: 3, replaced: true });
    await tx(db, (trx) => startMonth(trx, { month: "2026-12", supervisor: org.liu, now }));
    expect(await tx(db, (trx) => saveScheme(trx, { kind: "field", monthFrom: "2026-11", definition: v2, actorId: org.admin.id, now }))).toEqual({ ok: false, reason: "sheets-exist", month: "2026-12" });
    // the support kind is not affected by field sheets
    expect(await tx(db, (trx) => saveScheme(trx, { kind: "support", monthFrom: "2026-12", definition: DEFAULT_SUPPORT_SCHEME, actorId: org.admin.id, now }))).toMatchObject({ ok: true });
  });

  it("round-trips a definition through the editor form", () => {
    const values = schemeFormValues(DEFAULT_FIELD_SCHEME, "2027-01");
    const parsed = parseSchemeForm("field", values, DEFAULT_FIELD_SCHEME);
    expect(parsed.errors).toEqual([]);
    expect(parsed.monthFrom).toBe("2027-01");
    expect(parsed.definition).toEqual(DEFAULT_FIELD_SCHEME);
  });
});
