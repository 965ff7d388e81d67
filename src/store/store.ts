/**
 * The store: everything shopwire keeps between runs, behind one interface. The engine, the CLI and
 * the server see only this file; `store/sqlite/` and `store/postgres/` are the only modules that
 * import a database driver. See docs/store.md for the tables and docs/glossary.md for the words.
 *
 * Time: every timestamp is milliseconds since the epoch (a plain number), taken from the clock the
 * store was opened with, so tests can move time and both dialects compare the same integers.
 * JSON values (payload, plan, results) come back parsed but *unvalidated* (`unknown`): stored state
 * is input too, and its reader parses it (the engine with zod).
 */
import type { ErrorKind } from '../lib/errors.ts';
import type { TransferEnd, TransferRecorder, TransferStart } from '../lib/transfer.ts';

/** Job states; the engine owns their meaning (src/engine/job-state.ts documents each transition). */
export type StoredJobState = 'pending' | 'running' | 'done' | 'retrying' | 'needs-attention' | 'cancelled';
export type Flow = 'order-export' | 'design-import';

/** What made someone ask for the job. The same job collects every trigger that asked for it. */
export type JobTrigger = {
  kind: 'schedule' | 'integration-action' | 'cli' | 'webhook' | 'cablebuilder' | 'dashboard' | 'discovery';
  /** Paperless Parts integration action to report the job's outcome to. */
  actionUuid?: string;
  /** User or token that asked (CLI, dashboard). */
  actor?: string;
  /** Set by the store: when this trigger arrived. */
  at?: number;
};

/** The last failure of a job, already redacted by whoever recorded it. */
export type JobErrorRecord = {
  code: string;
  kind: ErrorKind;
  message: string;
  where?: string;
};

export type JobRecord = {
  id: string;
  flow: Flow;
  profile: string;
  /** Order number, or `design/alternative`: unique per (flow, profile). */
  key: string;
  payload: unknown;
  payloadHash: string | null;
  triggers: JobTrigger[];
  state: StoredJobState;
  /** Failed runs so far (a lost lease counts as one). Reset by retry and replay. */
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: JobErrorRecord | null;
  result: unknown;
  /** The plan as stored by `savePlan`, unvalidated. */
  plan: unknown;
  /** Upper-cased top-level part numbers of the plan; the job holds them while unfinished. */
  parts: string[];
  /** Run number: 1, plus one per replay or changed payload. Checkpoints belong to a run. */
  run: number;
  /** Times a worker has started the job, over all its runs (+1 per claim); its transfers are grouped by it. */
  executions: number;
  /** A changed payload arrived while the job was running: it runs again when this run ends. */
  updateRequested: boolean;
  correlationId: string;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
};

export type StepStatus = 'not-started' | 'sent' | 'done' | 'unknown';

/**
 * One step's checkpoint. `stepKey` names the step's effect (for a sales order import it is derived
 * from the external key, so a replayed job still finds the import an earlier run made).
 */
export type Checkpoint = {
  stepKey: string;
  stepIndex: number;
  run: number;
  status: StepStatus;
  result: unknown;
  updatedAt: number;
};

export type EnqueueInput = {
  flow: Flow;
  profile: string;
  key: string;
  payload?: unknown;
  payloadHash?: string;
  trigger: JobTrigger;
  /** Earliest start (default now). */
  runAt?: number;
};

export type EnqueueResult = {
  job: JobRecord;
  /** A new job row was made. */
  created: boolean;
  /** The payload differed from the stored one: the job was marked to run again with it. */
  changed: boolean;
};

export type FinishInput = {
  state: 'done' | 'retrying' | 'needs-attention' | 'pending' | 'cancelled';
  result?: unknown;
  error?: JobErrorRecord | null;
  /** For `retrying` and `pending`: when the job may run again (default now). */
  nextAttemptAt?: number;
  /** Count this run as a failed attempt (retrying, needs-attention). Default: true for those two. */
  countAttempt?: boolean;
};

export type JobQuery = {
  state?: StoredJobState;
  profile?: string;
  flow?: Flow;
  /** Substring of the key, a part number, the last error, the plan (customer, PO) or the result (Cetec numbers). */
  text?: string;
  /** Created at or after (epoch ms). */
  createdFrom?: number;
  /** Created before (epoch ms). */
  createdBefore?: number;
  limit: number;
  offset: number;
};

export type JobCount = { flow: Flow; profile: string; state: StoredJobState; count: number };

export type FinishedCount = { flow: Flow; profile: string; state: 'done' | 'needs-attention'; bucket: number; count: number };

export type OperatorResult = { ok: true; job: JobRecord } | { ok: false; code: 'not-found' | 'invalid-state'; reason: string };

