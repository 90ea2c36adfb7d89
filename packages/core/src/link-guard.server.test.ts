import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aftercare/db/test-db";
import { mailMigrationSet } from "@aftercare/mail/migrations";
import { CLIENT_IP_HEADER } from "./guards.server";
import { guardLink, linkKey, type LinkGuardHost, recordLinkFailure, requireLinkAttempt } from "./link-guard.server";
import { coreMigrationSet } from "./migrations";
import type { CoreTables } from "./tables";

const T0 = new Date("2026-03-01T08:00:00.000Z");
const GUESSER = "203.0.113.9";
const CUSTOMER = "198.51.100.7";

let t: TestDatabase<CoreTables>;
let now: Date;
let host: LinkGuardHost;

beforeEach(async () => {
  t = await createTestDatabase<CoreTables>([coreMigrationSet, mailMigrationSet]);
  now = T0;
  // 3 failures within 10 minutes lock an address for 10 minutes.
  host = { db: t.db, config: { linkMaxFailures: 3, linkLockMinutes: 10 }, ctx: { clock: () => now } };
});
afterEach(() => t.destroy());

const from = (ip: string) => new Request("http://localhost/satisfaction/s/x", { headers: { [CLIENT_IP_HEADER]: ip } });
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);

/** The status a call answers: the Response it throws, or "passed". */
async function outcome(call: Promise<unknown>): Promise<number | "passed"> {
  try {
    await call;
    return "passed";
  } catch (error) {
    if (error instanceof Response) return error.status;
    throw error;
  }
}

describe("guardLink", () => {
  it("counts unusable links (null, undefined, false) per address under link:<ip>, and never a usable one", async () => {
    expect(await guardLink(from(GUESSER), host, async () => null)).toBeNull();
    expect(await guardLink(from(GUESSER), host, async () => false)).toBe(false);
    expect(await guardLink(from(CUSTOMER), host, async () => ({ id: 1 }))).toEqual({ id: 1 });
    const rows = await t.db.selectFrom("login_attempts").select(["key", "failures", "locked_until"]).orderBy("key").execute();
    expect(rows).toEqual([{ key: `link:${GUESSER}`, failures: 2, locked_until: null }]);
  });

  it("answers 429 with Retry-After on the failure that reaches the limit, and then on every link, even a valid one", async () => {
    expect(await outcome(guardLink(from(GUESSER), host, async () => null))).toBe("passed");
    expect(await outcome(guardLink(from(GUESSER), host, async () => null))).toBe("passed");
    let thrown: unknown;
    try {
      await guardLink(from(GUESSER), host, async () => null);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    const response = thrown as Response;
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("600");
    expect(await response.text()).toBe("Too many invalid links from this address. Try again in 10 minutes.");
    // Locked: the link is not even opened.
    let opened = false;
    expect(
      await outcome(
        guardLink(from(GUESSER), host, async () => {
          opened = true;
          return { id: 1 };
        }),
      ),
    ).toBe(429);
    expect(opened).toBe(false);
  });

  it("leaves other addresses and their valid links alone", async () => {
    for (let i = 0; i < 3; i++) await outcome(guardLink(from(GUESSER), host, async () => null));
    expect(await outcome(requireLinkAttempt(from(GUESSER), host))).toBe(429);
    expect(await guardLink(from(CUSTOMER), host, async () => "session")).toBe("session");
    expect(await outcome(requireLinkAttempt(from(CUSTOMER), host))).toBe("passed");
  });

  it("keeps the lock for LINK_LOCK_MINUTES after the locking failure, then lets the address try again", async () => {
    await outcome(recordLinkFailure(from(GUESSER), host));
    now = minutes(2);
    await outcome(recordLinkFailure(from(GUESSER), host));
    now = minutes(4);
    expect(await outcome(recordLinkFailure(from(GUESSER), host))).toBe(429); // locked until minute 14
    now = minutes(13);
    expect(await outcome(requireLinkAttempt(from(GUESSER), host))).toBe(429);
    now = minutes(14);
    expect(await outcome(requireLinkAttempt(from(GUESSER), host))).toBe("passed");
    // The window has run out: the next failure is the first of a new window.
    expect(await outcome(guardLink(from(GUESSER), host, async () => null))).toBe("passed");
    const row = await t.db.selectFrom("login_attempts").select(["failures", "locked_until"]).where("key", "=", linkKey(GUESSER)).executeTakeFirstOrThrow();
    expect(row).toEqual({ failures: 1, locked_until: null });
  });

  it("does not lock for failures spread wider than the window", async () => {
    // 2 failures, then the third 11 minutes after the first: a new window starts at the third.
    await outcome(recordLinkFailure(from(GUESSER), host));
    now = minutes(1);
    await outcome(recordLinkFailure(from(GUESSER), host));
    now = minutes(11);
    expect(await outcome(recordLinkFailure(from(GUESSER), host))).toBe("passed");
    expect(await outcome(requireLinkAttempt(from(GUESSER), host))).toBe("passed");
  });

  it("does not share its counter with logins from the same address", async () => {
    await t.db.insertInto("login_attempts").values({ key: `ip:${GUESSER}`, failures: 99, first_failure_at: T0.toISOString(), locked_until: minutes(60).toISOString() }).execute();
    expect(await outcome(requireLinkAttempt(from(GUESSER), host))).toBe("passed");
  });
});
