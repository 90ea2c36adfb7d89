import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import type { InvitationService } from "@aftercare/plugin-api";
import { coreMigrationSet } from "./migrations";
import { createInvitationService, parseToken } from "./invitations.server";
import type { CoreTables } from "./tables";

const T0 = new Date("2026-03-01T08:00:00.000Z");
const EXPIRES = "2026-03-15T08:00:00.000Z";
const KEY = "test-server-key-0123456789abcdefghijklmnop";

let t: TestDatabase<CoreTables>;
let now: Date;
let service: InvitationService;

beforeEach(async () => {
  t = await createTestDatabase<CoreTables>([coreMigrationSet, mailMigrationSet]);
  now = T0;
  service = createInvitationService(t.db, () => now, KEY);
});
afterEach(() => t.destroy());

async function invite(purpose = "satisfaction"): Promise<{ id: string; token: string }> {
  const [created] = await service.createMany(t.db, [
    { purpose, subjectRef: "campaign:7", recipientEmail: "qian@example.com", recipientName: "钱先生", locale: "zh-CN", expiresAt: EXPIRES },
  ]);
  return created;
}

/** The token with one character of the secret changed. */
function tamper(token: string): string {
  const i = 16 + 1 + 10;
  const replacement = token[i] === "A" ? "B" : "A";
  return token.slice(0, i) + replacement + token.slice(i + 1);
}

describe("invitation tokens", () => {
  it("have the shape <16 url-safe chars>.<43 url-safe chars> and start in state sent", async () => {
    const { id, token } = await invite();

    expect(token).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(token.slice(0, 16)).toBe(id);
    const row = await t.db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "sent", purpose: "satisfaction", subject_ref: "campaign:7", expires_at: EXPIRES, created_at: T0.toISOString() });
  });

  it("store only the SHA-256 hash of the secret; the secret never appears in the row", async () => {
    const { id, token } = await invite();
    const secret = token.slice(17);

    const row = await t.db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

    expect(row.secret_hash).toBe(crypto.createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("can be derived again from the id for a reminder (tokenFor), and only with the server key", async () => {
    const { id, token } = await invite();

    expect(service.tokenFor(id)).toBe(token);
    const otherKey = createInvitationService(t.db, () => now, "another-server-key-0123456789abcdefghij");
    expect(otherKey.tokenFor(id)).not.toBe(token);
    expect(await otherKey.check(otherKey.tokenFor(id), "satisfaction")).toEqual({ ok: false, reason: "unknown" });
  });

  it("give each invitation its own id and secret", async () => {
    const items = Array.from({ length: 3 }, (_, i) => ({ purpose: "satisfaction", subjectRef: String(i), locale: "en" as const, expiresAt: EXPIRES }));
    const created = await service.createMany(t.db, items);
    expect(new Set(created.map((c) => c.id)).size).toBe(3);
    expect(new Set(created.map((c) => c.token.slice(17))).size).toBe(3);
  });
});

describe("check", () => {
  it("accepts a valid token for its purpose and returns the invitation", async () => {
    const { id, token } = await invite();

    const result = await service.check(token, "satisfaction");

    expect(result).toEqual({
      ok: true,
      invitation: {
        id,
        purpose: "satisfaction",
        subjectRef: "campaign:7",
        recipientEmail: "qian@example.com",
        recipientName: "钱先生",
        customerId: null,
        locale: "zh-CN",
        state: "sent",
        expiresAt: EXPIRES,
      },
    });
  });

  it("refuses an unknown id as unknown", async () => {
    const { token } = await invite();
    const otherId = token.startsWith("A") ? `B${token.slice(1)}` : `A${token.slice(1)}`;

    expect(await service.check(otherId, "satisfaction")).toEqual({ ok: false, reason: "unknown" });
  });

  it("refuses a tampered secret (one character changed) as unknown", async () => {
    const { token } = await invite();
    const tampered = tamper(token);
    expect(tampered).not.toBe(token);
    expect(tampered).toHaveLength(token.length);

    expect(await service.check(tampered, "satisfaction")).toEqual({ ok: false, reason: "unknown" });
  });

  it("refuses a token of another purpose as unknown", async () => {
    const { token } = await invite("review360");

    expect(await service.check(token, "satisfaction")).toEqual({ ok: false, reason: "unknown" });
  });

  it("refuses malformed tokens as unknown", async () => {
    await invite();
    expect(await service.check("", "satisfaction")).toEqual({ ok: false, reason: "unknown" });
    expect(await service.check("not-a-token", "satisfaction")).toEqual({ ok: false, reason: "unknown" });
    expect(parseToken("x".repeat(16) + ":" + "y".repeat(43))).toBeNull();
  });

  it("refuses an expired token once the clock passes expires_at", async () => {
    const { token } = await invite();

    now = new Date("2026-03-15T07:59:59.000Z");
    expect((await service.check(token, "satisfaction")).ok).toBe(true);

    now = new Date("2026-03-15T08:00:01.000Z");
    expect(await service.check(token, "satisfaction")).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a completed invitation", async () => {
    const { id, token } = await invite();
    await service.advance(t.db, id, "completed");

    expect(await service.check(token, "satisfaction")).toEqual({ ok: false, reason: "completed" });
  });
});

describe("check with acceptUsed (opting out from an old link)", () => {
  it("accepts completed and expired links but still refuses tampered ones", async () => {
    const { id, token } = await invite();
    await service.advance(t.db, id, "completed");
    now = new Date("2026-04-01T00:00:00.000Z");

    const used = await service.check(token, "satisfaction", { acceptUsed: true });
    expect(used.ok && used.invitation.state).toBe("completed");
    expect(await service.check(tamper(token), "satisfaction", { acceptUsed: true })).toEqual({ ok: false, reason: "unknown" });
  });
});

describe("advance", () => {
  it("moves forward through opened, started and completed, stamping each time", async () => {
    const { id } = await invite();

    now = new Date("2026-03-02T09:00:00.000Z");
    await service.advance(t.db, id, "opened");
    now = new Date("2026-03-02T09:05:00.000Z");
    await service.advance(t.db, id, "started");
    now = new Date("2026-03-02T09:20:00.000Z");
    await service.advance(t.db, id, "completed");

    const row = await t.db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: "completed",
      opened_at: "2026-03-02T09:00:00.000Z",
      started_at: "2026-03-02T09:05:00.000Z",
      completed_at: "2026-03-02T09:20:00.000Z",
    });
  });

  it("only moves forward: completed → opened is ignored", async () => {
    const { id } = await invite();
    now = new Date("2026-03-02T09:20:00.000Z");
    await service.advance(t.db, id, "completed");

    now = new Date("2026-03-03T10:00:00.000Z");
    await service.advance(t.db, id, "opened");
    await service.advance(t.db, id, "started");

    const row = await t.db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "completed", opened_at: null, started_at: null, completed_at: "2026-03-02T09:20:00.000Z" });
  });

  it("does not re-stamp a state already reached", async () => {
    const { id } = await invite();
    now = new Date("2026-03-02T09:00:00.000Z");
    await service.advance(t.db, id, "opened");
    now = new Date("2026-03-02T10:00:00.000Z");
    await service.advance(t.db, id, "opened");

    const row = await t.db.selectFrom("invitations").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "opened", opened_at: "2026-03-02T09:00:00.000Z" });
  });
});
