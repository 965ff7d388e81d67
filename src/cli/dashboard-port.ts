/**
 * The dashboard's port (src/server/ports.ts) implemented over the real store. The server sees
 * jobs, transfers and profile state only through this; it never imports the store.
 */
import { parseQuarantineOutcome } from '../engine/event-types.ts';
import { parseStoredPlan } from '../engine/stored-state.ts';
import { resumeProfile } from '../engine/resume.ts';
import type { JobRecord, StoredEvent, Store, SystemHealth, TransferRecord } from '../store/store.ts';
import { CABLEBUILDER_LINK_PREFIX } from '../engine/design-report.ts';
import type { DashboardPort, HistoryBucket, JobDetail, JobSummary, QuarantinedItem, ReloadOutcome, SystemStatus, TransferView, UnmappedValue } from '../server/ports.ts';
import type { Plan } from '../translate/plan.ts';
import { unmappedIn } from '../translate/unmapped.ts';
import { isoOrNull } from './context.ts';
import { parseTenantFacts } from '../engine/cetec-tenant.ts';
import { describeTenantFacts } from './cetec.ts';


function summary(job: JobRecord): JobSummary {
  return {
    id: job.id,
    flow: job.flow,
    profile: job.profile,
    key: job.key,
    state: job.state,
    attempts: job.attempts,
    createdAt: new Date(job.createdAt).toISOString(),
    updatedAt: new Date(job.updatedAt).toISOString(),
    nextAttemptAt: job.state === 'retrying' || job.state === 'pending' ? isoOrNull(job.nextAttemptAt) : null,
    lastError: job.lastError,
  };
}

function transferView(t: TransferRecord): TransferView {
  return {
    id: t.id,
    correlationId: t.correlationId,
    ...(t.step === undefined || t.step === null ? {} : { step: t.step }),
    system: t.system,
    endpoint: t.endpoint,
    method: t.method,
    url: t.url,
    attempt: t.attempt,
    requestBody: t.requestBody,
    responseBody: t.responseBody,
    status: t.status,
    durationMs: t.durationMs,
    outcome: t.outcome,
    ...(t.error ? { error: t.error } : {}),
    startedAt: new Date(t.startedAt).toISOString(),
    ...(t.run === null ? {} : { run: t.run }),
    ...(t.execution === null ? {} : { execution: t.execution }),
  };
}

function storedPlan(job: JobRecord): Plan | null {
  if (job.plan === null || job.plan === undefined) return null;
  try {
    return parseStoredPlan(job.plan, job.id);
  } catch {
    return null;
  }
}

/** Phrases the translators use for values no mapping table maps (src/translate/*). */
/** An error code that means "the job stopped because a mapping table lacks a value". */
export function isMappingError(code: string): boolean {
  return code === 'order.untranslatable' || code === 'design.untranslatable' || /unmapped|mapping/.test(code);
}

