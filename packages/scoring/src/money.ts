/**
 * Money arithmetic. Amounts are integer cents (分); factors (coefficients, KPI values,
 * amplification factors) are decimals taken to six places, so every product is computed exactly
 * in integers and rounded once, to the nearest cent, half away from zero.
 */

/** Factors are taken to this many parts: 1 = 1 000 000 millionths. */
export const FACTOR_SCALE = 1_000_000;

/**
 * The factor in millionths, rounded to the nearest millionth. Decimal inputs such as 0.65 or
 * 1.005 become exact integers (650 000, 1 005 000) instead of their binary approximations.
 *
 * @example
 * toMillionths(0.65); // 650000
 * @throws RangeError when the factor is not a finite number.
 */
export function toMillionths(factor: number): number {
  if (!Number.isFinite(factor)) throw new RangeError(`factor must be finite, got ${factor}`);
  return Math.round(factor * FACTOR_SCALE);
}

/**
 * `numerator ÷ denominator` rounded to the nearest integer, half away from zero.
 *
 * @example
 * divideRounded(25n, 10n); // 3n
 * divideRounded(-25n, 10n); // -3n
 * @throws RangeError when the denominator is not positive.
 */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator;
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  if (twiceRemainder >= denominator) return numerator < 0n ? quotient - 1n : quotient + 1n;
  return quotient;
}

/**
 * `cents × millionths ÷ 1 000 000`, rounded to the nearest cent, half away from zero, in exact
 * integer arithmetic.
 *
 * @example
 * multiplyCentsByMillionths(1001, 700_000); // 700.7 → 701
 * @throws RangeError when `cents` is not a safe integer or `millionths` not an integer.
 */
export function multiplyCentsByMillionths(cents: number, millionths: number): number {
  assertCents(cents, "cents");
  if (!Number.isSafeInteger(millionths)) {
    throw new RangeError(`millionths must be an integer, got ${millionths}`);
  }
  const result = divideRounded(BigInt(cents) * BigInt(millionths), BigInt(FACTOR_SCALE));
  return Number(result);
}

/**
 * `cents × factor`, rounded to the nearest cent, half away from zero. The factor is first taken to
 * six decimal places ({@link toMillionths}); the product is then exact.
 *
 * @example
 * multiplyCents(100, 1.005); // 100.5 → 101 (floating point would give 100.49999999999999 → 100)
 */
export function multiplyCents(cents: number, factor: number): number {
  return multiplyCentsByMillionths(cents, toMillionths(factor));
}

/**
 * Throws unless `value` is a whole number of cents (a safe integer).
 *
 * @example
 * assertCents(12345, "averagePayCents"); // ok
 * @throws RangeError naming `name` otherwise.
 */
export function assertCents(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a whole number of cents, got ${value}`);
  }
}
