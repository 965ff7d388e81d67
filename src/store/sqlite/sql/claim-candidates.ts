/**
 * SQLite: the jobs that could be claimed now, best first. No row locks exist in SQLite; the
 * claim runs inside `BEGIN IMMEDIATE`, which holds the database's one write lock from the start,
 * so two processes sharing the file claim one after the other and never see the same candidate
 * as free.
 */
import { fairClaimCandidates } from '../../sql/claim-fair.ts';
import { sqlFor } from '../../sql/statement.ts';
import type { Statement } from '../../sql/statement.ts';
import { sqliteDialect } from '../dialect.ts';

const sql = sqlFor(sqliteDialect);

/** Fair across profiles: src/store/sql/claim-fair.ts. */
export function claimCandidates(now: number, limit: number): Statement {
  return fairClaimCandidates(sqliteDialect, now, limit);
}

/** Re-checks one candidate and locks it. */
export function lockCandidate(id: string, now: number): Statement {
  return sql`
    SELECT id, profile, state, parts FROM jobs
    WHERE id = ${Number(id)}
      AND ((state IN ('pending', 'retrying') AND next_attempt_at <= ${now})
        OR (state = 'running' AND lease_until < ${now}))`;
}
