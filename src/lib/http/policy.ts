/**
 * When an outbound call may start and whether a failed one is tried again, over any transport
 * (src/lib/http/transport.ts):
 *
 * - a bulkhead (cockatiel) limiting calls in flight, with a bounded queue;
 * - optionally a limit shared with other processes (`shared`: a tenant's calls in flight across
 *   every hub process on one PostgreSQL, src/lib/http/shared-gate.ts), taken after the bulkhead;
 * - an optional token bucket limiting calls per second: this process's own, or one shared with other
 *   processes (`sharedRate`: a bucket row in PostgreSQL, src/lib/http/shared-rate.ts);
 * - a circuit breaker (cockatiel) that opens after consecutive failures saying the system is unwell
 *   (`isBreakerFailure`: no connection, timeouts, cut answers, 429, 5xx other than a documented
 *   permanent refusal) and lets one probe through after `halfOpenAfterMs`;
 * - a retry loop: exponential backoff with full jitter, honouring `Retry-After` up to a cap.
 *
 * Which failures are retried: a call that certainly was not sent (connect failure) is retried
 * whatever the caller says; a call that may have been sent is retried only when the caller marks
 * it `retrySafe` and the failure is transient (429, 502, 503, 504, timeout, reset, truncated body).
 * An open circuit is never retried here (the caller's scheduler tries later).
 */
import { BrokenCircuitError, BulkheadRejectedError, ConsecutiveBreaker, CircuitState, bulkhead, circuitBreaker, handleWhen } from 'cockatiel';
import type { BulkheadPolicy, CircuitBreakerPolicy } from 'cockatiel';
import { redactText } from '../redact.ts';
import type { TransferSystem } from '../transfer.ts';
import { HttpAmbiguousError, HttpUnavailableError } from './errors.ts';

export type BreakerOptions = {
  /** Consecutive failures that say the system is unwell (`isBreakerFailure`) that open the circuit. */
  consecutiveFailures: number;
  /** How long the circuit stays open before one probe call is let through. */
  halfOpenAfterMs: number;
};

export type RetryOptions = {
  /** Total attempts including the first (1 = no retry). */
  maxAttempts: number;
  /** First backoff ceiling; doubles per attempt (full jitter: a random delay in [0, ceiling]). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown, carrying the delay. */
  maxRetryAfterMs: number;
};

/** What a client states about its calls to one outside system. */
export type HttpPolicyOptions = {
  /** Calls in flight at once. */
  concurrency: number;
  /** Calls waiting for a slot before new ones are refused as unavailable (default 1000). */
  queueLimit?: number;
  /**
   * A limit shared with other processes, taken inside this process's own slot: a call starts only
   * when it holds one of each (src/lib/http/shared-gate.ts).
   */
  shared?: SharedGate;
  /** Token bucket: sustained calls per second (burst of the same size, at least 1: `bucketCapacity`). */
  ratePerSecond?: number;
  /**
   * The rate held across processes (a bucket shared through the store): used instead of this
   * process's own bucket of `ratePerSecond`, taken inside the slots like it.
   */
  sharedRate?: RateGate;
  /** `false` disables the breaker. Default: 5 consecutive failures, 30 s open. */
  breaker?: BreakerOptions | false;
  /**
   * A 5xx answer that is a documented, permanent refusal of this request (CableBuilder answers
   * missing master data with 500 `PlantDoesNotExistException`): the system is well, so the breaker
   * does not count it. Each client knows its system's documented exceptions.
   */
  permanentAnswer?: (error: HttpAmbiguousError) => boolean;
  retry?: Partial<RetryOptions>;
  /** Source of randomness for jitter (tests pass a fixed one). */
  random?: () => number;
};

/** A limit shared with other processes: `acquire` waits for a slot and returns its release. */
export type SharedGate = { acquire(signal?: AbortSignal): Promise<() => void> };

/** A rate limit: `take` resolves when a call may start (rejects with the signal's reason on abort). */
export type RateGate = { take(signal?: AbortSignal): Promise<void> };

/** A token bucket's size for a rate: one second's worth of calls, at least one call. */
export const bucketCapacity = (ratePerSecond: number): number => Math.max(1, ratePerSecond);

export type BreakerStateName = 'closed' | 'open' | 'half-open';

/** The parts of a call the policy reads. */
export type PolicedCall = {
  system: TransferSystem;
  endpoint: string;
  method: string;
  url: string;
  retrySafe: boolean;
  signal?: AbortSignal | undefined;
};

export interface HttpPolicy {
  /** Runs `attempt` (1, 2, ...) under the limits, the breaker and the retry loop. */
  execute<T>(call: PolicedCall, attempt: (attempt: number) => Promise<T>): Promise<T>;
  breakerState(): BreakerStateName;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };
export const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };

/** Waits `ms`; rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A limit shared through the store (a slot, a rate token) whose store did not answer in time: the
 * call was never sent. The policy turns it into `http.shared_limit_unanswered` (unavailable, not
 * tried), so the job waits and tries again instead of holding its lane until the store answers.
 */
export class SharedLimitUnansweredError extends Error {
  constructor(what: string, ms: number) {
    super(`the store did not answer within ${ms < 1_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} when asked for ${what}`);
    this.name = 'SharedLimitUnansweredError';
  }
}

/** How long a shared limit waits for one answer of its store (one try, not the whole wait). */
export const SHARED_LIMIT_ANSWER_MS = 30_000;

/**
 * `asked`, unless the store takes longer than `ms` to answer it or `signal` aborts first. What it
 * answers late goes to `late` (a slot taken after the caller gave up is released there).
 */
