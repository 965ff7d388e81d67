/**
 * The claim's candidate order, the same on both dialects: fair across profiles. Each runnable job
 * is ranked within its profile (oldest due first), and the profile's jobs already running under a
 * live lease are added to that rank: the next claim goes to the profile that has the fewest jobs
 * running and waiting ahead of this one, and among equals to the profile served least recently
 * (`profiles.last_claim_at`, set by every claim). So a profile with a backlog of thousands of orders takes
 * its turn with the others instead of holding back another profile's single new order
 * (docs/scaling.md). Within one profile the order is unchanged: due time, then id.
 */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function fairClaimCandidates(dialect: Dialect, now: number, limit: number): Statement {
  const sql = sqlFor(dialect);
  return sql`
    WITH runnable AS (
      SELECT j.id, j.profile, j.next_attempt_at, COALESCE(p.last_claim_at, 0) AS last_claim_at,
        ROW_NUMBER() OVER (PARTITION BY j.profile ORDER BY j.next_attempt_at, j.id) AS rank_in_profile
      FROM jobs j
      LEFT JOIN profiles p ON p.profile = j.profile
      WHERE COALESCE(p.paused, 0) = 0
        AND ((j.state IN ('pending', 'retrying') AND j.next_attempt_at <= ${now})
          OR (j.state = 'running' AND j.lease_until < ${now}))
    ),
    busy AS (
      SELECT profile, COUNT(*) AS running FROM jobs
      WHERE state = 'running' AND lease_until >= ${now}
      GROUP BY profile
    )
    SELECT r.id FROM runnable r
    LEFT JOIN busy b ON b.profile = r.profile
    WHERE r.rank_in_profile <= ${limit}
    ORDER BY COALESCE(b.running, 0) + r.rank_in_profile, r.last_claim_at, r.next_attempt_at, r.id
    LIMIT ${limit}`;
}
