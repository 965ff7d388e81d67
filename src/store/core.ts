/**
 * The store's behaviour, written once over a `SqlDb` (store/sql/statement.ts). Each dialect
 * folder supplies a driver, its claim statement and its migrations; everything else (dedupe,
 * fencing, part locks, row mapping) is here so that both behave the same, which the contract
 * suite in test/store checks.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShopwireError } from '../lib/errors.ts';
import { redactJson, redactText } from '../lib/redact.ts';
import { RedactedJson } from '../lib/transfer.ts';
import type { TransferEnd, TransferRecorder, TransferStart } from '../lib/transfer.ts';
import { eventStatements } from './sql/events.ts';
import { jobStatements } from './sql/jobs.ts';
import { migrationStatements } from './sql/migrations.ts';
import { partStatements } from './sql/parts.ts';
import { profileStatements } from './sql/profiles.ts';
import type { Dialect, Row, SqlDb, Statement } from './sql/statement.ts';
import { transferStatements } from './sql/transfers.ts';
import type {
  ActionLink,
  Checkpoint,
  EnqueueInput,
  EnqueueResult,
  FinishInput,
  Flow,
  InboxEvent,
  JobCount,
  JobErrorRecord,
  JobQuery,
  JobRecord,
  JobTrigger,
  OperatorResult,
  ProfilePatch,
  ProfileState,
  StepStatus,
  Store,
  StoredEvent,
  StoredJobState,
  TransferRecord,
} from './store.ts';

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

export type StoreCoreOptions = {
  db: SqlDb;
  dialect: Dialect;
  claimCandidates: (now: number, limit: number) => Statement;
  lockCandidate: (id: string, now: number) => Statement;
  migrationsDir: string;
  /** Runs before a migration pass inside its transaction (PostgreSQL: an advisory lock). */
  migrationLock?: Statement;
  clock: () => number;
  /** How many runnable jobs one claim looks at before giving up (part locks may skip some). */
  claimWindow?: number;
};

/** What a lease holder's write needs to know of its job. */
type LeasedJob = Pick<JobRecord, 'profile' | 'run' | 'updateRequested' | 'lastError'>;

const TERMINAL: readonly StoredJobState[] = ['done', 'needs-attention', 'cancelled'];

