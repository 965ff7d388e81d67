/**
 * Rate limits held across every hub process on one PostgreSQL database: a token bucket row per key
 * in `rate_buckets`, refilled and taken in one statement (sql/rate-take.ts) on the store's pool.
 */
import type { SqlDb } from '../sql/statement.ts';
import type { SharedRates } from '../store.ts';
import { rebaseRateBucket, takeRateToken } from './sql/rate-take.ts';

export function openSharedRates(db: SqlDb): SharedRates {
  return {
    async take(key, perSecond, capacity) {
      if (!(perSecond > 0) || !(capacity >= 1)) throw new RangeError(`rate bucket ${key}: needs perSecond > 0 and capacity >= 1`);
      const [row] = await db.all(takeRateToken(key, perSecond, capacity));
      if (row?.taken === true) return 0;
      // The database's clock went back: refill from now on, rather than nothing until it catches up.
      if (row?.stepped === true) await db.run(rebaseRateBucket(key));
      const period = 1000 / perSecond;
      const wait = row?.wait_ms === null || row?.wait_ms === undefined ? null : Number(row.wait_ms);
      // Not yet visible to this statement (another process created the row meanwhile): a quarter
      // of a token's time. Never more than one token's time: a bucket never holds less than none.
      return wait === null || !Number.isFinite(wait) || wait <= 0 ? Math.max(1, period / 4) : Math.min(wait, period);
    },
  };
}
