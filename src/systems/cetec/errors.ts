/**
 * Cetec failures, each with a stable code and a kind the engine acts on (lib/errors.ts). Messages
 * and details are redacted: they never hold the preshared token.
 *
 * | class | code | kind | meaning |
 * |---|---|---|---|
 * | CetecRejectedError | cetec.rejected | data | Cetec answered and refused the call (`success: 0`, 4xx); its message says why. |
 * | CetecAuthError | cetec.auth | auth | the token was refused (401/403, or `success: 0` with "invalid token"). |
 * | CetecUnavailableError | cetec.unavailable | transient | not reached or not processed (connect failure, open circuit, 429), or an idempotent call whose answer was lost. |
 * | CetecAmbiguousError | cetec.ambiguous | ambiguous | a non-idempotent call (the import) may have taken effect: timeout after sending, reset, 5xx, HTML or malformed answer. |
 * | CetecDuplicateKeyError | cetec.duplicate_external_key | ambiguous | the import's `external_key` was already used: an order exists under it (very likely from an earlier attempt of ours whose answer was lost), but this answer does not say its numbers. The engine must establish the outcome (its own records, `findOrderByExternalKey`) before doing anything else; never re-import under a new key. |
 * | CetecConfigError | cetec.config | config | shopwire's Cetec settings are wrong (base URL answers 404/redirects, lookup disabled). |
 */
import { ShopwireError } from '../../lib/errors.ts';
import type { ErrorKind } from '../../lib/errors.ts';
import { redactText, redactValue } from '../../lib/redact.ts';

export type CetecErrorDetails = {
  endpoint: string;
  status?: number | null;
  /** Cetec's own message (`message` field of its answer), redacted. */
  cetecMessage?: string;
  [key: string]: unknown;
};

abstract class CetecError extends ShopwireError {
  readonly endpoint: string;
  readonly status: number | null;
  readonly cetecMessage: string | undefined;
  constructor(message: string, code: string, kind: ErrorKind, details: CetecErrorDetails, cause?: unknown) {
    const safe = redactValue(details);
    super(redactText(message), { code, kind, details: { system: 'cetec', ...safe }, cause });
    this.endpoint = safe.endpoint;
    this.status = safe.status ?? null;
    this.cetecMessage = safe.cetecMessage;
  }
}

export class CetecRejectedError extends CetecError {
  constructor(message: string, details: CetecErrorDetails, cause?: unknown) {
    super(message, 'cetec.rejected', 'data', details, cause);
  }
}

export class CetecAuthError extends CetecError {
  constructor(message: string, details: CetecErrorDetails, cause?: unknown) {
    super(message, 'cetec.auth', 'auth', details, cause);
  }
}

export class CetecUnavailableError extends CetecError {
  constructor(message: string, details: CetecErrorDetails, cause?: unknown) {
    super(message, 'cetec.unavailable', 'transient', details, cause);
  }
}

export class CetecAmbiguousError extends CetecError {
  constructor(message: string, details: CetecErrorDetails, cause?: unknown) {
    super(message, 'cetec.ambiguous', 'ambiguous', details, cause);
  }
}

export class CetecDuplicateKeyError extends CetecError {
  readonly externalKey: string;
  constructor(message: string, externalKey: string, details: CetecErrorDetails, cause?: unknown) {
    super(message, 'cetec.duplicate_external_key', 'ambiguous', { ...details, externalKey }, cause);
    this.externalKey = externalKey;
  }
}

export class CetecConfigError extends CetecError {
  constructor(message: string, details: CetecErrorDetails, cause?: unknown) {
    super(message, 'cetec.config', 'config', details, cause);
  }
}
