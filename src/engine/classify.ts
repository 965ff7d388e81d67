/**
 * What a failure means for a job, decided from the error's `kind` alone (lib/errors.ts):
 *
 * | kind | decision |
 * |---|---|
 * | data | needs-attention now: retrying cannot help; the message says where |
 * | transient | retry with backoff, needs-attention when attempts run out |
 * | ambiguous | outside an import step (which establishes its own outcome): treated as transient |
 * | auth, config | pause the profile with the reason; the job goes back to pending |
 * | internal | needs-attention (a bug or unreadable stored state) |
 * | not a ShopwireError | retry: unexpected, possibly passing (a busy database); bounded by attempts |
 *
 * A `JobSkippedError` (kind data) is the one exception: the source says the job must not run (a
 * Paperless order in a status that is not exported). The job ends `cancelled` with the reason,
 * without counting an attempt, and runs again when its source changes (discovery replays it).
 */
import { ShopwireError } from '../lib/errors.ts';
import type { ErrorKind } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { JobErrorRecord } from '../store/store.ts';

export type FailureDecision = 'needs-attention' | 'retry' | 'pause-profile' | 'skip';

/** The source says this job must not run now; the message says why and what would change that. */
export class JobSkippedError extends ShopwireError {
  constructor(message: string, options: { code: string; where?: string; details?: Record<string, unknown> }) {
    super(message, { ...options, kind: 'data' });
  }
}

export function decide(error: unknown): FailureDecision {
  if (error instanceof JobSkippedError) return 'skip';
  if (!(error instanceof ShopwireError)) return 'retry';
  switch (error.kind) {
    case 'data':
    case 'internal':
      return 'needs-attention';
    case 'auth':
    case 'config':
      return 'pause-profile';
    case 'transient':
    case 'ambiguous':
      return 'retry';
  }
}

/**
 * Failures that say nothing about the job because the call was never tried: the client's circuit
 * breaker is open, its queue is full, the store holding a limit shared with other processes did
 * not answer, or the system asked us to slow down. They must not use up
 * the job's attempts (a short outage would otherwise send every job to needs-attention while the
 * breaker is open). Returns how long to wait before trying again, or null for other failures.
 * Looks through the `cause` chain, since clients wrap the HTTP layer's errors. An import whose
 * earlier send may still be taking effect (run-plan.ts) waits the same way: nothing was tried.
 */
export const IMPORT_IN_FLIGHT_CODE = 'engine.import_may_be_in_flight';
const NOT_TRIED = new Set(['http.circuit_open', 'http.queue_full', 'http.rate_limited', 'http.shared_limit_unanswered', IMPORT_IN_FLIGHT_CODE]);

export function waitWithoutAttempt(error: unknown, fallbackMs = 1_000): number | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (!(e instanceof ShopwireError)) continue;
    const details = e.details ?? {};
    if (NOT_TRIED.has(e.code) || NOT_TRIED.has(String(details.httpCode))) {
      const wait = Number(details.retryAfterMs);
      return Number.isFinite(wait) && wait > 0 ? wait : fallbackMs;
    }
  }
  return null;
}

/** The redacted record of an error kept on the job and shown to people. */
export function errorRecord(error: unknown): JobErrorRecord {
  if (error instanceof ShopwireError) {
    return {
      code: error.code,
      kind: error.kind,
      message: redactText(error.message),
      ...(error.where === undefined ? {} : { where: redactText(error.where) }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal.unexpected', kind: 'internal' as ErrorKind, message: redactText(message) };
}

/** Message for people: where it happened first, so the order, item and component come first. */
export function readableError(error: JobErrorRecord | null, max = 250): string {
  if (error === null) return '';
  const text = error.where === undefined || error.message.includes(error.where) ? error.message : `${error.where}: ${error.message}`;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
