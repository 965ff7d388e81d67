/**
 * Telling someone: per profile with `notify` settings, each check (every 15 s in `run`) looks at
 * the store for what a person should know — the profile paused (and resumed), an outside system
 * failing longer than `outageMinutes` (and recovered), jobs that came to need attention — and
 * sends what it found as one message to every channel of the profile (webhooks, e-mail).
 *
 * Grouped and rate-limited: everything found in one check is one message, and a profile gets at
 * most one message per `minIntervalMinutes`; what comes up meanwhile waits and goes out together
 * in the next one. So an outage is one message (not one per order: jobs of an outage wait and
 * retry, and the outage is one event), and a batch of bad orders is one message listing them.
 *
 * What was announced is kept in memory: after a restart a pause or outage still going on is
 * announced once more; jobs that came to need attention while the hub was down are not (the
 * overview and `status` list them).
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';

export type NotifySettings = { outageMinutes: number; minIntervalMinutes: number };

export type NotifyEvent =
  | { kind: 'paused'; reason: string }
  | { kind: 'resumed' }
  | { kind: 'outage'; system: string; since: number; error: string }
  | { kind: 'recovered'; system: string; since: number; downMinutes: number }
  | { kind: 'needs-attention'; jobs: { id: string; key: string; flow: string; error: string }[] };

export type Notification = { profile: string; title: string; lines: string[]; events: NotifyEvent[]; at: number };

export type Channel = { name: string; send(notification: Notification): Promise<void> };

type ProfileState = {
  pauseReason: string | null;
  outages: Map<string, number>;
  announcedJobs: Set<string>;
  pending: NotifyEvent[];
  lastSentAt: number;
};

const SYSTEM_LABELS: Record<string, string> = { paperless: 'Paperless Parts', cetec: 'Cetec', cablebuilder: 'CableBuilder' };
const label = (system: string): string => SYSTEM_LABELS[system] ?? system;
const MAX_PENDING = 200;

export type Notifier = {
  /** One check of every profile; returns the notifications sent. */
  runOnce(): Promise<Notification[]>;
};

export function createNotifier(options: {
  store: Store;
  profiles: Record<string, { settings: NotifySettings; channels: Channel[] }>;
  clock?: () => number;
  logger?: Logger;
}): Notifier {
  const { store, logger } = options;
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const states = new Map<string, ProfileState>();
  const stateOf = (profile: string): ProfileState => {
    let s = states.get(profile);
    if (s === undefined) {
      s = { pauseReason: null, outages: new Map(), announcedJobs: new Set(), pending: [], lastSentAt: 0 };
      states.set(profile, s);
    }
    return s;
  };

  async function check(profile: string, settings: NotifySettings): Promise<NotifyEvent[]> {
    const s = stateOf(profile);
    const now = clock();
    const events: NotifyEvent[] = [];
    const p = (await store.listProfiles()).find((x) => x.profile === profile);
    if (p?.paused && s.pauseReason === null) {
      s.pauseReason = p.pausedReason ?? 'no reason recorded';
      events.push({ kind: 'paused', reason: s.pauseReason });
    } else if (!p?.paused && s.pauseReason !== null) {
      s.pauseReason = null;
      events.push({ kind: 'resumed' });
    }
    for (const h of (await store.listHealth()).filter((x) => x.profile === profile)) {
      const announced = s.outages.get(h.system);
      if (h.failingSince !== null && announced === undefined && now - h.failingSince >= settings.outageMinutes * 60_000) {
        s.outages.set(h.system, h.failingSince);
        events.push({ kind: 'outage', system: h.system, since: h.failingSince, error: `${h.lastErrorCode ?? 'unknown'}: ${h.lastErrorMessage ?? ''}` });
      } else if (h.failingSince === null && announced !== undefined) {
        s.outages.delete(h.system);
        events.push({ kind: 'recovered', system: h.system, since: announced, downMinutes: Math.round((now - announced) / 60_000) });
      }
    }
    const { jobs } = await store.listJobs({ state: 'needs-attention', profile, limit: 500, offset: 0 });
    const fresh = jobs.filter((j) => !s.announcedJobs.has(j.id) && j.updatedAt >= startedAt);
    for (const j of jobs) s.announcedJobs.add(j.id);
    if (s.announcedJobs.size > 10_000) s.announcedJobs = new Set(jobs.map((j) => j.id));
    if (fresh.length > 0) {
      events.push({
        kind: 'needs-attention',
        jobs: fresh.map((j) => ({ id: j.id, key: j.key, flow: j.flow, error: j.lastError === null ? '' : `${j.lastError.code}: ${j.lastError.message.split('\n')[0]!.slice(0, 200)}` })),
      });
    }
    return events;
  }

  return {
    async runOnce() {
      const sent: Notification[] = [];
      for (const [profile, { settings, channels }] of Object.entries(options.profiles)) {
        const s = stateOf(profile);
        try {
          s.pending.push(...(await check(profile, settings)));
        } catch (error) {
          logger?.warn({ err: error, profile }, 'notifications: reading the store failed; the next check tries again');
          continue;
        }
        if (s.pending.length > MAX_PENDING) s.pending.splice(0, s.pending.length - MAX_PENDING);
        const now = clock();
        if (s.pending.length === 0 || now - s.lastSentAt < settings.minIntervalMinutes * 60_000) continue;
        const notification = compose(profile, s.pending, now);
        let delivered = 0;
        for (const channel of channels) {
          try {
            await channel.send(notification);
            delivered++;
          } catch (error) {
            logger?.warn({ err: error, profile, channel: channel.name }, 'notification not delivered; it is sent again with the next one');
          }
        }
        if (delivered === 0 && channels.length > 0) continue;
        s.pending = [];
        s.lastSentAt = now;
        sent.push(notification);
      }
      return sent;
    },
  };
}

/** One message for everything pending: a title naming the worst news, a line per event. */
export function compose(profile: string, events: NotifyEvent[], at: number): Notification {
  const lines: string[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'paused':
        lines.push(`Profile ${profile} is PAUSED: ${e.reason}. No job of it runs; shopwire probes and resumes it by itself once the system accepts it (or press Resume now).`);
        break;
      case 'resumed':
        lines.push(`Profile ${profile} resumed: its jobs run again.`);
        break;
      case 'outage':
        lines.push(`${label(e.system)} has been failing since ${new Date(e.since).toISOString()}: ${e.error}. Jobs wait and retry; nothing is lost.`);
        break;
      case 'recovered':
        lines.push(`${label(e.system)} answers again (it failed for about ${e.downMinutes} min).`);
        break;
      case 'needs-attention': {
        const shown = e.jobs.slice(0, 20).map((j) => `${j.key}${j.error ? ` (${j.error})` : ''}`);
        lines.push(`${e.jobs.length} job${e.jobs.length === 1 ? '' : 's'} need${e.jobs.length === 1 ? 's' : ''} attention: ${shown.join('; ')}${e.jobs.length > 20 ? `; and ${e.jobs.length - 20} more` : ''}.`);
        break;
      }
    }
  }
  const kinds = new Set(events.map((e) => e.kind));
  const title = kinds.has('paused')
    ? `shopwire: profile ${profile} is paused`
    : kinds.has('outage')
      ? `shopwire: ${profile}: ${[...new Set(events.flatMap((e) => (e.kind === 'outage' ? [label(e.system)] : [])))].join(', ')} failing`
      : kinds.has('needs-attention')
        ? `shopwire: ${profile}: jobs need attention`
        : `shopwire: ${profile}: back to normal`;
  return { profile, title, lines, events, at };
}
