/** A clock a test sets and moves by hand; pass `now` to `createTestHost({ clock })`. */
export interface TestClock {
  readonly now: () => Date;
  set(iso: string): void;
  /** Moves forward by days (fractions allowed). */
  advanceDays(days: number): void;
  advanceMinutes(minutes: number): void;
  iso(): string;
}

/**
 * @example
 * const clock = testClock("2026-05-04T02:00:00.000Z");
 * const host = await createTestHost({ plugins, clock: clock.now });
 * clock.advanceDays(8);
 */
export function testClock(startIso: string): TestClock {
  let current = new Date(startIso);
  return {
    now: () => new Date(current.getTime()),
    set(iso) {
      current = new Date(iso);
    },
    advanceDays(days) {
      current = new Date(current.getTime() + days * 86_400_000);
    },
    advanceMinutes(minutes) {
      current = new Date(current.getTime() + minutes * 60_000);
    },
    iso: () => current.toISOString(),
  };
}
