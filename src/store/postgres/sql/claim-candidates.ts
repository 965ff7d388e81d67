/**
 * PostgreSQL: the jobs that could be claimed now, best first (fair across profiles), read without locks; then each is
 * locked in turn with `FOR UPDATE SKIP LOCKED` and re-checked. Several hub processes claim at once
 * without waiting on each other: a row another claimer holds is skipped and the next one tried.
 * (Locking the whole candidate window at once would let the first claimer hide every job from
 * the others until it commits.)
 */
import { fairClaimCandidates } from '../../sql/claim-fair.ts';
import { sqlFor } from '../../sql/statement.ts';
import type { Statement } from '../../sql/statement.ts';
import { postgresDialect } from '../dialect.ts';

const sql = sqlFor(postgresDialect);

/** Fair across profiles: src/store/sql/claim-fair.ts. */
export function claimCandidates(now: number, limit: number): Statement {
  return fairClaimCandidates(postgresDialect, now, limit);
}

/** Re-checks one candidate and locks it (skipping it if another claimer holds it). */
export function lockCandidate(id: string, now: number): Statement {
  return sql`
    SELECT id, profile, state, parts FROM jobs
    WHERE id = ${Number(id)}
      AND ((state IN ('pending', 'retrying') AND next_attempt_at <= ${now})
        OR (state = 'running' AND lease_until < ${now}))
    FOR UPDATE SKIP LOCKED`;
}
