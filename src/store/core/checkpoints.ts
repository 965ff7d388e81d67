/**
 * A run's plan and its step checkpoints: what the engine has done of the plan, so a resumed run
 * skips what is done. A checkpoint may be deferred to the job's next commit (context.ts).
 */
import { redactJson } from '../../lib/redact.ts';
import { jobStatements } from '../sql/jobs.ts';
import type { Row, SqlDb } from '../sql/statement.ts';
import type { Checkpoint, StepStatus, Store } from '../store.ts';
import type { CoreContext } from './context.ts';
import { leaseCheck, LeaseLostError } from './lease.ts';
import { partTaker } from './part-locks.ts';
import { json } from './rows.ts';

export function checkpointMethods(ctx: CoreContext): Pick<Store, 'savePlan' | 'markStep' | 'getCheckpoints'> {
  const { db, clock } = ctx;
  const jobs = jobStatements(ctx.dialect);
  const assertLease = leaseCheck(ctx.dialect);
  const takeParts = partTaker(ctx);
  return {
    async savePlan(jobId, workerId, plan, planParts) {
      const now = clock();
      // Plan, parts and their locks in one commit (one fsync fewer per job than two calls).
      return ctx.jobTransaction(jobId, async (tx) => {
        const job = await assertLease(tx, jobId, workerId);
        const normalised = [...new Set(planParts.map((p) => p.toUpperCase()))].sort();
        await tx.run(jobs.savePlan(jobId, workerId, JSON.stringify(plan), JSON.stringify(normalised), now));
        return normalised.length === 0 || takeParts(tx, jobId, job.profile, normalised);
      });
    },

    async markStep(jobId, workerId, step, status: StepStatus, result?: unknown, markOptions: { deferred?: boolean } = {}) {
      const now = clock();
      const write = async (tx: SqlDb): Promise<void> => {
        const job = await assertLease(tx, jobId, workerId);
        const value = result === undefined ? null : redactJson(result);
        await tx.run(jobs.upsertStep({ jobId, key: step.key, index: step.index, run: job.run, status, result: value, now }));
      };
      if (!markOptions.deferred) {
        await ctx.jobTransaction(jobId, write);
        return;
      }
      // Written with the job's next commit. Lost in a crash before it, or skipped if the lease is
      // lost by then: the caller defers only checkpoints whose loss is harmless.
      ctx.defer(jobId, (tx) =>
        write(tx).catch((error: unknown) => {
          if (!(error instanceof LeaseLostError)) throw error;
        }),
      );
    },

    async getCheckpoints(jobId) {
      return (await db.all(jobs.selectSteps(jobId))).map(toCheckpoint);
    },
  };
}

function toCheckpoint(r: Row): Checkpoint {
  return {
    stepKey: String(r.step_key),
    stepIndex: Number(r.step_index),
    run: Number(r.run),
    status: String(r.status) as StepStatus,
    result: json(r.result),
    updatedAt: Number(r.updated_at),
  };
}
