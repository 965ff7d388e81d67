/**
 * Jobs and claims: enqueueing (one job per flow, profile and key; a changed payload starts a fresh
 * run), claiming a runnable job with its lease and part locks, renewing the lease, finishing a run,
 * the operators' retry, replay, cancel, flag (a done job whose source changed) and step
 * resolution, and the job queries.
 */
import { randomUUID } from 'node:crypto';
import { ShopwireError } from '../../lib/errors.ts';
import { redactJson, redactText } from '../../lib/redact.ts';
import { jobStatements } from '../sql/jobs.ts';
import { partStatements } from '../sql/parts.ts';
import { profileStatements } from '../sql/profiles.ts';
import type { Row, SqlDb, Statement } from '../sql/statement.ts';
import type {
  EnqueueInput,
  EnqueueResult,
  FinishInput,
  Flow,
  JobCount,
  JobErrorRecord,
  JobQuery,
  JobRecord,
  JobTrigger,
  OperatorResult,
  Store,
  StoredJobState,
} from '../store.ts';
import type { CoreContext } from './context.ts';
import { leaseCheck } from './lease.ts';
import { partTaker } from './part-locks.ts';
import { profileWrites } from './profiles.ts';
import { json, num, one } from './rows.ts';

export type ClaimOptions = {
  claimCandidates: (now: number, limit: number) => Statement;
  lockCandidate: (id: string, now: number) => Statement;
  /** How many runnable jobs one claim looks at before giving up (part locks may skip some). */
  claimWindow?: number;
};

type JobMethods = Pick<
  Store,
  | 'enqueueJob'
  | 'enqueueJobs'
  | 'claimJob'
  | 'renewLease'
  | 'renewLeases'
  | 'finishJob'
  | 'retryJob'
  | 'replayJob'
  | 'cancelJob'
  | 'flagJob'
  | 'resolveStep'
  | 'getJob'
  | 'findJob'
  | 'listJobs'
  | 'countJobs'
  | 'countFinished'
  | 'oldestRunnableAt'
>;

const TERMINAL: readonly StoredJobState[] = ['done', 'needs-attention', 'cancelled'];

