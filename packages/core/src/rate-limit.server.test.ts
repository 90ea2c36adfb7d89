import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { coreMigrationSet } from "./migrations";
import { clearFailures, lockedFor, loginKeys, recordFailure, type RateLimitPolicy } from "./rate-limit.server";
import type { CoreTables } from "./tables";

const POLICY: RateLimitPolicy = { maxFailures: 5, lockMinutes: 15 };
const T0 = new Date("2026-03-01T08:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const IP = "203.0.113.9";
const ACCOUNT = "account:li.na@example.com";

let t: TestDatabase<CoreTables>;
beforeEach(async () => {
  t = await createTestDatabase<CoreTables>([coreMigrationSet, mailMigrationSet]);
});
afterEach(() => t.destroy());

async function fail(email: string, when: Date, ip = IP): Promise<void> {
  await recordFailure(t.db, loginKeys(email, ip), POLICY, when);
}

describe("loginKeys", () => {
  it("counts the account (email trimmed and lower-cased) and the client address", () => {
    const keys = loginKeys("  Li.Na@Example.com ", IP);
    expect(keys.map((k) => k.key)).toEqual([ACCOUNT, `ip:${IP}`]);
    expect(keys.map((k) => k.max(POLICY))).toEqual([5, 20]);
  });
});

describe("account lock", () => {
  it("is not locked after maxFailures - 1 failures", async () => {
    for (let i = 0; i < 4; i++) await fail("li.na@example.com", at(i));
    expect(await lockedFor(t.db, [ACCOUNT], at(4))).toBe(0);
  });

  it("locks the account for lockMinutes after maxFailures failures", async () => {
    for (let i = 0; i < 5; i++) await fail("li.na@example.com", at(i));

    // The fifth failure, at minute 4, locks until minute 19.
    expect(await lockedFor(t.db, [ACCOUNT], at(4))).toBe(15);
    expect(await lockedFor(t.db, [ACCOUNT], at(18))).toBe(1);
    expect(await lockedFor(t.db, [ACCOUNT], at(19))).toBe(0);
  });

  it("locks the account whatever address the attempts come from", async () => {
    for (let i = 0; i < 5; i++) await fail("li.na@example.com", at(i), `198.51.100.${i}`);
    expect(await lockedFor(t.db, loginKeys("li.na@example.com", "192.0.2.1").map((k) => k.key), at(5))).toBe(14);
  });
});

describe("address lock", () => {
  it("gives the address 4× the allowance: 19 failures over many accounts pass, the 20th locks", async () => {
    for (let i = 0; i < 19; i++) await fail(`user${i}@example.com`, at(0));
    expect(await lockedFor(t.db, [`ip:${IP}`], at(0))).toBe(0);

    await fail("user19@example.com", at(0));
    expect(await lockedFor(t.db, [`ip:${IP}`], at(0))).toBe(15);
    // A fresh account from the same address is refused too.
    expect(await lockedFor(t.db, loginKeys("someone.new@example.com", IP).map((k) => k.key), at(1))).toBe(14);
  });
});

describe("window", () => {
  it("starts counting again once lockMinutes have passed since the first failure", async () => {
    for (let i = 0; i < 4; i++) await fail("li.na@example.com", at(0));
    // 16 minutes after the first failure the window has reset: this is failure 1 of a new window.
    await fail("li.na@example.com", at(16));
    expect(await lockedFor(t.db, [ACCOUNT], at(16))).toBe(0);
    for (let i = 0; i < 3; i++) await fail("li.na@example.com", at(17));
    expect(await lockedFor(t.db, [ACCOUNT], at(17))).toBe(0);
    await fail("li.na@example.com", at(17));
    expect(await lockedFor(t.db, [ACCOUNT], at(17))).toBe(15);
  });

  it("after a lock has run out, the next failure starts a new window instead of locking again", async () => {
    for (let i = 0; i < 5; i++) await fail("li.na@example.com", at(0));
    await fail("li.na@example.com", at(16));
    expect(await lockedFor(t.db, [ACCOUNT], at(16))).toBe(0);
    const row = await t.db.selectFrom("login_attempts").selectAll().where("key", "=", ACCOUNT).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ failures: 1, first_failure_at: at(16).toISOString(), locked_until: null });
  });
});

describe("clearFailures", () => {
  it("clears the account's counter, leaving the address's", async () => {
    for (let i = 0; i < 4; i++) await fail("li.na@example.com", at(0));

    await clearFailures(t.db, ACCOUNT);

    // Four more failures would have locked the old counter; the cleared one needs five.
    for (let i = 0; i < 4; i++) await fail("li.na@example.com", at(1));
    expect(await lockedFor(t.db, [ACCOUNT], at(1))).toBe(0);
    const ipRow = await t.db.selectFrom("login_attempts").select("failures").where("key", "=", `ip:${IP}`).executeTakeFirstOrThrow();
    expect(ipRow.failures).toBe(8);
  });
});
