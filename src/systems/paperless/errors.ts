/**
 * Paperless Parts failures, each with a stable code and a kind the engine acts on
 * (src/lib/errors.ts). Status mapping follows the reference §4: 401 → auth (pause the profile),
 * 404 → not found, other 4xx → rejected (a person must look), 429 → rate limited (transient, with
 * the wait the server asked for), 5xx/timeouts → unavailable (transient) for calls that are safe to
 * repeat. Messages and details are redacted before they get here.
 */
import { ShopwireError } from '../../lib/errors.ts';
import type { ErrorKind } from '../../lib/errors.ts';

export type PaperlessErrorFacts = {
  endpoint: string;
  method: string;
  /** Redacted URL. */
  url: string;
  status: number | null;
  /** Redacted excerpt of the answer. */
  bodyExcerpt?: string;
};

function details(facts: PaperlessErrorFacts, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { system: 'paperless', ...facts, ...extra };
}

/** 401: the API token was refused (missing, wrong, or rotated). */
export class PaperlessAuthError extends ShopwireError {
  readonly facts: PaperlessErrorFacts;
  constructor(message: string, facts: PaperlessErrorFacts) {
    super(message, { code: 'paperless.auth_failed', kind: 'auth', details: details(facts) });
    this.facts = facts;
  }
}

/** 404: no such order, action or integration. `kind` is `config` when the missing thing is configured (the managed integration). */
export class PaperlessNotFoundError extends ShopwireError {
  readonly facts: PaperlessErrorFacts;
  constructor(message: string, facts: PaperlessErrorFacts, kind: ErrorKind = 'data') {
    super(message, { code: 'paperless.not_found', kind, details: details(facts) });
    this.facts = facts;
  }
}

/** Any other 4xx (400 `invalid`, a terminal action refusing a change, …): repeating will not help. */
export class PaperlessRejectedError extends ShopwireError {
  readonly facts: PaperlessErrorFacts;
  /** The `code` of the JSON error envelope, when there was one. */
  readonly apiCode: string | null;
  constructor(message: string, facts: PaperlessErrorFacts, apiCode: string | null) {
    super(message, { code: 'paperless.rejected', kind: 'data', details: details(facts, { apiCode }) });
    this.facts = facts;
    this.apiCode = apiCode;
  }
}

/** 429 that outlasted the client's retries; `retryAfterMs` says when to come back. */
export class PaperlessRateLimitedError extends ShopwireError {
  readonly facts: PaperlessErrorFacts;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, facts: PaperlessErrorFacts, retryAfterMs: number | undefined, cause?: unknown) {
    super(message, { code: 'paperless.rate_limited', kind: 'transient', details: details(facts, { retryAfterMs }), cause });
    this.facts = facts;
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, timeout, reset or cut-short answer to a call that is safe to repeat: try again later. */
export class PaperlessUnavailableError extends ShopwireError {
  readonly facts: PaperlessErrorFacts;
  constructor(message: string, facts: PaperlessErrorFacts, cause?: unknown) {
    super(message, { code: 'paperless.unavailable', kind: 'transient', details: details(facts), cause });
    this.facts = facts;
  }
}

/** A 2xx whose body does not have the shape the client reads (names the field path). */
export class PaperlessResponseError extends ShopwireError {
  readonly facts: PaperlessErrorFacts;
  constructor(message: string, facts: PaperlessErrorFacts, where: string) {
    super(message, { code: 'paperless.bad_response', kind: 'data', where, details: details(facts) });
    this.facts = facts;
  }
}
