/** Retry delays for the outbox worker. */

export interface ExponentialBackoffProps {
  /** Delay after the first failed attempt; doubles with each further one. Default 60 s. */
  readonly baseMs?: number;
  /** Upper bound before jitter. Default 1 h. */
  readonly maxMs?: number;
  /** Extra random delay, as a fraction of the delay (0.2 = up to +20 %). Default 0.2. */
  readonly jitter?: number;
  /** Source of randomness in [0, 1); defaults to Math.random. */
  readonly random?: () => number;
}

/**
 * Milliseconds to wait after the `attempt`-th failed attempt (1-based): exponential, capped, plus
 * jitter so that mails deferred together do not all come back in the same instant.
 * With the defaults, eight attempts span about two hours.
 *
 * @example
 * const backoff = exponentialBackoff({ baseMs: 1000 });
 * backoff(1) // 1000–1200
 * backoff(3) // 4000–4800
 */
export function exponentialBackoff(props: ExponentialBackoffProps = {}): (attempt: number) => number {
  const baseMs = props.baseMs ?? 60_000;
  const maxMs = props.maxMs ?? 3_600_000;
  const jitter = props.jitter ?? 0.2;
  const random = props.random ?? Math.random;
  return (attempt) => {
    const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(delay + delay * jitter * random());
  };
}