export function jobMethods(ctx: CoreContext, options: ClaimOptions): JobMethods {
  const { db, clock } = ctx;
  const jobs = jobStatements(ctx.dialect);
  const parts = partStatements(ctx.dialect);
  const profiles = profileStatements(ctx.dialect);
  const assertLease = leaseCheck(ctx.dialect);
  const takeParts = partTaker(ctx);
  const { ensureProfile, recordSuccess } = profileWrites(ctx);
  // Wide enough that jobs waiting for a held part cannot hide runnable ones behind them.
  const claimWindow = options.claimWindow ?? 100;

  // `ensured`: profiles whose row this transaction already made sure of.
  const enqueueIn = async (tx: SqlDb, input: EnqueueInput, now: number, ensured = new Set<string>()): Promise<EnqueueResult> => {
    const trigger: JobTrigger = { ...input.trigger, at: now };
    const payload = input.payload === undefined ? null : JSON.stringify(input.payload);
    const hash = input.payloadHash ?? null;
    if (!ensured.has(input.profile)) await ensureProfile(tx, input.profile);
    ensured.add(input.profile);
    const inserted = await one(
      tx,
      jobs.insertJob({
        flow: input.flow,
        profile: input.profile,
        key: input.key,
        payload,
        payloadHash: hash,
        triggers: JSON.stringify([trigger]),
        nextAttemptAt: input.runAt ?? now,
        correlationId: randomUUID(),
        now,
      }),
    );
    if (inserted !== undefined) return { job: toJob(inserted), created: true, changed: false };

    const existing = toJob((await one(tx, jobs.selectJobByKey(input.flow, input.profile, input.key)))!);
    const triggers = JSON.stringify(mergeTriggers(existing.triggers, trigger));
    const changed = hash !== null && existing.payloadHash !== null && hash !== existing.payloadHash;
    const firstPayload = hash !== null && existing.payloadHash === null;
    if (!changed) {
      if (firstPayload) await tx.run(jobs.setPayload(existing.id, payload, hash, triggers, now));
      else await tx.run(jobs.updateTriggers(existing.id, triggers, now));
    } else if (existing.state === 'running') {
      await tx.run(jobs.requestUpdate(existing.id, payload, hash, triggers, now));
    } else {
      await tx.run(jobs.setPayload(existing.id, payload, hash, triggers, now));
      await tx.run(parts.releaseParts(existing.id));
      await tx.run(jobs.resetRun(existing.id, now));
    }
    return { job: await mustLoad(tx, existing.id), created: false, changed };
  };

  const loadJob = async (runner: SqlDb, id: string): Promise<JobRecord | null> => {
    const row = await one(runner, jobs.selectJobById(id));
    return row === undefined ? null : toJob(row);
  };

  const mustLoad = async (runner: SqlDb, id: string): Promise<JobRecord> => {
    const job = await loadJob(runner, id);
    if (job === null) throw new ShopwireError(`job ${id} not found`, { code: 'store.job_not_found', kind: 'internal' });
    return job;
  };

  async function operator(
    jobId: string,
    allowed: readonly StoredJobState[],
    apply: (tx: SqlDb, now: number) => Promise<number>,
  ): Promise<OperatorResult> {
    const now = clock();
    return db.transaction(async (tx) => {
      const job = await loadJob(tx, jobId);
      if (job === null) return { ok: false, code: 'not-found', reason: `no job ${jobId}` };
      if (!allowed.includes(job.state)) {
        return { ok: false, code: 'invalid-state', reason: `job ${jobId} is ${job.state}; allowed from: ${allowed.join(', ')}` };
      }
      await apply(tx, now);
      return { ok: true, job: await mustLoad(tx, jobId) };
    });
  }

  return {
    async enqueueJob(input: EnqueueInput): Promise<EnqueueResult> {
      const now = clock();
      return db.transaction((tx) => enqueueIn(tx, input, now));
    },

    async enqueueJobs(inputs: EnqueueInput[]): Promise<EnqueueResult[]> {
      if (inputs.length === 0) return [];
      const now = clock();
      // One commit for all: each job as enqueueJob would make it (unique per flow, profile, key).
      return db.transaction(async (tx) => {
        const out: EnqueueResult[] = [];
        const ensured = new Set<string>();
        for (const input of inputs) out.push(await enqueueIn(tx, input, now, ensured));
        return out;
      });
    },

    async claimJob(workerId, leaseMs, nowArg) {
      const now = nowArg ?? clock();
      return db.transaction(async (tx) => {
        // Candidates and their re-check read only the columns the claim needs: the window holds
        // up to `claimWindow` rows, and their payloads and plans (tens of kB each) would be read
        // and parsed on every claim only to be thrown away.
        const candidates = await tx.all(options.claimCandidates(now, claimWindow));
        for (const candidate of candidates) {
          const locked = await one(tx, options.lockCandidate(String(candidate.id), now));
          if (locked === undefined) continue;
          const id = String(locked.id);
          const parts = json(locked.parts);
          const wanted = Array.isArray(parts) ? parts.map(String) : [];
          if (wanted.length > 0 && !(await takeParts(tx, id, String(locked.profile), wanted))) continue;
          const lostLease = locked.state === 'running';
          await tx.run(jobs.leaseJob(id, workerId, now + leaseMs, lostLease, now));
          await tx.run(profiles.markClaimed(String(locked.profile), now));
          return mustLoad(tx, id);
        }
        return null;
      });
    },

    async renewLease(jobId, workerId, leaseMs) {
      const now = clock();
      return (await db.run(jobs.renewLease(jobId, workerId, now + leaseMs, now))) === 1;
    },

    async renewLeases(workerId, jobIds, leaseMs) {
      if (jobIds.length === 0) return [];
      const now = clock();
      // On the connection kept for renewals (PostgreSQL), so busy job lanes cannot delay it.
      const rows = await ctx.leaseDb.all(jobs.renewLeases(workerId, jobIds, now + leaseMs, now));
      return rows.map((r) => String(r.id));
    },

    async finishJob(jobId, workerId, input: FinishInput) {
      const now = clock();
      return ctx.jobTransaction(jobId, async (tx) => {
        const job = await assertLease(tx, jobId, workerId);
        const failure = input.state === 'retrying' || input.state === 'needs-attention';
        const countAttempt = input.countAttempt ?? failure;
        const terminal = TERMINAL.includes(input.state);
        const error = input.error === undefined ? (failure ? job.lastError : null) : input.error;
        await tx.run(
          jobs.finishJob({
            id: jobId,
            workerId,
            state: input.state,
            result: input.result === undefined ? null : redactJson(input.result),
            keepResult: input.result === undefined,
            error: error === null ? null : JSON.stringify(redactError(error)),
            nextAttemptAt: input.nextAttemptAt ?? now,
            attemptsDelta: countAttempt ? 1 : 0,
            finishedAt: terminal ? now : null,
            now,
          }),
        );
        if (terminal) await tx.run(parts.releaseParts(jobId));
        // A changed payload arrived during this run: start a fresh run with it (not after a cancel).
        if (job.updateRequested && input.state !== 'cancelled') {
          await tx.run(parts.releaseParts(jobId));
          await tx.run(jobs.resetRun(jobId, now));
        }
        if (input.state === 'done') await recordSuccess(tx, job.profile, now);
        return mustLoad(tx, jobId);
      });
    },

    async retryJob(jobId) {
      return operator(jobId, ['retrying', 'needs-attention'], (tx, now) => tx.run(jobs.operatorRetry(jobId, now)));
    },

    async replayJob(jobId) {
      return operator(jobId, ['done', 'needs-attention', 'cancelled'], async (tx, now) => {
        await tx.run(parts.releaseParts(jobId));
        return tx.run(jobs.resetRun(jobId, now));
      });
    },

    async cancelJob(jobId, reason) {
      const error: JobErrorRecord = { code: 'job.cancelled', kind: 'data', message: redactText(reason ?? 'cancelled by an operator') };
      return operator(jobId, ['pending', 'retrying', 'needs-attention'], async (tx, now) => {
        const changed = await tx.run(jobs.operatorCancel(jobId, JSON.stringify(error), now));
        if (changed === 1) await tx.run(parts.releaseParts(jobId));
        return changed;
      });
    },

    async flagJob(jobId, error) {
      const record: JobErrorRecord = { ...error, message: redactText(error.message), ...(error.where === undefined ? {} : { where: redactText(error.where) }) };
      return operator(jobId, ['done'], (tx, now) => tx.run(jobs.flagDone(jobId, JSON.stringify(record), now)));
    },

    async resolveStep(jobId, stepKey, status, result) {
      return operator(jobId, ['pending', 'retrying', 'needs-attention', 'cancelled', 'done'], async (tx, now) => {
        const changed = await tx.run(
          jobs.operatorSetStep(jobId, stepKey, status, result === undefined ? null : redactJson(result), now),
        );
        if (changed === 0) throw new ShopwireError(`job ${jobId} has no step ${stepKey}`, { code: 'store.step_not_found', kind: 'data' });
        return changed;
      });
    },

    getJob: (jobId) => loadJob(db, jobId),

    async findJob(flow: Flow, profile: string, key: string) {
      const row = await one(db, jobs.selectJobByKey(flow, profile, key));
      return row === undefined ? null : toJob(row);
    },

    async listJobs(query: JobQuery) {
      const filter = { state: query.state, profile: query.profile, flow: query.flow, text: query.text, createdFrom: query.createdFrom, createdBefore: query.createdBefore };
      const rows = await db.all(jobs.listJobs(filter, query.limit, query.offset));
      const total = Number((await one(db, jobs.countMatching(filter)))?.n ?? 0);
      return { jobs: rows.map(toJob), total };
    },

    async countJobs(): Promise<JobCount[]> {
      return (await db.all(jobs.countByState())).map((r) => ({
        flow: String(r.flow) as Flow,
        profile: String(r.profile),
        state: String(r.state) as StoredJobState,
        count: Number(r.n),
      }));
    },

    async countFinished(query) {
      const to = query.from + query.bucketMs * query.buckets;
      return (await db.all(jobs.countFinished(query.from, query.bucketMs, to))).map((r) => ({
        flow: String(r.flow) as Flow,
        profile: String(r.profile),
        state: String(r.state) as 'done' | 'needs-attention',
        bucket: Number(r.bucket),
        count: Number(r.n),
      }));
    },

    async oldestRunnableAt() {
      const row = await one(db, jobs.oldestRunnable(clock()));
      return row?.t === null || row?.t === undefined ? null : Number(row.t);
    },
  };
}

