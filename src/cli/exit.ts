/** The command line's exit codes (docs/commands), and the one a failure ends in. */
import { ShopwireError } from '../lib/errors.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;

/** A bad config or input: 2; an outside system unreachable or refusing the credentials: 3; else 1. */
export function exitCodeOf(error: unknown): number {
  if (!(error instanceof ShopwireError)) return EXIT.failed;
  if (error.kind === 'config' || error.kind === 'data') return EXIT.usage;
  if (error.kind === 'transient' || error.kind === 'auth') return EXIT.unavailable;
  return EXIT.failed;
}
