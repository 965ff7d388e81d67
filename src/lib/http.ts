/**
 * Outbound JSON over HTTP, the one way every client (Cetec, Paperless, CableBuilder) talks to the
 * outside. One `HttpTarget` per system and base URL holds:
 *
 * - an undici Agent (TLS always verified; connect timeout) sized to the concurrency limit;
 * - a bulkhead (cockatiel) limiting calls in flight, with a bounded queue;
 * - an optional token bucket limiting calls per second;
 * - a circuit breaker (cockatiel) that opens after consecutive "system is down" failures and lets
 *   one probe through after `halfOpenAfterMs`;
 * - a retry loop: exponential backoff with full jitter, honouring `Retry-After` up to a cap.
 *
 * Failure vocabulary (what the engine needs to know is "could the server have acted on it?"):
 * - `HttpUnavailableError` (kind `transient`): the request certainly did not take effect: the
 *   connection was never established (refused, DNS, connect timeout), the breaker is open, the
 *   bulkhead queue is full, or the server answered 429 (it refused to process the call).
 * - `HttpAmbiguousError` (kind `ambiguous`): the request was (or may have been) sent and no usable
 *   answer came back: timeout after connecting, reset, truncated body, any 5xx, a 2xx whose body
 *   is not JSON. For an idempotent call the client may treat this as transient.
 * - Any other answer (2xx with JSON or empty body, 3xx, 4xx except 429) is returned to the
 *   caller, which maps statuses to its own errors.
 *
 * Retries: a call that certainly was not sent (connect failure) is retried whatever the caller
 * says; a call that may have been sent is retried only when the caller marks it `retrySafe` and
 * the failure is transient (429, 502, 503, 504, timeout, reset, truncated body). An open circuit is
 * never retried here (the caller's scheduler tries later). A timeout fired by our own deadline is
 * counted as "possibly sent": once the connection is up undici writes the request at once, and a
 * separate connect timeout (shorter than the deadline) catches the "never connected" case.
 *
 * Every attempt is recorded: `recorder.start` before it is sent (if it throws, nothing is sent),
 * `recorder.end` after it answers or fails, with the URL, bodies and error text redacted.
 */
import { Agent, request as undiciRequest } from 'undici';
import { BrokenCircuitError, BulkheadRejectedError, ConsecutiveBreaker, CircuitState, bulkhead, circuitBreaker, handleWhen } from 'cockatiel';
import type { BulkheadPolicy, CircuitBreakerPolicy } from 'cockatiel';
import { ShopwireError } from './errors.ts';
import { redactJson, redactText } from './redact.ts';
import type { TransferRecorder, TransferSystem, TransferEnd } from './transfer.ts';
import { nullRecorder, RedactedJson } from './transfer.ts';

