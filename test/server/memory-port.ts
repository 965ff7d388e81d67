/**
 * A DashboardPort over jobs kept in memory, for the server's API and browser tests. Behaves like
 * the store's operator actions: retry (retrying, needs-attention → pending), replay (done,
 * needs-attention, cancelled → pending, a new run), cancel (pending, retrying, needs-attention →
 * cancelled). History counts jobs by the time they last finished.
 */
import type {
  ActionName,
  ActionResult,
  DashboardPort,
  HistoryBucket,
  HistoryQuery,
  JobDetail,
  JobQuery,
  JobSummary,
  ProfileStatus,
  QuarantinedItem,
  StateCount,
  StoreHealth,
  UnmappedValue,
} from '../../src/server/ports.ts';
import type { Plan } from '../../src/translate/plan.ts';

export type MemoryJob = JobDetail & { finishedAt: string | null };

export type MemoryPort = DashboardPort & {
  add(job: MemoryJob): void;
  setProfile(status: ProfileStatus): void;
  setUnmapped(profile: string, values: UnmappedValue[]): void;
  addQuarantined(item: QuarantinedItem): void;
  setHealth(health: StoreHealth): void;
  /** Actions asked for, in order. */
  readonly actions: { action: ActionName | 'resume'; jobId: string; actor: string; profile?: string }[];
  jobs(): MemoryJob[];
};

function summary(job: MemoryJob): JobSummary {
  const { id, flow, profile, key, state, attempts, createdAt, updatedAt, nextAttemptAt, lastError } = job;
  return { id, flow, profile, key, state, attempts, createdAt, updatedAt, nextAttemptAt, lastError };
}

function partsOf(plan: Plan | null): string[] {
  if (plan === null) return [];
  const out: string[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'partrevisiondefinition' || step.kind === 'part' || step.kind === 'current-revision') out.push(step.body.prcpart);
    else for (const order of step.body) for (const line of order.lines) out.push(line.prcpart);
  }
  return out;
}

