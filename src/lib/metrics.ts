/**
 * Prometheus metrics (prom-client), one registry per process. Series:
 *
 * | name | type | labels | source |
 * |---|---|---|---|
 * | shopwire_jobs | gauge | profile, flow, state | the store, read at scrape (`collectJobsFrom`) |
 * | shopwire_queue_age_seconds | gauge | | age of the oldest runnable job, read at scrape |
 * | shopwire_quarantined_events | gauge | profile, type | Paperless events discovery set aside, read at scrape |
 * | shopwire_jobs_finished_total | counter | profile, flow, outcome (done, failed) | `jobFinished` (engine) |
 * | shopwire_outbound_request_duration_seconds | histogram | system, endpoint, outcome | `metricsRecorder` |
 * | shopwire_outbound_retries_total | counter | system, endpoint | `metricsRecorder` (attempt > 1) |
 * | shopwire_circuit_breaker_state | gauge | system, target | 0 closed, 1 half-open, 2 open; `watchBreaker` |
 * | shopwire_profile_paused | gauge | profile, reason | 1 while the profile is paused; read at scrape (`collectProfilesFrom`) |
 * | shopwire_system_failing_seconds | gauge | profile, system | how long the system has been failing (0 when healthy); read at scrape |
 * | shopwire_poll_failures_total | counter | profile, system | failed discovery passes (`pollFailed`) |
 *
 * Clients need no metrics code: the composition root wraps their TransferRecorder with
 * `metricsRecorder`, which sees every attempt start and end.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TransferEnd, TransferRecorder, TransferStart } from './transfer.ts';

export type JobCountRow = { profile: string; flow: string; state: string; count: number };
export type QuarantineRow = { profile: string; type: string; count: number };
export type JobSource = () => Promise<{ counts: JobCountRow[]; oldestRunnableAt: string | null; quarantined?: QuarantineRow[] }>;
export type BreakerState = 'closed' | 'half-open' | 'open';
export type ProfileSource = () => Promise<{
  profiles: { profile: string; paused: boolean; pausedReason?: string | null }[];
  systems: { profile: string; system: string; failingSince: string | null }[];
}>;

export type Metrics = {
  registry: Registry;
  /** The engine calls this once per job that ends: `done` (exported) or `failed` (needs attention). */
  jobFinished(labels: { profile: string; flow: string; outcome: 'done' | 'failed' }): void;
  observeOutbound(labels: { system: string; endpoint: string; outcome: string }, seconds: number): void;
  countRetry(labels: { system: string; endpoint: string }): void;
  /** Reads a circuit breaker's state at each scrape (e.g. `() => target.breakerState()`). */
  watchBreaker(labels: { system: string; target: string }, read: () => BreakerState): void;
  /** Where the job gauges come from at scrape (the server wires its DashboardPort here). */
  collectJobsFrom(source: JobSource): void;
  /** Where the pause and outage gauges come from at scrape. */
  collectProfilesFrom(source: ProfileSource): void;
  /** A discovery pass failed (`system`: the one that failed it, or `unknown`). */
  pollFailed(labels: { profile: string; system: string }): void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
  contentType: string;
};

