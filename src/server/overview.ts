/**
 * The overview's data, shared by the page and `GET /api/v1/status`: per profile and flow, job
 * counts by state, the profile's poll/heartbeat/success times, the oldest job needing attention,
 * and finished jobs per hour (last 24 h) and per day (last 7 days).
 */
import { FLOWS, JOB_STATES, type DashboardPort, type Flow, type HistoryBucket, type JobState, type JobSummary, type ProfileStatus, type QuarantinedItem } from './ports.ts';

export type FlowOverview = {
  profile: string;
  flow: Flow;
  counts: Record<JobState, number>;
  oldestNeedsAttention: JobSummary | null;
  last24h: { start: string; done: number; failed: number }[];
  last7d: { start: string; done: number; failed: number }[];
};

export type Overview = {
  generatedAt: string;
  /** `quarantined`: the newest events discovery set aside for the profile; `quarantinedTotal`: how many in all. */
  profiles: (ProfileStatus & { flows: FlowOverview[]; quarantined: QuarantinedItem[]; quarantinedTotal: number })[];
};

/** Quarantined events listed per profile on the overview. */
const QUARANTINE_SHOWN = 20;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `configured`: profile names from the config, shown even before the store knows them. */
export async function loadOverview(port: DashboardPort, nowMs: number, configured: readonly string[] = []): Promise<Overview> {
  const hourStart = Math.floor(nowMs / HOUR) * HOUR - 23 * HOUR;
  const dayStart = Math.floor(nowMs / DAY) * DAY - 6 * DAY;
  const [profiles, counts, oldest, hours, days, quarantined, quarantineCounts] = await Promise.all([
    port.profiles(),
    port.countJobs(),
    port.oldestNeedsAttention(),
    port.history({ from: new Date(hourStart).toISOString(), bucketMs: HOUR, buckets: 24 }),
    port.history({ from: new Date(dayStart).toISOString(), bucketMs: DAY, buckets: 7 }),
    port.quarantined(200),
    port.countQuarantined(),
  ]);
  const names = [...new Set([...configured, ...profiles.map((p) => p.profile), ...counts.map((c) => c.profile)])];
  return {
    generatedAt: new Date(nowMs).toISOString(),
    profiles: names.map((name) => {
      const status = profiles.find((p) => p.profile === name) ?? {
        profile: name,
        paused: false,
        lastPollAt: null,
        lastHeartbeatAt: null,
        lastSuccessAt: null,
      };
      return {
        ...status,
        quarantined: quarantined.filter((q) => q.profile === name).slice(0, QUARANTINE_SHOWN),
        quarantinedTotal: quarantineCounts.filter((c) => c.profile === name).reduce((n, c) => n + c.count, 0),
        flows: FLOWS.map((flow) => ({
          profile: name,
          flow,
          counts: Object.fromEntries(
            JOB_STATES.map((s) => [s, counts.filter((c) => c.profile === name && c.flow === flow && c.state === s).reduce((n, c) => n + c.count, 0)]),
          ) as Record<JobState, number>,
          oldestNeedsAttention: oldest.find((j) => j.profile === name && j.flow === flow) ?? null,
          last24h: series(hours, name, flow, hourStart, HOUR, 24),
          last7d: series(days, name, flow, dayStart, DAY, 7),
        })),
      };
    }),
  };
}

function series(buckets: HistoryBucket[], profile: string, flow: Flow, from: number, size: number, n: number): FlowOverview['last24h'] {
  return Array.from({ length: n }, (_, i) => {
    const start = from + i * size;
    const mine = buckets.filter((b) => b.profile === profile && b.flow === flow && Date.parse(b.start) === start);
    return { start: new Date(start).toISOString(), done: mine.reduce((s, b) => s + b.done, 0), failed: mine.reduce((s, b) => s + b.failed, 0) };
  });
}
