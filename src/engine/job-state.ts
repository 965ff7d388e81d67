/**
 * Job states and their transitions. A job is one unit of work (one Paperless Parts order into
 * Cetec, one CableBuilder design into Cetec); the store keeps one row per job and the engine moves
 * it through these states:
 *
 * - `pending`: waiting to run (new, asked again by an operator, put back after its profile was
 *   paused, or waiting for a top-level part another job holds). → `running` when a worker claims it.
 * - `running`: a worker holds its lease and executes its plan. A lease that expires (the worker
 *   died) makes it claimable again; the next claim counts the lost run as a failed attempt.
 *   → `done` | `retrying` | `needs-attention` | `pending` (profile paused: auth or config error;
 *   part held by another job) | `cancelled`.
 * - `retrying`: a failure that may pass (the other system was down, an answer was lost); runs
 *   again at `next_attempt_at` (exponential backoff with jitter) until the attempt limit, then
 *   `needs-attention`. It keeps its checkpoints and its part locks.
 * - `done`: every step succeeded, or the sales order was proven to exist. Terminal.
 * - `needs-attention`: a person must act: the source data or a mapping is wrong (the message
 *   names order, item, component and field), the attempts ran out, or an import's outcome cannot
 *   be established safely. Terminal until an operator retries (from the checkpoints) or replays
 *   (a new run).
 * - `cancelled`: an operator (or Paperless, by turning the integration off for an action) stopped
 *   it. Terminal until replayed.
 *
 * Terminal states release the job's part locks; `retry` and `replay` are the only ways out of them.
 */
export const JOB_STATES = {
  pending: 'pending',
  running: 'running',
  done: 'done',
  retrying: 'retrying',
  needsAttention: 'needs-attention',
  cancelled: 'cancelled',
} as const;
export type JobState = (typeof JOB_STATES)[keyof typeof JOB_STATES];

export const TERMINAL_STATES: readonly JobState[] = [JOB_STATES.done, JOB_STATES.needsAttention, JOB_STATES.cancelled];

export const FLOWS = { orderExport: 'order-export', designImport: 'design-import' } as const;
export type Flow = (typeof FLOWS)[keyof typeof FLOWS];
