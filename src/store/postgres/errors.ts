/**
 * PostgreSQL errors at one seam: connection failures become transient store errors (the worker
 * tries again later), everything else an internal error naming the SQLSTATE. The original is kept
 * as `cause`; statement text is included, values never (they may hold order data).
 */
import { ShopwireError } from '../../lib/errors.ts';

const CONNECTION_CLASSES = ['08', '57P'];
const RETRYABLE = new Set(['40001', '40P01', '55P03']);

export function translatePgError(error: unknown, statement: string): Error {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const message = error instanceof Error ? error.message : String(error);
  const transient = RETRYABLE.has(code) || CONNECTION_CLASSES.some((c) => code.startsWith(c)) || /ECONNREFUSED|ECONNRESET|terminat/i.test(message);
  return new ShopwireError(`PostgreSQL: ${message}`, {
    code: transient ? 'store.unavailable' : 'store.sql_failed',
    kind: transient ? 'transient' : 'internal',
    details: { sqlstate: code || null, statement: statement.slice(0, 200) },
    cause: error,
  });
}
