/**
 * One attempt of an outbound JSON call, and nothing about whether to try again: an undici Agent
 * (TLS always verified; connect timeout) sized to the concurrency limit, a deadline per attempt,
 * the answer read and classified (src/lib/http/errors.ts), and a transfer record around it.
 *
 * A timeout fired by our own deadline is counted as "possibly sent": once the connection is up
 * undici writes the request at once, and a separate connect timeout (shorter than the deadline)
 * catches the "never connected" case.
 *
 * Every attempt is recorded: `recorder.start` before it is sent (if it throws, nothing is sent),
 * `recorder.end` after it answers or fails, with the URL, bodies and error text redacted. Body
 * excerpts in errors, and recorded answer bodies that are not JSON, keep their first 2,000
 * characters.
 */
import type { Agent } from 'undici';
import { redactJson, redactText } from '../redact.ts';
import type { TransferRecorder, TransferSystem, TransferEnd } from '../transfer.ts';
import { nullRecorder, RedactedJson } from '../transfer.ts';
import { ERROR_BODY_MAX_CHARS, HttpAmbiguousError, HttpUnavailableError } from './errors.ts';
import type { HttpErrorFacts } from './errors.ts';

export type HttpTransportOptions = {
  system: TransferSystem;
  /** Scheme, host, port and optional path prefix; request paths are appended to it. */
  baseUrl: string;
  /** Deadline of one attempt: connect + headers + body. */
  timeoutMs: number;
  /** Connect deadline (default: a third of `timeoutMs`, at least 50 ms, at most `timeoutMs`). */
  connectTimeoutMs?: number;
  /** Calls in flight at once (the connection pool's size). */
  concurrency: number;
  recorder?: TransferRecorder;
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

export interface HttpTransport {
  /** The request's full URL (base URL, path, encoded query). */
  urlOf(req: HttpRequest): string;
  /** One attempt under its own deadline; `attempt` (1, 2, ...) goes into records and errors. */
  attempt(req: HttpRequest, url: string, attempt: number): Promise<HttpResponse>;
  close(): Promise<void>;
}

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

/**
 * undici is loaded with the first call, not with the module: a command that makes no call (status,
 * preview, cancel…) starts without its hundred modules.
 */
let undici: Promise<typeof import('undici')> | null = null;
const loadUndici = (): Promise<typeof import('undici')> => (undici ??= import('undici'));

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const baseUrl = new URL(options.baseUrl).toString().replace(/\/+$/, '');
  const connectTimeout = Math.min(options.timeoutMs, options.connectTimeoutMs ?? Math.max(50, Math.floor(options.timeoutMs / 3)));
  let agent: Promise<Agent> | null = null;
  const agentOf = (): Promise<Agent> =>
    (agent ??= loadUndici().then(
      ({ Agent }) =>
        new Agent({
          connections: options.concurrency,
          pipelining: 1,
          connect: { timeout: connectTimeout, rejectUnauthorized: true },
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        }),
    ));

  /**
   * One attempt under its own deadline. A timer cleared when the attempt ends and a listener on
   * the caller's signal removed then (not `AbortSignal.timeout` / `AbortSignal.any`, which keep
   * each call's signals, and what hangs on them, alive until the timeout would have fired: with a
   * 30 s timeout, tens of seconds of finished calls).
   */
  async function attemptOnce(req: HttpRequest, url: string, attempt: number): Promise<HttpResponse> {
    // undici and the agent are ready before the deadline starts (a first call does not pay for loading them).
    await agentOf();
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
      const [{ request: undiciRequest }, dispatcher] = await Promise.all([loadUndici(), agentOf()]);
      const res = await undiciRequest(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        dispatcher,
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
      const body = text.length <= EXCERPT_CHARS ? excerpt : redactText(text.slice(0, ERROR_BODY_MAX_CHARS));
      const error = new HttpAmbiguousError(`${label}: HTTP ${status}`, 'http.server_error', facts(status, extra), status === 502 || status === 503 || status === 504, undefined, body);
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

  return {
    urlOf: (req) => buildUrl(baseUrl, req.path, req.query),
    attempt: attemptOnce,
    async close() {
      if (agent !== null) await (await agent).close();
    },
  };
}
