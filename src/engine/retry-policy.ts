/**
 * When a failed job runs again: exponential backoff with jitter, up to an attempt limit.
 * The delay for attempt n (1-based, the failure just counted) is drawn from
 * [ceiling/2, ceiling], ceiling = min(maxDelayMs, baseDelayMs * 2^(n-1)): "equal jitter", so
 * processes that failed together spread out, yet no retry comes sooner than half the ceiling.
 */
export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/** True when a job that has now failed `attempts` times should stop retrying. */
export function attemptsExhausted(attempts: number, policy: RetryPolicy): boolean {
  return attempts >= policy.maxAttempts;
}
