/**
 * Part locks: a job holds every part its plan defines while it runs, so two jobs never write the
 * same part at once. Taken at claim, with the plan, or on request; released when the job ends or
 * starts a fresh run (jobs.ts).
 */
import { partStatements } from '../sql/parts.ts';
import type { SqlDb } from '../sql/statement.ts';
import type { Store } from '../store.ts';
import type { CoreContext } from './context.ts';
import { leaseCheck } from './lease.ts';
import { one } from './rows.ts';

export type TakeParts = (tx: SqlDb, jobId: string, profile: string, wanted: string[]) => Promise<boolean>;

/** Takes every part for `job` or none; the caller's transaction makes it all-or-nothing. */
export function partTaker(ctx: CoreContext): TakeParts {
  const parts = partStatements(ctx.dialect);
  return async (tx, jobId, profile, wanted) => {
    // Sorted, so two claimers lock part rows in the same order and cannot deadlock.
    const sorted = [...new Set(wanted)].sort();
    for (const part of sorted) {
      await tx.run(parts.ensurePartRow(profile, part));
      await tx.all(parts.lockPartRow(profile, part));
      const holder = await one(tx, parts.selectForeignHolder(profile, part, jobId));
      if (holder !== undefined) return false;
    }
    for (const part of sorted) await tx.run(parts.setHolder(profile, part, jobId));
    return true;
  };
}

export function partLockMethods(ctx: CoreContext): Pick<Store, 'lockParts'> {
  const assertLease = leaseCheck(ctx.dialect);
  const takeParts = partTaker(ctx);
  return {
    async lockParts(jobId, workerId, wanted) {
      return ctx.jobTransaction(jobId, async (tx) => {
        const job = await assertLease(tx, jobId, workerId);
        return takeParts(tx, jobId, job.profile, wanted.map((p) => p.toUpperCase()));
      });
    },
  };
}
