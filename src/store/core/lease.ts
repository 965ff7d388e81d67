/**
 * The lease: only the worker that claimed a job (jobs.ts, `claimJob`) may write to it until the
 * lease runs out or moves to another worker. Every lease holder's write checks it first, inside
 * its own transaction.
 */
import { ShopwireError } from '../../lib/errors.ts';
import { jobStatements } from '../sql/jobs.ts';
import type { Dialect, SqlDb } from '../sql/statement.ts';
import type { JobErrorRecord, JobRecord } from '../store.ts';
import { json, one } from './rows.ts';

/** The caller no longer holds the job's lease: another worker took it over. Stop touching the job. */
export class LeaseLostError extends ShopwireError {
  constructor(jobId: string, workerId: string) {
    super(`job ${jobId}: worker ${workerId} no longer holds its lease`, {
      code: 'store.lease_lost',
      kind: 'internal',
      details: { jobId, workerId },
    });
  }
}

/** What a lease holder's write needs to know of its job. */
export type LeasedJob = Pick<JobRecord, 'profile' | 'run' | 'updateRequested' | 'lastError'>;

export type AssertLease = (tx: SqlDb, jobId: string, workerId: string) => Promise<LeasedJob>;

/** Checks (and, on PostgreSQL, locks) the lease; reads only the columns the writers need, not the payload or plan. */
export function leaseCheck(dialect: Dialect): AssertLease {
  const jobs = jobStatements(dialect);
  return async (tx, jobId, workerId) => {
    const row = await one(tx, jobs.selectLeasedJob(jobId, workerId));
    if (row === undefined) throw new LeaseLostError(jobId, workerId);
    return {
      profile: String(row.profile),
      run: Number(row.run),
      updateRequested: Number(row.update_requested) === 1,
      lastError: json(row.last_error) as JobErrorRecord | null,
    };
  };
}