export function createDashboardPort(store: Store, options: { reload?: (actor: string) => ReloadOutcome } = {}): DashboardPort {
  const recent = async (limit: number): Promise<JobRecord[]> => (await store.listJobs({ limit, offset: 0 })).jobs;
  return {
    async listJobs(query) {
      const { from, to, ...rest } = query;
      // Days are UTC days; `to` includes its whole day.
      const { jobs, total } = await store.listJobs({
        ...rest,
        ...(from ? { createdFrom: Date.parse(`${from}T00:00:00Z`) } : {}),
        ...(to ? { createdBefore: Date.parse(`${to}T00:00:00Z`) + 86_400_000 } : {}),
      });
      return { jobs: jobs.map(summary), total };
    },
    async getJob(id) {
      const job = await store.getJob(id);
      if (!job) return null;
      const [transfers, checkpoints, links] = await Promise.all([store.listTransfers(id), store.getCheckpoints(id), store.listActions({ jobId: id })]);
      const plan = storedPlan(job);
      const detail: JobDetail = {
        ...summary(job),
        correlationId: job.correlationId,
        source: job.payload ?? null,
        plan,
        warnings: plan?.warnings ?? [],
        result: job.result ?? null,
        checkpoints,
        transfers: transfers.map(transferView),
        reports: links.map((l) => ({
          system: l.actionUuid.startsWith(CABLEBUILDER_LINK_PREFIX) ? 'cablebuilder' : 'paperless',
          status: l.status,
          message: l.message,
          updatedAt: new Date(l.updatedAt).toISOString(),
        })),
      };
      return detail;
    },
    async countJobs() {
      return store.countJobs();
    },
    async quarantined(limit) {
      return (await store.quarantinedEvents({ limit })).map(quarantinedItem);
    },
    async countQuarantined() {
      return store.countQuarantined();
    },
    async oldestNeedsAttention() {
      const { jobs } = await store.listJobs({ state: 'needs-attention', limit: 1000, offset: 0 });
      const oldest = new Map<string, JobRecord>();
      for (const job of jobs) {
        const key = `${job.profile}\u0000${job.flow}`;
        const seen = oldest.get(key);
        if (!seen || job.createdAt < seen.createdAt) oldest.set(key, job);
      }
      return [...oldest.values()].map(summary);
    },
    async oldestRunnableAt() {
      return isoOrNull(await store.oldestRunnableAt());
    },
    async profiles() {
      const [profiles, health] = await Promise.all([store.listProfiles(), store.listHealth()]);
      return profiles.map((p) => ({
        profile: p.profile,
        paused: p.paused,
        pausedReason: p.pausedReason,
        systems: health.filter((h) => h.profile === p.profile).map(systemStatus),
        lastPollAt: isoOrNull(p.lastPollAt),
        lastHeartbeatAt: isoOrNull(p.lastHeartbeatAt),
        lastSuccessAt: isoOrNull(p.lastSuccessAt),
      }));
    },
    async audit(query) {
      const entries = await store.listAudit({
        ...(query.jobId === undefined ? {} : { jobId: query.jobId }),
        ...(query.before === undefined ? {} : { before: Date.parse(query.before) }),
        limit: query.limit ?? 100,
      });
      return entries.map((e) => ({ at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, profile: e.profile, jobId: e.jobId, detail: e.detail }));
    },
    async resume(profile, actor) {
      if (!(await store.listProfiles()).some((p) => p.profile === profile)) return { ok: false, code: 'not-found', reason: `no profile ${profile}` };
      const result = await resumeProfile(store, profile, actor);
      if (!result.resumed) return { ok: false, code: 'invalid-state', reason: `profile ${profile} is not paused` };
      return { ok: true, wasPausedFor: result.reason };
    },
    async history(query) {
      // One grouped query on the finished_at index, however many jobs the windows hold.
      const from = Date.parse(query.from);
      const buckets = new Map<string, HistoryBucket>();
      for (const row of await store.countFinished({ from, bucketMs: query.bucketMs, buckets: query.buckets })) {
        const start = new Date(from + row.bucket * query.bucketMs).toISOString();
        const key = `${row.profile}\u0000${row.flow}\u0000${start}`;
        const bucket = buckets.get(key) ?? { profile: row.profile, flow: row.flow, start, done: 0, failed: 0 };
        if (row.state === 'done') bucket.done += row.count;
        else bucket.failed += row.count;
        buckets.set(key, bucket);
      }
      return [...buckets.values()].sort((a, b) => a.start.localeCompare(b.start));
    },
    async cetecTenant(profile) {
      return describeTenantFacts(parseTenantFacts((await store.getTenantFacts(profile, 'cetec'))?.facts));
    },

    async unmappedValues(profile) {
      const seen = new Map<string, UnmappedValue>();
      for (const job of await recent(300)) {
        if (job.profile !== profile) continue;
        const texts = [job.lastError?.message ?? '', ...(storedPlan(job)?.warnings ?? []).map((w) => w.message)];
        for (const text of texts) {
          for (const { kind, value } of unmappedIn(text)) {
            const key = `${kind}\u0000${value}`;
            const entry = seen.get(key) ?? { kind, value, count: 0, jobIds: [] };
            if (!entry.jobIds.includes(job.id)) {
              entry.count++;
              if (entry.jobIds.length < 5) entry.jobIds.push(job.id);
            }
            seen.set(key, entry);
          }
        }
      }
      return [...seen.values()].sort((a, b) => b.count - a.count);
    },
    ...(options.reload ? { reloadConfig: async (actor: string) => options.reload!(actor) } : {}),
    async retryMappingJobs(profile) {
      const waiting: string[] = [];
      for (let offset = 0; ; offset += 500) {
        const { jobs } = await store.listJobs({ state: 'needs-attention', profile, limit: 500, offset });
        for (const job of jobs) if (job.lastError && isMappingError(job.lastError.code)) waiting.push(job.id);
        if (jobs.length < 500) break;
      }
      const retried: string[] = [];
      for (const id of waiting) if ((await store.retryJob(id)).ok) retried.push(id);
      return { retried };
    },
    async act(action, jobId, actor) {
      const result = action === 'retry' ? await store.retryJob(jobId) : action === 'replay' ? await store.replayJob(jobId) : await store.cancelJob(jobId, 'cancelled from the dashboard');
      if (!result.ok) return result;
      await store.addAudit({ actor, action, profile: result.job.profile, jobId, detail: `${action} from the dashboard or API; the job is now ${result.job.state}` });
      return { ok: true, job: summary(result.job) };
    },
    async health() {
      try {
        await store.countJobs();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

/** A quarantined inbox event as shown to people. */
export function quarantinedItem(e: StoredEvent): QuarantinedItem {
  const parsed = parseQuarantineOutcome(e.outcome) ?? { reason: 'unknown', message: e.outcome ?? '' };
  return { profile: e.profile, eventId: e.uuid, type: e.type, reason: parsed.reason, message: parsed.message, at: isoOrNull(e.handledAt) };
}

function systemStatus(h: SystemHealth): SystemStatus {
  return {
    system: h.system,
    failingSince: isoOrNull(h.failingSince),
    failures: h.failures,
    lastError: h.lastErrorCode === null || h.lastErrorAt === null ? null : { code: h.lastErrorCode, message: h.lastErrorMessage ?? '', at: new Date(h.lastErrorAt).toISOString() },
    lastOkAt: isoOrNull(h.lastOkAt),
    nextTryAt: isoOrNull(h.nextTryAt),
  };
}