export function createStoreCore(options: StoreCoreOptions): Store {
  const { db, dialect, clock } = options;
  const jobs = jobStatements(dialect);
  const parts = partStatements(dialect);
  const transfers = transferStatements(dialect);
  const profiles = profileStatements(dialect);
  const events = eventStatements(dialect);
  const migrations = migrationStatements(dialect);
  // Wide enough that jobs waiting for a held part cannot hide runnable ones behind them.
  const claimWindow = options.claimWindow ?? 100;

  const one = async (runner: SqlDb, s: Statement): Promise<Row | undefined> => (await runner.all(s))[0];

  const loadJob = async (runner: SqlDb, id: string): Promise<JobRecord | null> => {
    const row = await one(runner, jobs.selectJobById(id));
    return row === undefined ? null : toJob(row);
  };

  const mustLoad = async (runner: SqlDb, id: string): Promise<JobRecord> => {
    const job = await loadJob(runner, id);
    if (job === null) throw new ShopwireError(`job ${id} not found`, { code: 'store.job_not_found', kind: 'internal' });
    return job;
  };

  /** Takes every part for `job` or none; the caller's transaction makes it all-or-nothing. */
  const takeParts = async (tx: SqlDb, jobId: string, profile: string, wanted: string[]): Promise<boolean> => {
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

  /** Checks (and, on PostgreSQL, locks) the lease; reads only the columns the writers need, not the payload or plan. */
  const assertLease = async (tx: SqlDb, jobId: string, workerId: string): Promise<LeasedJob> => {
    const row = await one(tx, jobs.selectLeasedJob(jobId, workerId));
    if (row === undefined) throw new LeaseLostError(jobId, workerId);
    return {
      profile: String(row.profile),
      run: Number(row.run),
      updateRequested: Number(row.update_requested) === 1,
      lastError: json(row.last_error) as JobErrorRecord | null,
    };
  };

  const ensureProfile = async (runner: SqlDb, profile: string): Promise<void> => {
    await runner.run(profiles.ensureProfile(profile));
  };

  // Writes of a job that wait for its next commit: answers recorded by a `deferEnds` recorder, and
  // deferred checkpoints (`markStep` with `deferred`). Each is a function of the transaction, so a
  // deferred checkpoint checks the lease when it is written.
  type PendingWrite = (tx: SqlDb) => Promise<void>;
  const pending = new Map<string, PendingWrite[]>();
  const defer = (jobId: string, write: PendingWrite): void => {
    const writes = pending.get(jobId);
    if (writes === undefined) pending.set(jobId, [write]);
    else writes.push(write);
  };
  const writeAll = async (tx: SqlDb, writes: PendingWrite[]): Promise<void> => {
    for (const write of writes) await write(tx);
  };
  /** Removes and returns the job's pending writes. */
  const takePending = (jobId: string): PendingWrite[] | undefined => {
    const writes = pending.get(jobId);
    pending.delete(jobId);
    return writes;
  };
  const commitAlone = (writes: PendingWrite[]): Promise<void> => db.transaction((tx) => writeAll(tx, writes));
  /**
   * A transaction of one job that first makes the job's pending writes, so they commit together
   * with what the job does next. Should the transaction fail (a lost lease, say), the pending
   * writes are committed on their own: they describe calls that did happen.
   */
  const jobTransaction = async <T>(jobId: string, fn: (tx: SqlDb) => Promise<T>): Promise<T> => {
    const writes = takePending(jobId);
    if (writes === undefined) return db.transaction(fn);
    try {
      return await db.transaction(async (tx) => {
        await writeAll(tx, writes);
        return fn(tx);
      });
    } catch (error) {
      await commitAlone(writes).catch(() => undefined);
      throw error;
    }
  };

  const store: Store = {
    async migrate() {
      const files = (await readdir(options.migrationsDir)).filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f)).sort();
      const applied: string[] = [];
      for (const file of files) {
        const version = Number(file.slice(0, 4));
        const script = await readFile(join(options.migrationsDir, file), 'utf8');
        // Each migration in its own transaction; the check inside it makes a concurrent
        // migrate() by another process a no-op instead of a failure.
        const did = await db.transaction(async (tx) => {
          if (options.migrationLock !== undefined) await tx.all(options.migrationLock);
          await tx.run(migrations.createMigrationsTable());
          const done = await tx.all(migrations.selectApplied());
          if (done.some((r) => Number(r.version) === version)) return false;
          await tx.exec(script);
          await tx.run(migrations.insertApplied(version, file, clock()));
          return true;
        });
        if (did) applied.push(file);
      }
      return { applied };
    },

    async enqueueJob(input: EnqueueInput): Promise<EnqueueResult> {
      const now = clock();
      const trigger: JobTrigger = { ...input.trigger, at: now };
      const payload = input.payload === undefined ? null : JSON.stringify(input.payload);
      const hash = input.payloadHash ?? null;
      return db.transaction(async (tx) => {
        await ensureProfile(tx, input.profile);
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
          return mustLoad(tx, id);
        }
        return null;
      });
    },

    async renewLease(jobId, workerId, leaseMs) {
      const now = clock();
      return (await db.run(jobs.renewLease(jobId, workerId, now + leaseMs, now))) === 1;
    },

    async savePlan(jobId, workerId, plan, planParts) {
      const now = clock();
      // Plan, parts and their locks in one commit (one fsync fewer per job than two calls).
      return jobTransaction(jobId, async (tx) => {
        const job = await assertLease(tx, jobId, workerId);
        const normalised = [...new Set(planParts.map((p) => p.toUpperCase()))].sort();
        await tx.run(jobs.savePlan(jobId, workerId, JSON.stringify(plan), JSON.stringify(normalised), now));
        return normalised.length === 0 || takeParts(tx, jobId, job.profile, normalised);
      });
    },

    async lockParts(jobId, workerId, wanted) {
      return jobTransaction(jobId, async (tx) => {
        const job = await assertLease(tx, jobId, workerId);
        return takeParts(tx, jobId, job.profile, wanted.map((p) => p.toUpperCase()));
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
        await jobTransaction(jobId, write);
        return;
      }
      // Written with the job's next commit. Lost in a crash before it, or skipped if the lease is
      // lost by then: the caller defers only checkpoints whose loss is harmless.
      defer(jobId, (tx) =>
        write(tx).catch((error: unknown) => {
          if (!(error instanceof LeaseLostError)) throw error;
        }),
      );
    },

    async getCheckpoints(jobId) {
      return (await db.all(jobs.selectSteps(jobId))).map(toCheckpoint);
    },

    async finishJob(jobId, workerId, input: FinishInput) {
      const now = clock();
      return jobTransaction(jobId, async (tx) => {
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
        if (input.state === 'done') {
          await ensureProfile(tx, job.profile);
          const row = await one(tx, profiles.selectProfileForUpdate(job.profile));
          const p = toProfile(row!);
          await tx.run(profiles.writeProfile({ ...profileRow(p), lastSuccessAt: now }));
        }
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
      const filter = { state: query.state, profile: query.profile, flow: query.flow, text: query.text };
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

    recorderFor(jobId: string, recorderOptions: { deferEnds?: boolean } = {}): TransferRecorder {
      return {
        async start(t: TransferStart) {
          const insert = transfers.insertTransfer({
            jobId,
            step: t.step ?? null,
            system: t.system,
            endpoint: t.endpoint,
            method: t.method,
            url: redactText(t.url),
            attempt: t.attempt,
            requestBody: t.requestBody === undefined ? null : recordedJson(t.requestBody),
            now: clock(),
          });
          // With the job's pending writes in one commit; alone (no transaction) when there are none.
          const row = pending.has(jobId) ? await jobTransaction(jobId, (tx) => one(tx, insert)) : await one(db, insert);
          return String(row!.id);
        },
        async end(id: string, e: TransferEnd) {
          if (id === '') return;
          const end = transfers.endTransfer({
            id,
            status: e.status,
            responseBody: e.responseBody === undefined ? null : recordedJson(e.responseBody),
            durationMs: Math.round(e.durationMs),
            outcome: e.outcome,
            error: e.error === undefined ? null : redactText(e.error),
            now: clock(),
          });
          if (!recorderOptions.deferEnds) {
            await db.run(end);
            return;
          }
          defer(jobId, async (tx) => {
            await tx.run(end);
          });
        },
      };
    },

    async flushJobWrites(jobId) {
      const writes = takePending(jobId);
      if (writes !== undefined) await commitAlone(writes);
    },

    async listTransfers(jobId): Promise<TransferRecord[]> {
      return (await db.all(transfers.selectTransfers(jobId))).map(toTransfer);
    },

    async getProfile(profile) {
      await ensureProfile(db, profile);
      return toProfile((await one(db, profiles.selectProfile(profile)))!);
    },

    async listProfiles() {
      return (await db.all(profiles.selectProfiles())).map(toProfile);
    },

    async updateProfile(profile, patch: ProfilePatch) {
      return db.transaction(async (tx) => {
        await ensureProfile(tx, profile);
        const current = toProfile((await one(tx, profiles.selectProfileForUpdate(profile)))!);
        const next: ProfileState = { ...current, ...patch, profile };
        if (patch.pausedReason !== undefined) next.pausedReason = patch.pausedReason === null ? null : redactText(patch.pausedReason);
        if (patch.paused === false && patch.pausedReason === undefined) next.pausedReason = null;
        await tx.run(profiles.writeProfile(profileRow(next)));
        return next;
      });
    },

    async saveEvents(profile, list: InboxEvent[]) {
      if (list.length === 0) return 0;
      const now = clock();
      return db.transaction(async (tx) => {
        let added = 0;
        for (const e of list) {
          added += await tx.run(
            events.insertEvent({ profile, uuid: e.uuid, type: e.type, created: e.created, body: redactJson(e.body), now }),
          );
        }
        return added;
      });
    },

    async unhandledEvents(profile, types) {
      return (await db.all(events.selectUnhandled(profile, types))).map(toEvent);
    },

    async markEventHandled(profile, uuid, outcome) {
      await db.run(events.markHandled(profile, uuid, outcome ?? null, clock()));
    },

    async quarantinedEvents(filter) {
      return (await db.all(events.selectQuarantined(filter.profile, filter.limit))).map(toEvent);
    },

    async countQuarantined() {
      return (await db.all(events.countQuarantined())).map((r) => ({ profile: String(r.profile), type: String(r.type), count: Number(r.n) }));
    },

    async attachAction(input) {
      const now = clock();
      return db.transaction(async (tx) => {
        await tx.run(
          events.insertAction({
            actionUuid: input.actionUuid,
            profile: input.profile,
            jobId: input.jobId,
            status: input.status,
            message: input.message ?? null,
            now,
          }),
        );
        return toAction((await one(tx, events.selectAction(input.actionUuid)))!);
      });
    },

    async setActionStatus(actionUuid, status, message) {
      await db.run(events.updateAction(actionUuid, status, message === undefined || message === null ? null : redactText(message), clock()));
    },

    async listActions(filter) {
      return (await db.all(events.selectActions(filter))).map(toAction);
    },

    close: () => db.close(),
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

  return store;
}

function mergeTriggers(existing: JobTrigger[], trigger: JobTrigger): JobTrigger[] {
  // One entry per action uuid; other triggers keep the last 20 so the row stays small.
  if (trigger.actionUuid !== undefined && existing.some((t) => t.actionUuid === trigger.actionUuid)) return existing;
  const withActions = existing.filter((t) => t.actionUuid !== undefined);
  const others = existing.filter((t) => t.actionUuid === undefined);
  const next = trigger.actionUuid === undefined ? [...others, trigger].slice(-20) : others;
  return [...withActions, ...(trigger.actionUuid === undefined ? [] : [trigger]), ...next].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
}

/** A recorded body as stored: a client's already redacted text gets a second scan only (no copy, no new serialisation). */
function recordedJson(body: unknown): string {
  return body instanceof RedactedJson ? redactText(body.text) : redactJson(body);
}

function redactError(error: JobErrorRecord): JobErrorRecord {
  return {
    code: error.code,
    kind: error.kind,
    message: redactText(error.message),
    ...(error.where === undefined ? {} : { where: redactText(error.where) }),
  };
}

/** JSON columns come back as text from both drivers (the postgres adapter turns jsonb parsing off). */
function json(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

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
    updateRequested: Number(r.update_requested) === 1,
    correlationId: String(r.correlation_id),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: num(r.finished_at),
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

function toTransfer(r: Row): TransferRecord {
  return {
    id: String(r.id),
    jobId: String(r.job_id),
    correlationId: String(r.correlation_id),
    ...(r.step === null ? {} : { step: Number(r.step) }),
    system: String(r.system) as TransferRecord['system'],
    endpoint: String(r.endpoint),
    method: String(r.method),
    url: String(r.url),
    attempt: Number(r.attempt),
    requestBody: json(r.request_body),
    startedAt: Number(r.started_at),
    endedAt: num(r.ended_at),
    status: num(r.status),
    responseBody: json(r.response_body),
    durationMs: num(r.duration_ms),
    outcome: String(r.outcome) as TransferRecord['outcome'],
    error: r.error === null ? null : String(r.error),
  };
}

function toProfile(r: Row): ProfileState {
  return {
    profile: String(r.profile),
    cursor: num(r.cursor),
    paused: Number(r.paused) === 1,
    pausedReason: r.paused_reason === null || r.paused_reason === undefined ? null : String(r.paused_reason),
    lastPollAt: num(r.last_poll_at),
    lastHeartbeatAt: num(r.last_heartbeat_at),
    lastSuccessAt: num(r.last_success_at),
  };
}

function profileRow(p: ProfileState) {
  return {
    profile: p.profile,
    cursor: p.cursor,
    paused: p.paused ? 1 : 0,
    pausedReason: p.pausedReason,
    lastPollAt: p.lastPollAt,
    lastHeartbeatAt: p.lastHeartbeatAt,
    lastSuccessAt: p.lastSuccessAt,
  };
}

function toEvent(r: Row): StoredEvent {
  return {
    profile: String(r.profile),
    uuid: String(r.uuid),
    type: String(r.type),
    created: String(r.created),
    body: json(r.body),
    receivedAt: Number(r.received_at),
    handledAt: num(r.handled_at),
    outcome: r.outcome === null ? null : String(r.outcome),
  };
}

function toAction(r: Row): ActionLink {
  return {
    actionUuid: String(r.action_uuid),
    profile: String(r.profile),
    jobId: String(r.job_id),
    status: String(r.status),
    message: r.message === null ? null : String(r.message),
    updatedAt: Number(r.updated_at),
  };
}