export type BreakerOptions = {
  /** Consecutive failures (connect errors, timeouts, resets, 5xx) that open the circuit. */
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

export type HttpTargetOptions = {
  system: TransferSystem;
  /** Scheme, host, port and optional path prefix; request paths are appended to it. */
  baseUrl: string;
  /** Deadline of one attempt: connect + headers + body. */
  timeoutMs: number;
  /** Connect deadline (default: a third of `timeoutMs`, at least 50 ms, at most `timeoutMs`). */
  connectTimeoutMs?: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Calls waiting for a slot before new ones are refused as unavailable (default 1000). */
  queueLimit?: number;
  /** Token bucket: sustained calls per second (burst of the same size, at least 1). */
  ratePerSecond?: number;
  /** `false` disables the breaker. Default: 5 consecutive failures, 30 s open. */
  breaker?: BreakerOptions | false;
  retry?: Partial<RetryOptions>;
  recorder?: TransferRecorder;
  /** Source of randomness for jitter (tests pass a fixed one). */
  random?: () => number;
};

export type QueryValue = string | number | boolean | undefined | null;

export type HttpRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/`; segments must already be encoded. */
  path: string;
  /** Percent-encoded with encodeURIComponent (space → %20); undefined and null are left out. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** JSON-serialised when present. */
  body?: unknown;
  /** Logical endpoint for records and errors, e.g. `importjson`. */
  endpoint: string;
  /** The call may be repeated without changing the outcome (idempotent). */
  retrySafe: boolean;
  /** Plan step index, for transfer records. */
  step?: number;
  /** Overrides the target's recorder for this call. */
  recorder?: TransferRecorder;
  signal?: AbortSignal;
  /**
   * When false, a 2xx whose body is not JSON is returned (body null) instead of being ambiguous:
   * for calls judged by status alone. Default true.
   */
  expectJson?: boolean;
  /** How an answered call is recorded; default: 2xx → ok, else failed. */
  outcome?: (response: HttpResponse) => 'ok' | 'failed';
};

export type HttpResponse = {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or null when the body was empty or (non-2xx only) not JSON. */
  body: unknown;
  rawText: string;
};

export type BreakerStateName = 'closed' | 'open' | 'half-open';

export interface HttpTarget {
  requestJson(req: HttpRequest): Promise<HttpResponse>;
  breakerState(): BreakerStateName;
  close(): Promise<void>;
}

type HttpErrorFacts = {
  system: TransferSystem;
  endpoint: string;
  method: string;
  /** Redacted. */
  url: string;
  status: number | null;
  attempts: number;
  /** Server-requested delay, when it sent `Retry-After`. */
  retryAfterMs?: number;
  /** Redacted excerpt of the answer body, when there was one. */
  bodyExcerpt?: string;
};

/** The call certainly did not take effect; trying again later may succeed. */
export class HttpUnavailableError extends ShopwireError {
  readonly facts: HttpErrorFacts;
  constructor(message: string, code: string, facts: HttpErrorFacts, cause?: unknown) {
    super(redactText(message), { code, kind: 'transient', details: { ...facts }, cause });
    this.facts = facts;
  }
}

/** The call was (or may have been) received; its effect is unknown. */
export class HttpAmbiguousError extends ShopwireError {
  readonly facts: HttpErrorFacts;
  /** Repeating may help (timeout, reset, 502/503/504); false for 500, non-JSON success, etc. */
  readonly transientHint: boolean;
  constructor(message: string, code: string, facts: HttpErrorFacts, transientHint: boolean, cause?: unknown) {
    super(redactText(message), { code, kind: 'ambiguous', details: { ...facts }, cause });
    this.facts = facts;
    this.transientHint = transientHint;
  }
}

const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };
const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };
const EXCERPT_CHARS = 2_000;

/** Node and undici error codes that mean the request never left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT)/;

function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 4 || error === null || typeof error !== 'object') return [];
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(e.cause, depth + 1)];
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> | undefined): string {
  const pairs = Object.entries(query ?? {})
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return `${baseUrl}${path}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function recordedBody(text: string, parsed: unknown): unknown {
  if (parsed !== undefined && parsed !== null) return new RedactedJson(redactJson(parsed));
  return text === '' ? null : redactText(text.slice(0, EXCERPT_CHARS));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

/** A token bucket: `take` resolves when a call may start; callers are served in order. */
function tokenBucket(ratePerSecond: number): { take(signal?: AbortSignal): Promise<void> } {
  const capacity = Math.max(1, ratePerSecond);
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

function isBreakerFailure(error: unknown): boolean {
  if (error instanceof HttpUnavailableError) return error.code === 'http.connect_failed';
  if (error instanceof HttpAmbiguousError) return error.transientHint || (error.facts.status ?? 0) >= 500;
  return false;
}

export function createHttpTarget(options: HttpTargetOptions): HttpTarget {
  const baseUrl = new URL(options.baseUrl).toString().replace(/\/+$/, '');
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const connectTimeout = Math.min(options.timeoutMs, options.connectTimeoutMs ?? Math.max(50, Math.floor(options.timeoutMs / 3)));
  const agent = new Agent({
    connections: options.concurrency,
    pipelining: 1,
    connect: { timeout: connectTimeout, rejectUnauthorized: true },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const slots: BulkheadPolicy = bulkhead(options.concurrency, options.queueLimit ?? 1000);
  const breakerOptions = options.breaker === false ? null : { ...DEFAULT_BREAKER, ...options.breaker };
  const breaker: CircuitBreakerPolicy | null =
    breakerOptions === null
      ? null
      : circuitBreaker(handleWhen(isBreakerFailure), {
          halfOpenAfter: breakerOptions.halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
        });
  // When the circuit opened, so a refused call can say how long until a probe is let through.
  let openedAt = 0;
  breaker?.onBreak(() => {
    openedAt = Date.now();
  });
  const bucket = options.ratePerSecond === undefined ? null : tokenBucket(options.ratePerSecond);

  /**
   * One attempt under its own deadline. A timer cleared when the attempt ends and a listener on
   * the caller's signal removed then (not `AbortSignal.timeout` / `AbortSignal.any`, which keep
   * each call's signals, and what hangs on them, alive until the timeout would have fired: with a
   * 30 s timeout, tens of seconds of finished calls).
   */
  async function attemptOnce(req: HttpRequest, url: string, attempt: number): Promise<HttpResponse> {
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort(new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError'));
    }, options.timeoutMs);
    const callerAbort = (): void => deadline.abort(req.signal?.reason);
    if (req.signal?.aborted) callerAbort();
    else req.signal?.addEventListener('abort', callerAbort, { once: true });
    try {
      return await attemptUnder(req, url, attempt, deadline.signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', callerAbort);
    }
  }

  async function attemptUnder(req: HttpRequest, url: string, attempt: number, signal: AbortSignal, timedOut: () => boolean): Promise<HttpResponse> {
    const recorder = req.recorder ?? options.recorder ?? nullRecorder;
    const facts = (status: number | null, extra: Partial<HttpErrorFacts> = {}): HttpErrorFacts => ({
      system: options.system,
      endpoint: req.endpoint,
      method: req.method,
      url: redactText(url),
      status,
      attempts: attempt,
      ...extra,
    });
    const label = `${options.system} ${req.endpoint} (${req.method} ${redactText(url)})`;
    const recordId = await recorder.start({
      system: options.system,
      endpoint: req.endpoint,
      method: req.method,
      url: redactText(url),
      requestBody: req.body === undefined ? null : new RedactedJson(redactJson(req.body)),
      ...(req.step === undefined ? {} : { step: req.step }),
      attempt,
    });
    const started = performance.now();
    const finish = async (end: Omit<TransferEnd, 'durationMs'>): Promise<void> => {
      await recorder.end(recordId, { ...end, durationMs: Math.round(performance.now() - started) });
    };

    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    let status: number | null = null;
    let text = '';
    let responseHeaders: Record<string, string> = {};
    try {
      const res = await undiciRequest(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        dispatcher: agent,
        signal,
      });
      status = res.statusCode;
      responseHeaders = flattenHeaders(res.headers);
      text = await res.body.text();
    } catch (cause) {
      const codes = errorCodes(cause);
      const callerAborted = req.signal?.aborted === true;
      if (codes.some((c) => NOT_SENT_CODES.has(c))) {
        const error = new HttpUnavailableError(`${label}: could not connect (${codes.join(', ')})`, 'http.connect_failed', facts(null), cause);
        await finish({ status: null, responseBody: null, error: error.message, outcome: 'failed' });
        throw error;
      }
      if (codes.some((c) => TLS_CODE.test(c))) {
        const error = new HttpUnavailableError(`${label}: TLS verification failed (${codes.join(', ')})`, 'http.tls_failed', facts(null), cause);
        await finish({ status: null, responseBody: null, error: error.message, outcome: 'failed' });
        throw error;
      }
      const [code, what] = callerAborted
        ? ['http.aborted', 'aborted by the caller']
        : timedOut() || codes.some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT')
          ? ['http.timeout', `no complete answer within ${options.timeoutMs} ms`]
          : status !== null
            ? ['http.truncated', 'answer cut short']
            : ['http.reset', 'connection closed without an answer'];
      const error = new HttpAmbiguousError(
        `${label}: ${what} (${codes.join(', ') || (cause as Error)?.message || 'unknown'})`,
        code,
        facts(status),
        !callerAborted,
        cause,
      );
      await finish({ status, responseBody: null, error: error.message, outcome: 'unknown' });
      throw error;
    }

    let parsed: unknown = null;
    let json = true;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        json = false;
      }
    }
    const excerpt = redactText(text.slice(0, EXCERPT_CHARS));
    const retryAfterMs = parseRetryAfter(responseHeaders['retry-after']);
    const extra = { ...(retryAfterMs === undefined ? {} : { retryAfterMs }), ...(excerpt === '' ? {} : { bodyExcerpt: excerpt }) };

    if (status === 429) {
      const error = new HttpUnavailableError(`${label}: HTTP 429 (rate limited)`, 'http.rate_limited', facts(status, extra));
      await finish({ status, responseBody: recordedBody(text, parsed), error: error.message, outcome: 'failed' });
      throw error;
    }
    if (status >= 500) {
      const error = new HttpAmbiguousError(`${label}: HTTP ${status}`, 'http.server_error', facts(status, extra), status === 502 || status === 503 || status === 504);
      await finish({ status, responseBody: recordedBody(text, parsed), error: error.message, outcome: 'unknown' });
      throw error;
    }
    if (!json && status >= 200 && status < 300 && req.expectJson !== false) {
      const error = new HttpAmbiguousError(`${label}: HTTP ${status} with a body that is not JSON`, 'http.not_json', facts(status, extra), false);
      await finish({ status, responseBody: recordedBody(text, null), error: error.message, outcome: 'unknown' });
      throw error;
    }
    const response: HttpResponse = { status, headers: responseHeaders, body: json ? parsed : null, rawText: text };
    const outcome = req.outcome ? req.outcome(response) : status >= 200 && status < 300 ? 'ok' : 'failed';
    await finish({ status, responseBody: recordedBody(text, json ? parsed : null), outcome });
    return response;
  }

  async function guarded(req: HttpRequest, url: string, attempt: number): Promise<HttpResponse> {
    const unavailable = (message: string, code: string, cause: unknown): HttpUnavailableError =>
      new HttpUnavailableError(message, code, { system: options.system, endpoint: req.endpoint, method: req.method, url: redactText(url), status: null, attempts: attempt }, cause);
    try {
      return await slots.execute(async () => {
        if (bucket) await bucket.take(req.signal);
        return breaker ? await breaker.execute(() => attemptOnce(req, url, attempt)) : await attemptOnce(req, url, attempt);
      }, req.signal);
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const refused = unavailable(`${options.system} ${req.endpoint}: circuit open after repeated failures`, 'http.circuit_open', error);
        // Not a failure of this call: it was never sent. Say when the circuit lets a probe through.
        refused.facts.retryAfterMs = Math.max(100, openedAt + (breakerOptions?.halfOpenAfterMs ?? 0) - Date.now());
        (refused.details as Record<string, unknown>).retryAfterMs = refused.facts.retryAfterMs;
        throw refused;
      }
      if (error instanceof BulkheadRejectedError) throw unavailable(`${options.system} ${req.endpoint}: too many calls waiting`, 'http.queue_full', error);
      throw error;
    }
  }

  function shouldRetry(error: unknown, req: HttpRequest): boolean {
    if (req.signal?.aborted) return false;
    if (error instanceof HttpUnavailableError) {
      if (error.code === 'http.connect_failed') return true;
      return error.code === 'http.rate_limited' && req.retrySafe;
    }
    if (error instanceof HttpAmbiguousError) return req.retrySafe && error.transientHint;
    return false;
  }

  return {
    async requestJson(req) {
      const url = buildUrl(baseUrl, req.path, req.query);
      for (let attempt = 1; ; attempt++) {
        try {
          return await guarded(req, url, attempt);
        } catch (error) {
          if (attempt >= retry.maxAttempts || !shouldRetry(error, req)) throw error;
          const retryAfterMs = (error as HttpUnavailableError | HttpAmbiguousError).facts.retryAfterMs;
          if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) throw error;
          const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
          const delay = retryAfterMs ?? Math.floor(random() * ceiling);
          await sleep(delay, req.signal);
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
    async close() {
      await agent.close();
    },
  };
}
