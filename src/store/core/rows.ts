/** Reading rows back, the same on both drivers. */
import type { Row, SqlDb, Statement } from '../sql/statement.ts';

/** The statement's first row, if any. */
export const one = async (runner: SqlDb, s: Statement): Promise<Row | undefined> => (await runner.all(s))[0];

/** JSON columns come back as text from both drivers (the postgres adapter turns jsonb parsing off). */
export function json(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