export type TransferRecord = TransferStart & {
  id: string;
  jobId: string;
  /** The job's correlation id, the same as on its log lines. */
  correlationId: string;
  startedAt: number;
  endedAt: number | null;
  status: number | null;
  responseBody: unknown;
  durationMs: number | null;
  outcome: TransferEnd['outcome'] | 'pending';
  error: string | null;
  /** The job's run and start (`JobRecord.executions`) the call was made in; null on records older than migration 0006. */
  run: number | null;
  execution: number | null;
};

/**
 * Options of a job's recorder. `group` names the run and start the calls belong to (the worker
 * passes its claim's); without it each record takes the job's current ones.
 */
export type RecorderOptions = { deferEnds?: boolean; group?: { run: number; execution: number } };

export type ProfileState = {
  profile: string;
  /** Highest Paperless order number seen by discovery; null before the first pass. */
  cursor: number | null;
  paused: boolean;
  pausedReason: string | null;
  lastPollAt: number | null;
  lastHeartbeatAt: number | null;
  lastSuccessAt: number | null;
};

export type ProfilePatch = Partial<Omit<ProfileState, 'profile'>>;

export type InboxEvent = {
  uuid: string;
  type: string;
  /** The event's own creation time as sent (ISO). */
  created: string;
  body: unknown;
};

export type StoredEvent = InboxEvent & { profile: string; receivedAt: number; handledAt: number | null; outcome: string | null };

export type QuarantineCount = { profile: string; type: string; count: number };

/** An integration action attached to a job; `status` is the last status we reported to Paperless. */
export type ActionLink = {
  actionUuid: string;
  profile: string;
  jobId: string;
  status: string;
  message: string | null;
  updatedAt: number;
};

/** Who holds a once-only duty (`holdDuty`), since when and until when (epoch ms). */
export type DutyLease = { duty: string; owner: string; leaseUntil: number; acquiredAt: number };

/**
 * Slots of a limit held across every process sharing the store (a Cetec tenant's calls in flight).
 * `take` returns the release of a free slot of `scope` among `slots`, or null when all are taken.
 */
export type SharedSlots = {
  take(scope: string, slots: number): Promise<(() => Promise<void>) | null>;
};

/**
 * Token buckets held across every process sharing the store (a Cetec tenant's calls per second, a
 * Paperless Parts token's calls per minute). `take` refills `key`'s bucket (`perSecond`, holding at
 * most `capacity`, full when first used) and takes one token in one atomic statement: it returns
 * 0 when it took one, else the milliseconds until one is expected.
 */
export type SharedRates = {
  take(key: string, perSecond: number, capacity: number): Promise<number>;
};

/** The health of one outside system as one profile sees it. */
export type SystemHealth = {
  profile: string;
  /** `paperless`, `cetec` or `cablebuilder`. */
  system: string;
  /** Start of the current outage (first failure since the last success); null when healthy. */
  failingSince: number | null;
  /** Failures since the last success. */
  failures: number;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastErrorAt: number | null;
  lastOkAt: number | null;
  /** When shopwire tries the system again (the next poll, job retry or probe); null when healthy. */
  nextTryAt: number | null;
};

export type HealthOutcome = ({ ok: true } | { ok: false; code: string; message: string; nextTryAt: number | null }) & { at?: number };

/** One operator action: who, when, what. */
export type AuditEntry = {
  id: string;
  at: number;
  /** The dashboard user, `api-token`, or `cli:<os user>`. */
  actor: string;
  /** `retry`, `replay`, `cancel`, `resolve`, `resume`, `config-reload`, … */
  action: string;
  profile: string | null;
  jobId: string | null;
  detail: string | null;
};

export type AuditInput = { actor: string; action: string; profile?: string | null; jobId?: string | null; detail?: string | null; at?: number };

/** A dashboard session as stored (keyed by a hash of its id, never the id itself). */
export type StoredSession = { user: string; csrf: string; expiresAt: number };

export interface Store {
  /** Applies every migration not yet applied, each in its own transaction. Safe to call again. */
  migrate(): Promise<{ applied: string[] }>;