export function createMemoryPort(options: { now: () => number }): MemoryPort {
  const jobs = new Map<string, MemoryJob>();
  const profiles = new Map<string, ProfileStatus>();
  const unmapped = new Map<string, UnmappedValue[]>();
  const quarantine: QuarantinedItem[] = [];
  let health: StoreHealth = { ok: true };
  const actions: MemoryPort['actions'] = [];
  const iso = (): string => new Date(options.now()).toISOString();

  const newestFirst = (): MemoryJob[] => [...jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));

  return {
    actions,
    jobs: () => [...jobs.values()],
    add(job) {
      jobs.set(job.id, structuredClone(job));
      if (!profiles.has(job.profile)) profiles.set(job.profile, { profile: job.profile, paused: false, lastPollAt: null, lastHeartbeatAt: null, lastSuccessAt: null });
    },
    setProfile: (status) => void profiles.set(status.profile, status),
    setUnmapped: (profile, values) => void unmapped.set(profile, values),
    addQuarantined: (item) => void quarantine.unshift(structuredClone(item)),
    setHealth: (h) => {
      health = h;
    },

    async listJobs(q: JobQuery) {
      const text = q.text?.toLowerCase();
      const matches = newestFirst().filter(
        (j) =>
          (q.state === undefined || j.state === q.state) &&
          (q.profile === undefined || j.profile === q.profile) &&
          (q.flow === undefined || j.flow === q.flow) &&
          (text === undefined || j.key.toLowerCase().includes(text) || partsOf(j.plan).some((p) => p.toLowerCase().includes(text))),
      );
      return { jobs: matches.slice(q.offset, q.offset + q.limit).map(summary), total: matches.length };
    },
    async getJob(id) {
      const job = jobs.get(id);
      if (job === undefined) return null;
      const { finishedAt: _f, ...detail } = structuredClone(job);
      return detail;
    },
    async countJobs() {
      const counts = new Map<string, StateCount>();
      for (const j of jobs.values()) {
        const k = `${j.profile}|${j.flow}|${j.state}`;
        const c = counts.get(k) ?? { profile: j.profile, flow: j.flow, state: j.state, count: 0 };
        c.count += 1;
        counts.set(k, c);
      }
      return [...counts.values()];
    },
    async oldestNeedsAttention() {
      const oldest = new Map<string, MemoryJob>();
      for (const j of [...jobs.values()].filter((x) => x.state === 'needs-attention').sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))) {
        const k = `${j.profile}|${j.flow}`;
        if (!oldest.has(k)) oldest.set(k, j);
      }
      return [...oldest.values()].map(summary);
    },
    async oldestRunnableAt() {
      const now = options.now();
      const runnable = [...jobs.values()]
        .filter((j) => j.state === 'pending' || (j.state === 'retrying' && (j.nextAttemptAt === null || Date.parse(j.nextAttemptAt) <= now)))
        .map((j) => j.createdAt)
        .sort();
      return runnable[0] ?? null;
    },
    async profiles() {
      return [...profiles.values()];
    },
    async history(q: HistoryQuery) {
      const from = Date.parse(q.from);
      const buckets = new Map<string, HistoryBucket>();
      for (const j of jobs.values()) {
        if (j.finishedAt === null || (j.state !== 'done' && j.state !== 'needs-attention')) continue;
        const i = Math.floor((Date.parse(j.finishedAt) - from) / q.bucketMs);
        if (i < 0 || i >= q.buckets) continue;
        const start = new Date(from + i * q.bucketMs).toISOString();
        const k = `${j.profile}|${j.flow}|${start}`;
        const b = buckets.get(k) ?? { profile: j.profile, flow: j.flow, start, done: 0, failed: 0 };
        if (j.state === 'done') b.done += 1;
        else b.failed += 1;
        buckets.set(k, b);
      }
      return [...buckets.values()];
    },
    async unmappedValues(profile) {
      return unmapped.get(profile) ?? [];
    },
    async cetecTenant(profile) {
      return profile === 'prod'
        ? ['order lookup by external key: not checked yet (unproven: never used)', 'reused external key: reject (2026-02-01T08:00:00.000Z): importing shopwire-selftest-prod-1 again was refused: "<i>taken</i>"']
        : [];
    },
    async quarantined(limit) {
      return quarantine.slice(0, limit);
    },
    async countQuarantined() {
      const rows = new Map<string, { profile: string; type: string; count: number }>();
      for (const q of quarantine) {
        const row = rows.get(`${q.profile}|${q.type}`) ?? { profile: q.profile, type: q.type, count: 0 };
        row.count += 1;
        rows.set(`${q.profile}|${q.type}`, row);
      }
      return [...rows.values()];
    },
    async act(action, jobId, actor): Promise<ActionResult> {
      const job = jobs.get(jobId);
      if (job === undefined) return { ok: false, code: 'not-found', reason: `no job ${jobId}` };
      const allowed: Record<ActionName, string[]> = {
        retry: ['retrying', 'needs-attention'],
        replay: ['done', 'needs-attention', 'cancelled'],
        cancel: ['pending', 'retrying', 'needs-attention'],
      };
      if (!allowed[action].includes(job.state)) return { ok: false, code: 'invalid-state', reason: `a ${job.state} job cannot be ${action === 'retry' ? 'retried' : `${action}ed`}` };
      actions.push({ action, jobId, actor });
      job.state = action === 'cancel' ? 'cancelled' : 'pending';
      if (action !== 'cancel') {
        job.attempts = 0;
        job.nextAttemptAt = iso();
      }
      job.updatedAt = iso();
      return { ok: true, job: summary(job) };
    },
    async health() {
      return health;
    },
    async audit(query) {
      return actions
        .filter((a) => query.jobId === undefined || a.jobId === query.jobId)
        .map((a) => ({ at: iso(), actor: a.actor, action: a.action, profile: a.profile ?? jobs.get(a.jobId)?.profile ?? null, jobId: a.jobId === '' ? null : a.jobId, detail: null }))
        .reverse()
        .slice(0, query.limit ?? 100);
    },
    async resume(profile, actor) {
      const status = profiles.get(profile);
      if (status === undefined) return { ok: false, code: 'not-found', reason: `no profile ${profile}` };
      if (!status.paused) return { ok: false, code: 'invalid-state', reason: `profile ${profile} is not paused` };
      profiles.set(profile, { ...status, paused: false, pausedReason: null });
      actions.push({ action: 'resume', jobId: '', actor, profile });
      return { ok: true, wasPausedFor: status.pausedReason ?? null };
    },
  };
}
