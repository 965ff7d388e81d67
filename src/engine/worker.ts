/**
 * The worker: claims runnable jobs from the store, runs each job's plan, and records the outcome.
 * Several workers (in one process or several, on SQLite or PostgreSQL) may run at once: the
 * store's leases make each job run in one place at a time, and fencing (`finishJob` by the lease
 * holder only) stops a worker that lost its lease from overwriting the new holder's work.
 */
import type { Logger } from 'pino';
import { ShopwireError } from '../lib/errors.ts';
import type { TransferRecorder } from '../lib/transfer.ts';
import { redactText } from '../lib/redact.ts';
import type { JobRecord, Store } from '../store/store.ts';
import { topLevelParts } from '../translate/plan.ts';
import type { Plan } from '../translate/plan.ts';
import { decide, errorRecord, waitWithoutAttempt } from './classify.ts';
import { isOutage, systemOf, type HealthTracker } from './health.ts';
import type { FlowHandler } from './flow-handler.ts';
import { DEFAULT_RETRY_POLICY, attemptsExhausted, backoffDelay } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';
import { RunAbortedError, runPlan } from './run-plan.ts';
import { parseStoredPlan } from './stored-state.ts';

export type WorkerOptions = {
  store: Store;
  workerId: string;
  handlers: Partial<Record<JobRecord['flow'], FlowHandler>>;
  /** Jobs run at once by this worker. Default 1. */
  concurrency?: number;
  /** Lease length; renewed every third of it while the job runs, however slow the job. Default 15 s. */
  leaseMs?: number;
  /** Pause between claims when nothing was runnable (start() only). Default 1 s. */
  idleMs?: number;
  retry?: RetryPolicy;
  clock?: () => number;
  random?: () => number;
  logger?: Logger;
  /** Records outages of the outside systems a job run met (and their end when a job is done). */
  health?: HealthTracker;
};

export type Worker = {
  start(): void;
  /** Stops claiming, waits for running jobs to finish. */
  stop(): Promise<void>;
  /** Claims and runs jobs until none is runnable; returns how many runs ended. `onRunEnded` hears of each (a progress line). */
  runOnce(options?: { maxJobs?: number; onRunEnded?: (job: JobRecord) => void }): Promise<number>;
};

export type RunOutcome = 'finished' | 'lease-lost';

/** The profile is paused by this error's kind; the reason is shown on the dashboard and in `status`. */
function pauseReason(error: unknown): string {
  const e = errorRecord(error);
  return redactText(`${e.kind === 'auth' ? 'credentials refused' : 'configuration error'} (${e.code}): ${e.message}`).slice(0, 500);
}

/**
 * Renews the leases of every job this worker runs in one statement every third of the lease
 * (`store.renewLeases`, on PostgreSQL a connection of its own), and aborts the runs whose lease
 * was lost (another worker took the job: its writes would be refused anyway). A renewal that
 * fails (the store unreachable) is tried again at the next tick; the lease stands until it ends.
 */