export function storeAnswer<T>(asked: Promise<T>, what: string, ms: number, signal?: AbortSignal, late?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (finish()) reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      if (finish()) reject(new SharedLimitUnansweredError(what, ms));
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    asked.then(
      (value) => {
        if (finish()) resolve(value);
        else late?.(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
}

/** A token bucket: `take` resolves when a call may start; callers are served in order. */
function tokenBucket(ratePerSecond: number): RateGate {
  const capacity = bucketCapacity(ratePerSecond);
  let tokens = capacity;
  let last = performance.now();
  let chain: Promise<void> = Promise.resolve();
  const refill = (): void => {
    const now = performance.now();
    tokens = Math.min(capacity, tokens + ((now - last) / 1000) * ratePerSecond);
    last = now;
  };
  return {
    take(signal) {
      const turn = chain.then(async () => {
        refill();
        if (tokens < 1) {
          await sleep(Math.ceil(((1 - tokens) / ratePerSecond) * 1000), signal);
          refill();
        }
        tokens -= 1;
      });
      chain = turn.catch(() => undefined);
      return turn;
    },
  };
}

/**
 * Failures that say the system is unwell, the only ones the breaker counts: no connection, a
 * timeout or a connection cut mid-answer, a 5xx that is not a documented permanent refusal
 * (`permanentAnswer`), a 429. Never an answer about the request itself (4xx, a permanent 5xx, a
 * 2xx that is not JSON), a TLS failure (configuration), or a call the caller aborted.
 */
export function isBreakerFailure(error: unknown, permanentAnswer?: (error: HttpAmbiguousError) => boolean): boolean {
  if (error instanceof HttpUnavailableError) return error.code === 'http.connect_failed' || error.code === 'http.rate_limited';
  if (error instanceof HttpAmbiguousError) {
    if ((error.facts.status ?? 0) >= 500) return !(permanentAnswer?.(error) ?? false);
    return error.transientHint;
  }
  return false;
}

/** Failures worth another attempt of this call. */
export function isRetryable(error: unknown, call: Pick<PolicedCall, 'retrySafe' | 'signal'>): boolean {
  if (call.signal?.aborted) return false;
  if (error instanceof HttpUnavailableError) {
    if (error.code === 'http.connect_failed') return true;
    return error.code === 'http.rate_limited' && call.retrySafe;
  }
  if (error instanceof HttpAmbiguousError) return call.retrySafe && error.transientHint;
  return false;
}

export function createHttpPolicy(options: HttpPolicyOptions): HttpPolicy {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const slots: BulkheadPolicy = bulkhead(options.concurrency, options.queueLimit ?? 1000);
  const breakerOptions = options.breaker === false ? null : { ...DEFAULT_BREAKER, ...options.breaker };
  const breaker: CircuitBreakerPolicy | null =
    breakerOptions === null
      ? null
      : circuitBreaker(handleWhen((error) => isBreakerFailure(error, options.permanentAnswer)), {
          halfOpenAfter: breakerOptions.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
        });
  // When the circuit opened, so a refused call can say how long until a probe is let through.
  let openedAt = 0;
  breaker?.onBreak(() => {
    openedAt = Date.now();
  });
  const bucket = options.sharedRate ?? (options.ratePerSecond === undefined ? null : tokenBucket(options.ratePerSecond));

  async function guarded<T>(call: PolicedCall, attempt: number, run: (attempt: number) => Promise<T>): Promise<T> {
    const unavailable = (message: string, code: string, cause: unknown): HttpUnavailableError =>
      new HttpUnavailableError(message, code, { system: call.system, endpoint: call.endpoint, method: call.method, url: redactText(call.url), status: null, attempts: attempt }, cause);
    try {
      return await slots.execute(async () => {
        const release = options.shared ? await options.shared.acquire(call.signal) : null;
        try {
          if (bucket) await bucket.take(call.signal);
          return breaker ? await breaker.execute(() => run(attempt)) : await run(attempt);
        } finally {
          release?.();
        }
      }, call.signal);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const refused = unavailable(`${call.system} ${call.endpoint}: circuit open after repeated failures`, 'http.circuit_open', error);
        // Not a failure of this call: it was never sent. Say when the circuit lets a probe through.
        refused.facts.retryAfterMs = Math.max(100, openedAt + (breakerOptions?.halfOpenAfterMs ?? 0) - Date.now());
        (refused.details as Record<string, unknown>).retryAfterMs = refused.facts.retryAfterMs;
        throw refused;
      }
      if (error instanceof BulkheadRejectedError) throw unavailable(`${call.system} ${call.endpoint}: too many calls waiting`, 'http.queue_full', error);
      if (error instanceof SharedLimitUnansweredError) throw unavailable(`${call.system} ${call.endpoint}: not sent: ${error.message}`, 'http.shared_limit_unanswered', error);
      throw error;
    }
  }

  return {
    async execute(call, run) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await guarded(call, attempt, run);
        } catch (error) {
          if (attempt >= retry.maxAttempts || !isRetryable(error, call)) throw error;
          const retryAfterMs = (error as HttpUnavailableError | HttpAmbiguousError).facts.retryAfterMs;
          if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) throw error;
          const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
          const delay = retryAfterMs ?? Math.floor(random() * ceiling);
          await sleep(delay, call.signal);
        }
      }
    },
    breakerState() {
      if (breaker === null) return 'closed';
      switch (breaker.state) {
        case CircuitState.Open:
        case CircuitState.Isolated:
          return 'open';
        case CircuitState.HalfOpen:
          return 'half-open';
        default:
          return 'closed';
      }
    },
  };
}