  enqueueJob(input: EnqueueInput): Promise<EnqueueResult>;
  /** Several jobs, each as `enqueueJob` would make it, in one transaction (all or none). */
  enqueueJobs(inputs: EnqueueInput[]): Promise<EnqueueResult[]>;
  /**
   * Leases the next runnable job: pending or retrying and due, or running with an expired lease (a
   * lost lease counts as a failed attempt). A job with stored parts is claimed only if it can hold
   * all of them; jobs of paused profiles are not claimed. Null when nothing is runnable.
   */
  claimJob(workerId: string, leaseMs: number, now?: number): Promise<JobRecord | null>;
  /** Extends the lease; false when the worker no longer holds it. */
  renewLease(jobId: string, workerId: string, leaseMs: number): Promise<boolean>;
  /**
   * Extends, in one statement, the leases `workerId` still holds among `jobIds`; returns those
   * ids (a job missing from it was lost: its run must stop). On PostgreSQL it runs on a
   * connection kept for renewals, never waiting for one of the pool's.
   */
  renewLeases(workerId: string, jobIds: string[], leaseMs: number): Promise<string[]>;
  /**
   * Stores the plan and its top-level parts once computed, and takes the part locks, in one
   * commit (lease holder only). False when another unfinished job holds one of the parts: the
   * plan is kept, no lock is taken, and claims skip the job until the parts are free.
   */
  savePlan(jobId: string, workerId: string, plan: unknown, parts: string[]): Promise<boolean>;
  /** Takes the part locks for a running job; false (nothing taken) when another unfinished job holds one. */
  lockParts(jobId: string, workerId: string, parts: string[]): Promise<boolean>;
  /**
   * Records a step's checkpoint (lease holder only). With `deferred`, it is written with the job's
   * next commit instead of one of its own, and is lost if the process dies first or the lease is
   * gone by then: only for checkpoints whose loss is harmless (an idempotent step's `done`; the
   * step is then simply sent again).
   */
  markStep(
    jobId: string,
    workerId: string,
    step: { key: string; index: number },
    status: StepStatus,
    result?: unknown,
    options?: { deferred?: boolean },
  ): Promise<void>;
  /** Checkpoints of the job's current run, plus every earlier run's (caller filters by `run`). */
  getCheckpoints(jobId: string): Promise<Checkpoint[]>;
  /** Ends a run. Only the lease holder may (fencing): otherwise throws LeaseLostError. */
  finishJob(jobId: string, workerId: string, input: FinishInput): Promise<JobRecord>;

  /** Operators: run a retrying or needs-attention job now, from its checkpoints. */
  retryJob(jobId: string): Promise<OperatorResult>;
  /** Operators: run a done, needs-attention or cancelled job again as a new run. */
  replayJob(jobId: string): Promise<OperatorResult>;
  /** Operators: stop a job that has not finished (pending, retrying, needs-attention). */
  cancelJob(jobId: string, reason?: string): Promise<OperatorResult>;

  /**
   * A done job whose source changed after it was done (an order cancelled or edited in Paperless
   * Parts after its export): needs-attention with `error` saying what changed and what to do. Its
   * result (the Cetec numbers) is kept; nothing is sent anywhere.
   */
  flagJob(jobId: string, error: JobErrorRecord): Promise<OperatorResult>;

  /**
   * Operators: record what a person established about one step of a job that is not running
   * (e.g. that a sales order import whose answer was lost did, or did not, create the order).
   */
  resolveStep(jobId: string, stepKey: string, status: StepStatus, result?: unknown): Promise<OperatorResult>;

  getJob(jobId: string): Promise<JobRecord | null>;
  findJob(flow: Flow, profile: string, key: string): Promise<JobRecord | null>;
  /** Newest first. */
  listJobs(query: JobQuery): Promise<{ jobs: JobRecord[]; total: number }>;
  countJobs(): Promise<JobCount[]>;
  /**
   * Jobs that ended done or needs-attention in `buckets` windows of `bucketMs` from `from`
   * (epoch ms), by profile and flow; `bucket` is the window's index. Empty windows are left out.
   */
  countFinished(query: { from: number; bucketMs: number; buckets: number }): Promise<FinishedCount[]>;
  /** Creation time of the oldest job that could run now, or null. */
  oldestRunnableAt(): Promise<number | null>;

  /**
   * A recorder whose `start` is durable before it returns. With `deferEnds`, an answer (`end`) is
   * written with the job's next commit (its step checkpoint, as a rule), saving a commit per
   * call; a crash before that commit loses the answer's record together with the checkpoint, so
   * the record never claims more than the checkpoints do. `flushJobWrites` writes what waits.
   */
  recorderFor(jobId: string, options?: RecorderOptions): TransferRecorder;
  /** Commits the job's writes still waiting for its next commit (deferred answers and checkpoints). */
  flushJobWrites(jobId: string): Promise<void>;
  listTransfers(jobId: string): Promise<TransferRecord[]>;

  getProfile(profile: string): Promise<ProfileState>;
  listProfiles(): Promise<ProfileState[]>;
  /**
   * Read, patch and write in one transaction (the row locked). The cursor never moves backwards:
   * a patch with a lower cursor (a slow pass of another process) keeps the stored one.
   */
  updateProfile(profile: string, patch: ProfilePatch): Promise<ProfileState>;
  /** What a self-test established about the profile's tenant in `system` (JSON, unvalidated), or null. */
  getTenantFacts(profile: string, system: string): Promise<{ facts: unknown; checkedAt: number } | null>;
  /** Replaces those facts (redacted). */
  saveTenantFacts(profile: string, system: string, facts: unknown): Promise<void>;

