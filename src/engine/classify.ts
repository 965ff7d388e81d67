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
 */
import { ShopwireError } from '../lib/errors.ts';
import type { ErrorKind } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { JobErrorRecord } from '../store/store.ts';

export type FailureDecision = 'needs-attention' | 'retry' | 'pause-profile';

export function decide(error: unknown): FailureDecision {
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
