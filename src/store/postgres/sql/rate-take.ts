/**
 * PostgreSQL: one token of a shared rate bucket (`rate_buckets`, migration 0008), in one statement.
 * The bucket is refilled from the time since its last take (`perSecond`, at most `capacity`) and
 * one token taken only when at least one is there: an upsert whose update applies only then, so
 * the row lock of `ON CONFLICT DO UPDATE` serialises concurrent takers of one key (of any process)
 * and none sees a token another took. A key seen for the first time starts full, less this take.
 * Time is the database's clock (`clock_timestamp()`, ms), one clock for every process.
 * When nothing was taken, the same statement reads the bucket as it was and says how long until a
 * token is there (an estimate: another process may take it first, so the caller then asks again).
 *
 * That clock can be stepped back (a time sync on the database host). A bucket last taken "in the
 * future" refills nothing until the clock catches up: every call of every process would be held
 * for as long as the step. So the statement also says when the last take is more than
 * `CLOCK_STEP_MS` ahead of now (far more than a statement waits for the row lock after reading the
 * clock), and `rebaseRateBucket` then counts the bucket's refill from now on.
 */
import { sqlFor } from '../../sql/statement.ts';
import type { Statement } from '../../sql/statement.ts';
import { postgresDialect } from '../dialect.ts';

const sql = sqlFor(postgresDialect);

/** How far ahead of the database's clock a bucket's last take may be before it is a clock step. */
const CLOCK_STEP_MS = 5_000;

/**
 * Rows: `taken` (boolean), `wait_ms` (read when nothing was taken; null when the bucket row is not
 * yet visible to the statement) and
 * `stepped` (the bucket's last take is ahead of the clock by more than CLOCK_STEP_MS).
 */
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
    ),
    bucket AS (
      SELECT LEAST(${capacity}::float8, b.tokens + GREATEST(0, clock.now - b.updated_at) * ${perSecond}::float8 / 1000) AS tokens,
             b.updated_at - clock.now > ${CLOCK_STEP_MS}::float8 AS stepped
        FROM rate_buckets b, clock WHERE b.key = ${key}
    )
    SELECT EXISTS (SELECT 1 FROM taken) AS taken,
      (SELECT (1 - tokens) * 1000 / ${perSecond}::float8 FROM bucket) AS wait_ms,
      COALESCE((SELECT stepped FROM bucket), false) AS stepped`;
}

/** After a clock step: the bucket keeps its tokens and counts its refill from the clock's now. */
export function rebaseRateBucket(key: string): Statement {
  return sql`
    UPDATE rate_buckets SET updated_at = extract(epoch FROM clock_timestamp()) * 1000
     WHERE key = ${key} AND updated_at - extract(epoch FROM clock_timestamp()) * 1000 > ${CLOCK_STEP_MS}::float8`;
}
