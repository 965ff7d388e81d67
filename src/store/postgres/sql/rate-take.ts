/**
 * PostgreSQL: one token of a shared rate bucket (`rate_buckets`, migration 0008), in one statement.
 * The bucket is refilled from the time since its last take (`perSecond`, at most `capacity`) and
 * one token taken only when at least one is there: an upsert whose update applies only then, so
 * the row lock of `ON CONFLICT DO UPDATE` serialises concurrent takers of one key (of any process)
 * and none sees a token another took. A key seen for the first time starts full, less this take.
 * Time is the database's clock (`clock_timestamp()`, ms), one clock for every process.
 * When nothing was taken, the same statement reads the bucket as it was and says how long until a
 * token is there (an estimate: another process may take it first, so the caller then asks again).
 */
import { sqlFor } from '../../sql/statement.ts';
import type { Statement } from '../../sql/statement.ts';
import { postgresDialect } from '../dialect.ts';

const sql = sqlFor(postgresDialect);

/** Rows: `taken` (boolean) and `wait_ms` (null when taken or the bucket row is not yet visible). */
export function takeRateToken(key: string, perSecond: number, capacity: number): Statement {
  return sql`
    WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now),
    taken AS (
      INSERT INTO rate_buckets AS b (key, tokens, updated_at)
      SELECT ${key}, ${capacity}::float8 - 1, now FROM clock
      ON CONFLICT (key) DO UPDATE
        SET tokens = LEAST(${capacity}::float8, b.tokens + GREATEST(0, excluded.updated_at - b.updated_at) * ${perSecond}::float8 / 1000) - 1,
            updated_at = GREATEST(b.updated_at, excluded.updated_at)
        WHERE LEAST(${capacity}::float8, b.tokens + GREATEST(0, excluded.updated_at - b.updated_at) * ${perSecond}::float8 / 1000) >= 1
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM taken) AS taken,
      (SELECT (1 - LEAST(${capacity}::float8, b.tokens + GREATEST(0, clock.now - b.updated_at) * ${perSecond}::float8 / 1000)) * 1000 / ${perSecond}::float8
         FROM rate_buckets b, clock WHERE b.key = ${key}) AS wait_ms`;
}
