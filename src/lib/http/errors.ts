/**
 * The two failures of an outbound call, by what the caller must know: could the server have acted
 * on it?
 * - `HttpUnavailableError` (kind `transient`): the request certainly did not take effect: the
 *   connection was never established (refused, DNS, connect timeout), TLS verification failed, the
 *   breaker is open, the bulkhead queue is full, or the server answered 429 (it refused to process
 *   the call).
 * - `HttpAmbiguousError` (kind `ambiguous`): the request was (or may have been) sent and no usable
 *   answer came back: timeout after connecting, reset, truncated body, any 5xx, a 2xx whose body
 *   is not JSON. For an idempotent call the client may treat this as transient.
 * Any other answer (2xx with JSON or empty body, 3xx, 4xx except 429) is returned to the caller,
 * which maps statuses to its own errors.
 */
import { ShopwireError } from '../errors.ts';
import { redactText } from '../redact.ts';
import type { TransferSystem } from '../transfer.ts';

export type HttpErrorFacts = {
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

/** How much of an error answer is kept for the caller to parse (a Java stack trace is a few KB). */
export const ERROR_BODY_MAX_CHARS = 1024 * 1024;

/** The call was (or may have been) received; its effect is unknown. */
export class HttpAmbiguousError extends ShopwireError {
  readonly facts: HttpErrorFacts;
  /** Repeating may help (timeout, reset, 502/503/504); false for 500, non-JSON success, etc. */
  readonly transientHint: boolean;
  /**
   * The answer's body, redacted, up to ERROR_BODY_MAX_CHARS (not only the excerpt of `facts`), so
   * the caller can read a named exception whose message carries a stack trace. Kept out of
   * `details`: it is not logged or stored with the error.
   */
  readonly body: string | undefined;
  constructor(message: string, code: string, facts: HttpErrorFacts, transientHint: boolean, cause?: unknown, body?: string) {
    super(redactText(message), { code, kind: 'ambiguous', details: { ...facts }, cause });
    this.facts = facts;
    this.transientHint = transientHint;
    this.body = body;
  }
}