  /** The notifier's state of a profile (JSON, unvalidated) and its version, or null before its first write. */
  getNotifyState(profile: string): Promise<{ state: unknown; version: number } | null>;
  /**
   * Writes it if it is still `expectedVersion` (null: no state yet); false when another process
   * wrote first (then nothing is written: read again). Of several writers of one version, one wins.
   */
  saveNotifyState(profile: string, state: unknown, expectedVersion: number | null): Promise<boolean>;

  /**
   * Takes a once-only duty (`discovery:<profile>`) for `owner` until now + `leaseMs`, or renews it
   * when `owner` already holds it. True when `owner` holds it now; false while another owner's
   * lease runs. With several processes on one store, one holds a duty at a time; a holder that
   * dies loses it when its lease runs out. `replacing` names a holder known to be dead (a process
   * of this machine that is gone), whose lease is taken over at once.
   */
  holdDuty(duty: string, owner: string, leaseMs: number, options?: { replacing?: string }): Promise<boolean>;
  /**
   * Renews every duty `owner` holds, in one statement (a holder keeps its duties between ticks, so
   * that only it evaluates them); returns how many it holds.
   */
  renewDuties(owner: string, leaseMs: number): Promise<number>;
  /** Gives up a duty held by `owner` (a clean stop), so another process may take it at once. */
  releaseDuty(duty: string, owner: string): Promise<void>;
  listDuties(): Promise<DutyLease[]>;

  /** Inserts events not yet stored (by uuid); returns how many were new. */
  saveEvents(profile: string, events: InboxEvent[]): Promise<number>;
  /** Stored events not yet handled, oldest (by `created`) first. */
  unhandledEvents(profile: string, types?: string[]): Promise<StoredEvent[]>;
  markEventHandled(profile: string, uuid: string, outcome?: string): Promise<void>;
  /**
   * Events discovery could not read or act on and set aside (handled with an outcome starting
   * `quarantined`), newest first. They are never fetched again; the outcome says why.
   */
  quarantinedEvents(filter: { profile?: string; limit: number }): Promise<StoredEvent[]>;
  /** How many events are quarantined, by profile and event type. */
  countQuarantined(): Promise<QuarantineCount[]>;

  /** Attaches an integration action to a job (idempotent on the action uuid). */
  attachAction(input: { actionUuid: string; profile: string; jobId: string; status: string; message?: string | null }): Promise<ActionLink>;
  setActionStatus(actionUuid: string, status: string, message?: string | null): Promise<void>;
  listActions(filter: { profile?: string; jobId?: string; statuses?: string[] }): Promise<ActionLink[]>;

  /**
   * PostgreSQL: slots shared by every process on the database (session advisory locks on a
   * connection of their own; the server frees them when a process dies). SQLite: null — one
   * process, whose own limits are the only ones (docs/scaling.md).
   */
  readonly sharedSlots: SharedSlots | null;
  /**
   * PostgreSQL: rate buckets shared by every process on the database (table `rate_buckets`).
   * SQLite: null — each process keeps its own bucket (docs/scaling.md).
   */
  readonly sharedRates: SharedRates | null;
  /** Records one outcome of talking to an outside system; returns the health before and after. */
  recordHealth(profile: string, system: string, outcome: HealthOutcome): Promise<{ before: SystemHealth | null; after: SystemHealth }>;
  listHealth(): Promise<SystemHealth[]>;

  /** Appends to the audit log (detail redacted). */
  addAudit(entry: AuditInput): Promise<void>;
  /** Newest first: of one job, of one profile, or all; `before` pages back. */
  listAudit(query?: { jobId?: string; profile?: string; before?: number; limit?: number }): Promise<AuditEntry[]>;

  saveSession(idHash: string, session: StoredSession): Promise<void>;
  /** The session if it exists and has not expired. */
  getSession(idHash: string): Promise<StoredSession | null>;
  deleteSession(idHash: string): Promise<void>;
  /** Deletes expired sessions; returns how many. */
  purgeSessions(): Promise<number>;

  /**
   * Retention: deletes the transfer records of jobs that ended (done, cancelled) before `before`,
   * clears their plans (and order exports' payloads), deletes inbox events handled before it, and
   * audit entries before `auditBefore`. Job rows and checkpoints stay (they prevent a second export).
   */
  prune(options: { before: number; auditBefore?: number }): Promise<{ transfers: number; plans: number; events: number; audit: number }>;

  close(): Promise<void>;
}