function leaseRenewer(options: { store: Store; workerId: string; leaseMs: number; logger?: Logger | undefined }) {
  const { store, workerId, leaseMs, logger } = options;
  const running = new Map<string, AbortController>();
  let timer: ReturnType<typeof setInterval> | null = null;
  const tick = (): void => {
    const sent = new Map(running);
    if (sent.size === 0) return;
    store.renewLeases(workerId, [...sent.keys()], leaseMs).then(
      (held) => {
        const kept = new Set(held);
        for (const [id, abort] of sent) {
          // Only a run still going: one that ended meanwhile gave its lease up itself.
          if (!kept.has(id) && running.get(id) === abort) abort.abort();
        }
      },
      (error: unknown) => logger?.warn({ err: error, workerId }, 'could not renew the job leases; trying again'),
    );
  };
  return {
    add(id: string, abort: AbortController): void {
      running.set(id, abort);
      timer ??= setInterval(tick, Math.max(10, Math.floor(leaseMs / 3)));
    },
    remove(id: string, abort: AbortController): void {
      if (running.get(id) === abort) running.delete(id);
      if (running.size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    },
  };
}

export function createWorker(options: WorkerOptions): Worker {
  const { store, workerId, logger } = options;
  const leaseMs = options.leaseMs ?? 15_000;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  let running = false;
  let lanes: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  const leases = leaseRenewer({ store, workerId, leaseMs, logger });

  const policyFor = (handler: FlowHandler | undefined, profile: string): RetryPolicy =>
    handler?.retryPolicy?.(profile) ?? options.retry ?? DEFAULT_RETRY_POLICY;

  const notify = async (handler: FlowHandler | undefined, job: JobRecord, recorder?: TransferRecorder): Promise<void> => {
    try {
      await handler?.onStateChange?.(job, recorder === undefined ? undefined : { recorder });
    } catch (error) {
      logger?.warn({ err: error, jobId: job.id }, 'reporting a job state change failed; it is reconciled on the next discovery pass');
    }
  };

  async function runJob(job: JobRecord): Promise<RunOutcome> {
    const handler = options.handlers[job.flow];
    // Every line this run writes carries the job and its correlation id (shown on the dashboard).
    const log = logger?.child({ jobId: job.id, correlationId: job.correlationId, profile: job.profile, flow: job.flow, key: job.key });
    const abort = new AbortController();
    leases.add(job.id, abort);
    let failure: unknown;
    // Every call of this run (Paperless Parts, Cetec, CableBuilder; reports after the run ends
    // included) is recorded in one group: the job's run and this start of it. Answers are
    // recorded with the checkpoint that follows them (one commit per call fewer).
    const recorder = store.recorderFor(job.id, { deferEnds: true, group: { run: job.run, execution: job.executions } });
    const finish = async (input: Parameters<Store['finishJob']>[2]): Promise<RunOutcome> => {
      const after = await store.finishJob(job.id, workerId, input);
      log?.info({ state: after.state, attempts: after.attempts }, 'job run ended');
      await recordHealth(job, after, failure);
      await notify(handler, after, recorder);
      return 'finished';
    };
    try {
      if (handler === undefined) {
        return await finish({
          state: 'needs-attention',
          error: { code: 'engine.no_handler', kind: 'config', message: `no handler for flow ${job.flow}` },
        });
      }
      await notify(handler, job, recorder);
      let plan: Plan;
      if (job.plan === null) {
        plan = await handler.prepare({ job, recorder, signal: abort.signal, ...(log ? { logger: log } : {}) });
        const parts = topLevelParts(plan);
        if (!(await store.savePlan(job.id, workerId, plan, parts))) {
          // Another unfinished job defines one of these parts: wait for it (claims skip us until then).
          log?.info({ parts }, 'job waits for a top-level part held by another job');
          return await finish({ state: 'pending', countAttempt: false, error: null });
        }
      } else {
        plan = parseStoredPlan(job.plan, job.id);
      }
      const outcome = await runPlan({
        store,
        job,
        workerId,
        plan,
        cetec: handler.cetec(job.profile),
        tenant: await handler.tenant(job.profile),
        recorder,
        signal: abort.signal,
        clock,
      });
      if (outcome.state === 'done') return await finish({ state: 'done', result: outcome.result, error: null });
      return await finish({ state: 'needs-attention', result: outcome.result, error: outcome.error });
    } catch (error) {
      failure = error;
      return await fail(job, handler, error, finish, log);
    } finally {
      leases.remove(job.id, abort);
      // Writes that no later commit of the job took along (a lost lease, say).
      await store.flushJobWrites(job.id).catch((error: unknown) => log?.warn({ err: error }, 'recording call answers failed'));
    }
  }

  /** A done job proves Cetec (and, for an order, Paperless) answered; a failure may be an outage. */
  async function recordHealth(job: JobRecord, after: JobRecord, failure: unknown): Promise<void> {
    const health = options.health;
    if (health === undefined) return;
    if (after.state === 'done') {
      await health.succeeded(job.profile, 'cetec');
      if (job.flow === 'order-export') await health.succeeded(job.profile, 'paperless');
      return;
    }
    const system = failure === undefined ? null : systemOf(failure);
    if (system === null || !isOutage(failure)) return;
    await health.failed(job.profile, system, failure, after.state === 'retrying' ? after.nextAttemptAt : null);
  }

  async function fail(
    job: JobRecord,
    handler: FlowHandler | undefined,
    error: unknown,
    finish: (input: Parameters<Store['finishJob']>[2]) => Promise<RunOutcome>,
    log: Logger | undefined,
  ): Promise<RunOutcome> {
    if (error instanceof ShopwireError && error.code === 'store.lease_lost') {
      log?.warn('lease lost: another worker owns the job now');
      return 'lease-lost';
    }
    if (error instanceof RunAbortedError) {
      // Stopped between steps: give the job back without counting an attempt.
      return finish({ state: 'pending', countAttempt: false }).catch(() => 'lease-lost' as const);
    }
    const record = errorRecord(error);
    const decision = decide(error);
    log?.info({ code: record.code, kind: record.kind, decision }, 'job run failed');
    try {
      if (decision === 'pause-profile') {
        await store.updateProfile(job.profile, { paused: true, pausedReason: pauseReason(error) });
        return await finish({ state: 'pending', countAttempt: false, error: record });
      }
      if (decision === 'needs-attention') return await finish({ state: 'needs-attention', error: record });
      if (decision === 'skip') return await finish({ state: 'cancelled', error: record, countAttempt: false });
      const policy = policyFor(handler, job.profile);
      const wait = waitWithoutAttempt(error, policy.baseDelayMs);
      if (wait !== null) {
        return await finish({ state: 'retrying', error: record, countAttempt: false, nextAttemptAt: clock() + Math.min(wait, policy.maxDelayMs) });
      }
      const attempts = job.attempts + 1;
      if (attemptsExhausted(attempts, policy)) {
        return await finish({
          state: 'needs-attention',
          error: { ...record, message: `${record.message} (gave up after ${attempts} attempts)` },
        });
      }
      return await finish({ state: 'retrying', error: record, nextAttemptAt: clock() + backoffDelay(attempts, policy, random) });
    } catch (finishError) {
      if (finishError instanceof ShopwireError && finishError.code === 'store.lease_lost') return 'lease-lost';
      throw finishError;
    }
  }

  async function lane(budget: { left: number }, loop: boolean, onRunEnded?: (job: JobRecord) => void): Promise<number> {
    let ended = 0;
    while (budget.left > 0 && (!loop || running)) {
      const job = await store.claimJob(workerId, leaseMs, clock());
      if (job === null) {
        if (!loop) return ended;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            sleepers.delete(done);
            resolve();
          };
          const timer = setTimeout(done, options.idleMs ?? 1_000);
          sleepers.add(done);
        });
        continue;
      }
      if (!loop) budget.left--;
      await runJob(job);
      ended++;
      onRunEnded?.(job);
    }
    return ended;
  }

  return {
    start() {
      if (running) return;
      running = true;
      const budget = { left: Number.POSITIVE_INFINITY };
      lanes = Array.from({ length: concurrency }, () =>
        lane(budget, true).then(
          () => undefined,
          (error: unknown) => logger?.error({ err: error }, 'worker lane stopped'),
        ),
      );
    },
    async stop() {
      running = false;
      for (const wake of [...sleepers]) wake();
      await Promise.all(lanes);
      lanes = [];
    },
    async runOnce(runOptions = {}) {
      const budget = { left: runOptions.maxJobs ?? 10_000 };
      const counts = await Promise.all(Array.from({ length: concurrency }, () => lane(budget, false, runOptions.onRunEnded)));
      return counts.reduce((a, b) => a + b, 0);
    },
  };
}