function mergeTriggers(existing: JobTrigger[], trigger: JobTrigger): JobTrigger[] {
  // One entry per action uuid; other triggers keep the last 20 so the row stays small.
  if (trigger.actionUuid !== undefined && existing.some((t) => t.actionUuid === trigger.actionUuid)) return existing;
  const withActions = existing.filter((t) => t.actionUuid !== undefined);
  const others = existing.filter((t) => t.actionUuid === undefined);
  const next = trigger.actionUuid === undefined ? [...others, trigger].slice(-20) : others;
  return [...withActions, ...(trigger.actionUuid === undefined ? [] : [trigger]), ...next].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
}

function redactError(error: JobErrorRecord): JobErrorRecord {
  return {
    code: error.code,
    kind: error.kind,
    message: redactText(error.message),
    ...(error.where === undefined ? {} : { where: redactText(error.where) }),
  };
}

function toJob(r: Row): JobRecord {
  const parts = json(r.parts);
  const triggers = json(r.triggers);
  return {
    id: String(r.id),
    flow: String(r.flow) as Flow,
    profile: String(r.profile),
    key: String(r.key),
    payload: json(r.payload),
    payloadHash: r.payload_hash === null ? null : String(r.payload_hash),
    triggers: Array.isArray(triggers) ? (triggers as JobTrigger[]) : [],
    state: String(r.state) as StoredJobState,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    leaseOwner: r.lease_owner === null ? null : String(r.lease_owner),
    leaseUntil: num(r.lease_until),
    lastError: json(r.last_error) as JobErrorRecord | null,
    result: json(r.result),
    plan: json(r.plan),
    parts: Array.isArray(parts) ? parts.map(String) : [],
    run: Number(r.run),
    executions: Number(r.executions ?? 0),
    updateRequested: Number(r.update_requested) === 1,
    correlationId: String(r.correlation_id),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: num(r.finished_at),
  };
}
