/**
 * The one interface the HTTP server asks of the rest of shopwire. The dashboard pages, the JSON
 * API, /readyz and /metrics read and act only through a `DashboardPort`; the composition root
 * implements it over the real store and engine, tests over an in-memory set of jobs. Keeping the
 * server behind this port means it never imports the store, the engine or a system client.
 *
 * Vocabulary (mirrors the store):
 * - a *job* is one unit of work of a *flow* (`order-export`: one Paperless Parts order into Cetec;
 *   `design-import`: one CableBuilder design into Cetec) for one *profile*, identified by `key`
 *   (the order number, the design code).
 * - its *state*: `pending` (waiting to run) → `running` → `done`; a failure that may pass becomes
 *   `retrying` (runs again at `nextAttemptAt`); one a person must fix becomes `needs-attention`;
 *   a person may `cancel` a job that has not finished.
 * - each outbound call a job made is a *transfer*, recorded before it was sent and after it
 *   answered, with its bodies already redacted (the server redacts them again before showing).
 */
import type { ErrorKind } from '../lib/errors.ts';
import type { TransferSystem } from '../lib/transfer.ts';
import type { Plan, PlanWarning } from '../translate/plan.ts';

export const JOB_STATES = ['pending', 'running', 'done', 'retrying', 'needs-attention', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const FLOWS = ['order-export', 'design-import'] as const;
export type Flow = (typeof FLOWS)[number];

export const FLOW_LABELS: Record<Flow, string> = {
  'order-export': 'Order export',
  'design-import': 'Design import',
};

/** The last failure of a job, as the engine recorded it (already redacted). */
export type JobError = {
  code: string;
  kind: ErrorKind;
  message: string;
  /** Where in the source the problem is, e.g. `order 179 › item 0 › component 114390`. */
  where?: string;
};

export type JobSummary = {
  id: string;
  flow: Flow;
  profile: string;
  /** Order number or design code. */
  key: string;
  state: JobState;
  attempts: number;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
  lastError: JobError | null;
};

export type TransferView = {
  id: string;
  /** The job's correlation id, as on its log lines. */
  correlationId?: string;
  /** Plan step index, when the call executed a plan step. */
  step?: number;
  system: TransferSystem;
  endpoint: string;
  method: string;
  url: string;
  attempt: number;
  requestBody: unknown;
  responseBody: unknown;
  /** HTTP status, or null when no answer arrived (or none yet). */
  status: number | null;
  durationMs: number | null;
  /** `pending` while the call has been started and not yet answered. */
  outcome: 'ok' | 'failed' | 'unknown' | 'pending';
  error?: string;
  startedAt: string;
  /** The job's run (1, +1 per replay) and start (+1 each time a worker takes the job up) the call was made in; absent on old records. */
  run?: number;
  execution?: number;
};

export type JobDetail = JobSummary & {
  /** Carried on every log line and transfer record of the job. */
  correlationId?: string;
  /** The source document as fetched or received (Paperless order, CableBuilder design), if kept. */
  source: unknown;
  plan: Plan | null;
  warnings: PlanWarning[];
  /** What the job produced, e.g. `{ quotes: [123], orders: [456] }`. */
  result: unknown;
  /** Steps completed so far, as the engine checkpointed them. */
  checkpoints: unknown[];
  /** In the order they were started. */
  transfers: TransferView[];
  /**
   * What outside systems were last told about this job: a CableBuilder design's outcome (what the
   * Send Design answer or a later Update Design said, or why a report is still owed), a Paperless
   * Parts integration action's status.
   */
  reports?: ReportView[];
};

export type ReportView = { system: 'cablebuilder' | 'paperless'; status: string; message: string | null; updatedAt: string };

export type JobQuery = {
  state?: JobState;
  profile?: string;
  flow?: Flow;
  /** Matches the key (order number, design code), part numbers, the error text, the customer and the Cetec quote and sales-order numbers. */
  text?: string;
  /** Created on or after this day (YYYY-MM-DD, UTC). */
  from?: string;
  /** Created on or before this day (YYYY-MM-DD, UTC). */
  to?: string;
  limit: number;
  offset: number;
};

/** One outside system as one profile sees it: healthy, or failing since when, with what, next try when. */
export type SystemStatus = {
  system: string;
  /** Null when the system answers. */
  failingSince: string | null;
  failures: number;
  lastError: { code: string; message: string; at: string } | null;
  lastOkAt: string | null;
  nextTryAt: string | null;
};

/** One operator action: who, when, what. */
export type AuditView = { at: string; actor: string; action: string; profile: string | null; jobId: string | null; detail: string | null };

export type ProfileStatus = {
  profile: string;
  paused: boolean;
  pausedReason?: string | null;
  /** The outside systems this profile has talked to (absent: nothing recorded yet). */
  systems?: SystemStatus[];
  lastPollAt: string | null;
  lastHeartbeatAt: string | null;
  lastSuccessAt: string | null;
};

export type StateCount = { profile: string; flow: Flow; state: JobState; count: number };

/** Jobs that finished in one time bucket (done = exported; failed = ended in needs-attention). */
export type HistoryBucket = { profile: string; flow: Flow; start: string; done: number; failed: number };

export type HistoryQuery = {
  /** ISO start of the first bucket. */
  from: string;
  bucketMs: number;
  buckets: number;
};

/** A value seen in recent source data that no mapping table maps. */
export type UnmappedValue = {
  kind: 'operation' | 'resource' | 'shipping-method' | 'payment-terms' | 'material' | 'other';
  value: string;
  /** How many recent jobs carried it. */
  count: number;
  /** A few job ids to look at. */
  jobIds: string[];
};

/**
 * A Paperless Parts event (or the action or order it names) that discovery could not read or act
 * on and set aside, so that it stops nothing else (src/engine/discovery.ts). Never fetched again.
 */
export type QuarantinedItem = {
  profile: string;
  /** The event's id in the inbox (a polled uuid, or `webhook:…` / `unreadable:…`). */
  eventId: string;
  /** The event type as sent (`(unreadable)` when there was none). */
  type: string;
  /** Stable code, e.g. `action-without-order`, `action-not-found`, `event-type-unknown`. */
  reason: string;
  message: string;
  /** When it was quarantined. */
  at: string | null;
};

export type QuarantineCountRow = { profile: string; type: string; count: number };

export type ActionName = 'retry' | 'replay' | 'cancel';

export type ActionResult =
  | { ok: true; job: JobSummary }
  | { ok: false; code: 'not-found' | 'invalid-state'; reason: string };

export type StoreHealth = { ok: true } | { ok: false; reason: string };

/** What a config reload did (src/config/reload.ts): translation applied at once, the rest needs a restart. */
export type ReloadOutcome =
  | { ok: true; file: string; applied: string[]; needsRestart: string[] }
  | { ok: false; file: string | null; problems: string[] };

export interface DashboardPort {
  /** Newest first. `total` counts all matches, ignoring limit and offset. */
  listJobs(query: JobQuery): Promise<{ jobs: JobSummary[]; total: number }>;
  getJob(id: string): Promise<JobDetail | null>;
  /** Jobs by profile, flow and state (pairs with no jobs may be left out). */
  countJobs(): Promise<StateCount[]>;
  /** The oldest job in `needs-attention` per profile and flow. */
  oldestNeedsAttention(): Promise<JobSummary[]>;
  /** Creation time of the oldest job that could run now (pending, or retrying and due), or null. */
  oldestRunnableAt(): Promise<string | null>;
  profiles(): Promise<ProfileStatus[]>;
  history(query: HistoryQuery): Promise<HistoryBucket[]>;
  /** Values seen in recent source data of a profile that no mapping table maps. */
  unmappedValues(profile: string): Promise<UnmappedValue[]>;
  /**
   * What `shopwire cetec selftest` established about the profile's Cetec tenant, one line each
   * (order lookup; reused external key), with when; the hub relies on nothing else.
   */
  cetecTenant?(profile: string): Promise<string[]>;
  /** Reads the config file again, validated first (the old one is kept when it has problems). Absent where the hub cannot reload. */
  reloadConfig?(actor: string): Promise<ReloadOutcome>;
  /** Retries every needs-attention job of the profile that stopped on a missing mapping; returns their ids. */
  retryMappingJobs?(profile: string, actor: string): Promise<{ retried: string[] }>;
  /** Events discovery set aside, newest first. */
  quarantined(limit: number): Promise<QuarantinedItem[]>;
  /** How many events are set aside, by profile and event type (for `/metrics`). */
  countQuarantined(): Promise<QuarantineCountRow[]>;
  /**
   * - retry: run a `retrying` or `needs-attention` job now, from its last checkpoint.
   * - replay: run a `done`, `needs-attention` or `cancelled` job again from the start.
   * - cancel: stop a job that has not finished (`pending`, `retrying`, `needs-attention`).
   * `actor` is the user or token that asked, for the job's history.
   */
  act(action: ActionName, jobId: string, actor: string): Promise<ActionResult>;
  /** Store reachable (for /readyz). */
  health(): Promise<StoreHealth>;
  /** The audit log, newest first: of one job, or all (`before`: ISO time to page back from). */
  audit(query: { jobId?: string; before?: string; limit?: number }): Promise<AuditView[]>;
  /** Resumes a paused profile now (recorded in the audit log with `actor`). */
  resume(profile: string, actor: string): Promise<{ ok: true; wasPausedFor: string | null } | { ok: false; code: 'not-found' | 'invalid-state'; reason: string }>;
}