export type MetricsOptions = {
  /** Node process metrics (memory, event loop lag, ...). Default true. */
  defaultMetrics?: boolean;
  now?: () => number;
};

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const now = options.now ?? Date.now;
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'shopwire_' });

  let jobSource: JobSource | null = null;
  // Both job gauges collect in the same scrape (prom-client collects all metrics concurrently):
  // they share one read of the store while it is in flight.
  let inflight: ReturnType<JobSource> | null = null;
  const snapshot = async (): Promise<Awaited<ReturnType<JobSource>> | null> => {
    if (jobSource === null) return null;
    inflight ??= jobSource().finally(() => {
      inflight = null;
    });
    return inflight;
  };

  new Gauge({
    name: 'shopwire_jobs',
    help: 'Jobs by profile, flow and state, read from the store at scrape time.',
    labelNames: ['profile', 'flow', 'state'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const row of snap?.counts ?? []) this.set({ profile: row.profile, flow: row.flow, state: row.state }, row.count);
    },
  });
  new Gauge({
    name: 'shopwire_quarantined_events',
    help: 'Paperless Parts events (and the actions or orders they name) that discovery could not read or act on and set aside, by profile and event type.',
    labelNames: ['profile', 'type'] as const,
    registers: [registry],
    async collect() {
      const snap = await snapshot();
      this.reset();
      for (const row of snap?.quarantined ?? []) this.set({ profile: row.profile, type: row.type }, row.count);
    },
  });
  new Gauge({
    name: 'shopwire_queue_age_seconds',
    help: 'Age of the oldest job that could run now (0 when none waits).',
    registers: [registry],
    async collect() {
      const oldest = (await snapshot())?.oldestRunnableAt ?? null;
      this.set(oldest === null ? 0 : Math.max(0, (now() - Date.parse(oldest)) / 1000));
    },
  });
  const finished = new Counter({
    name: 'shopwire_jobs_finished_total',
    help: 'Jobs that ended, by outcome: done (exported) or failed (needs attention).',
    labelNames: ['profile', 'flow', 'outcome'] as const,
    registers: [registry],
  });
  const outbound = new Histogram({
    name: 'shopwire_outbound_request_duration_seconds',
    help: 'Duration of each outbound call attempt, by system and endpoint.',
    labelNames: ['system', 'endpoint', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'shopwire_outbound_retries_total',
    help: 'Outbound call attempts after the first, by system and endpoint.',
    labelNames: ['system', 'endpoint'] as const,
    registers: [registry],
  });
  const breakers = new Map<string, { labels: { system: string; target: string }; read: () => BreakerState }>();
  new Gauge({
    name: 'shopwire_circuit_breaker_state',
    help: 'Circuit breaker state per outbound target: 0 closed, 1 half-open, 2 open.',
    labelNames: ['system', 'target'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, read } of breakers.values()) this.set(labels, BREAKER_VALUE[read()]);
    },
  });

  let profileSource: ProfileSource | null = null;
  new Gauge({
    name: 'shopwire_profile_paused',
    help: 'Whether the profile is paused (1), with the kind of reason; read from the store at scrape time.',
    labelNames: ['profile', 'reason'] as const,
    registers: [registry],
    async collect() {
      const snap = profileSource === null ? null : await profileSource();
      this.reset();
      for (const p of snap?.profiles ?? []) this.set({ profile: p.profile, reason: p.paused ? reasonKind(p.pausedReason) : '' }, p.paused ? 1 : 0);
    },
  });
  new Gauge({
    name: 'shopwire_system_failing_seconds',
    help: 'How long each outside system has been failing for the profile (0 when it answers).',
    labelNames: ['profile', 'system'] as const,
    registers: [registry],
    async collect() {
      const snap = profileSource === null ? null : await profileSource();
      this.reset();
      for (const s of snap?.systems ?? []) this.set({ profile: s.profile, system: s.system }, s.failingSince === null ? 0 : Math.max(0, (now() - Date.parse(s.failingSince)) / 1000));
    },
  });
  const pollFailures = new Counter({
    name: 'shopwire_poll_failures_total',
    help: 'Failed discovery passes per profile and the system that failed them.',
    labelNames: ['profile', 'system'] as const,
    registers: [registry],
  });

  return {
    registry,
    collectProfilesFrom: (source) => {
      profileSource = source;
    },
    pollFailed: (labels) => pollFailures.inc(labels),
    jobFinished: (labels) => finished.inc(labels),
    observeOutbound: (labels, seconds) => outbound.observe(labels, seconds),
    countRetry: (labels) => retries.inc(labels),
    watchBreaker: (labels, read) => {
      breakers.set(`${labels.system}\u0000${labels.target}`, { labels, read });
    },
    collectJobsFrom: (source) => {
      jobSource = source;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** `auth`, `config`, `turned-off` or `other`: a label with few values, from a pause reason. */
function reasonKind(reason: string | null | undefined): string {
  if (!reason) return 'other';
  if (reason.startsWith('credentials refused')) return 'auth';
  if (reason.startsWith('configuration error')) return 'config';
  if (reason.includes('turned off')) return 'turned-off';
  return 'other';
}

/**
 * Wraps a TransferRecorder so every attempt is also measured: latency by system and endpoint
 * (from the duration the client reports at `end`), and a retry for each attempt after the first.
 * The inner recorder sees exactly the calls it would have seen. The id handed back carries the
 * inner id and the labels, so nothing is kept between start and end (no leak if an end never comes).
 */
export function metricsRecorder(inner: TransferRecorder, metrics: Pick<Metrics, 'observeOutbound' | 'countRetry'>): TransferRecorder {
  return {
    async start(transfer: TransferStart) {
      const innerId = await inner.start(transfer);
      if (transfer.attempt > 1) metrics.countRetry({ system: transfer.system, endpoint: transfer.endpoint });
      return JSON.stringify([innerId, transfer.system, transfer.endpoint]);
    },
    async end(id: string, result: TransferEnd) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(id);
      } catch {
        parsed = null;
      }
      if (!Array.isArray(parsed) || parsed.length !== 3) return inner.end(id, result);
      const [innerId, system, endpoint] = parsed as [string, string, string];
      metrics.observeOutbound({ system, endpoint, outcome: result.outcome }, result.durationMs / 1000);
      await inner.end(innerId, result);
    },
  };
}
