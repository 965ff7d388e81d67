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
 * What was announced, what waits and when the last message went are kept in the store
 * (`notify_state`), so a restart does not announce an ongoing pause or outage again (and does
 * announce its end), and jobs that came to need attention while the hub was down are announced
 * when it is back. With several processes on one store, every change of that state is written
 * compare-and-set on its version: of the processes that saw the same news, one writes it and the
 * others drop theirs; the one that claims the pending message (a send lease, `SEND_LEASE_MS`)
 * sends it and removes it afterwards. So each condition is announced once; only a process dying
 * between its claim and the end of its send makes the message go out again, after the lease.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { systemName } from '../lib/transfer.ts';

export type NotifySettings = { outageMinutes: number; minIntervalMinutes: number };

export type NotifyEvent =
  | { kind: 'paused'; reason: string }
  | { kind: 'resumed' }
  | { kind: 'outage'; system: string; since: number; error: string }
  | { kind: 'recovered'; system: string; since: number; downMinutes: number }
  | { kind: 'needs-attention'; jobs: { id: string; key: string; flow: string; error: string }[] };

export type Notification = { profile: string; title: string; lines: string[]; events: NotifyEvent[]; at: number };

export type Channel = { name: string; send(notification: Notification): Promise<void> };

/** What is kept per profile in the store (JSON). */
type ProfileState = {
  /** Jobs that needed attention before this are not announced (the first check of the profile). */
  since: number;
  pauseReason: string | null;
  /** Outside system → the failing-since time announced. */
  outages: Record<string, number>;
  /** The jobs needing attention already announced (only those still needing it are kept). */
  announcedJobs: string[];
  pending: NotifyEvent[];
  lastSentAt: number;
  /** A process sending the first `count` pending events, until `until` (then another may). */
  sending: { until: number; count: number } | null;
};

const MAX_PENDING = 200;
/** Longer than the slowest send (a webhook's 10 s and SMTP's 40 s per channel). */
export const SEND_LEASE_MS = 5 * 60_000;

export type Notifier = {
  /** One check of every profile; returns the notifications this process sent. */
  runOnce(): Promise<Notification[]>;
};

function readState(stored: unknown, now: number): ProfileState {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<ProfileState>;
  return {
    since: typeof s.since === 'number' ? s.since : now,
    pauseReason: typeof s.pauseReason === 'string' ? s.pauseReason : null,
    outages: typeof s.outages === 'object' && s.outages !== null ? { ...s.outages } : {},
    announcedJobs: Array.isArray(s.announcedJobs) ? s.announcedJobs.map(String) : [],
    pending: Array.isArray(s.pending) ? [...s.pending] : [],
    lastSentAt: typeof s.lastSentAt === 'number' ? s.lastSentAt : 0,
    sending: s.sending && typeof s.sending.until === 'number' && typeof s.sending.count === 'number' ? { ...s.sending } : null,
  };
}

export function createNotifier(options: {
  store: Store;
  profiles: Record<string, { settings: NotifySettings; channels: Channel[] }>;
  clock?: () => number;
  logger?: Logger;
}): Notifier {
  const { store, logger } = options;
  const clock = options.clock ?? Date.now;

  /** What changed since `s` was written, applied to `s`; the events it makes. */
  async function observe(profile: string, settings: NotifySettings, s: ProfileState, now: number): Promise<{ events: NotifyEvent[]; jobsChanged: boolean }> {
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
      const announced = s.outages[h.system];
      if (h.failingSince !== null && announced === undefined && now - h.failingSince >= settings.outageMinutes * 60_000) {
        s.outages[h.system] = h.failingSince;
        events.push({ kind: 'outage', system: h.system, since: h.failingSince, error: `${h.lastErrorCode ?? 'unknown'}: ${h.lastErrorMessage ?? ''}` });
      } else if (h.failingSince === null && announced !== undefined) {
        delete s.outages[h.system];
        events.push({ kind: 'recovered', system: h.system, since: announced, downMinutes: Math.round((now - announced) / 60_000) });
      }
    }
    const { jobs } = await store.listJobs({ state: 'needs-attention', profile, limit: 500, offset: 0 });
    const announced = new Set(s.announcedJobs);
    const fresh = jobs.filter((j) => !announced.has(j.id) && j.updatedAt >= s.since);
    const current = jobs.map((j) => j.id);
    const jobsChanged = current.length !== s.announcedJobs.length || current.some((id) => !announced.has(id));
    s.announcedJobs = current;
    if (fresh.length > 0) {
      events.push({
        kind: 'needs-attention',
        jobs: fresh.map((j) => ({ id: j.id, key: j.key, flow: j.flow, error: j.lastError === null ? '' : `${j.lastError.code}: ${j.lastError.message.split('\n')[0]!.slice(0, 200)}` })),
      });
    }
    return { events, jobsChanged };
  }

  /** Applies `change` to the stored state until a compare-and-set write of it succeeds. */
  async function amend(profile: string, change: (s: ProfileState) => void): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const loaded = await store.getNotifyState(profile);
      const s = readState(loaded?.state, clock());
      change(s);
      if (await store.saveNotifyState(profile, s, loaded?.version ?? null)) return;
    }
    throw new Error(`notifications: the state of profile ${profile} kept changing under this process`);
  }

  async function checkProfile(profile: string, settings: NotifySettings, channels: Channel[]): Promise<Notification | null> {
    const now = clock();
    const loaded = await store.getNotifyState(profile);
    const s = readState(loaded?.state, now);
    const { events, jobsChanged } = await observe(profile, settings, s, now);
    s.pending.push(...events);
    if (s.pending.length > MAX_PENDING) s.pending.splice(0, s.pending.length - MAX_PENDING);
    const claim = s.pending.length > 0 && now - s.lastSentAt >= settings.minIntervalMinutes * 60_000 && (s.sending === null || s.sending.until <= now);
    if (claim) s.sending = { until: now + SEND_LEASE_MS, count: s.pending.length };
    if (loaded !== null && events.length === 0 && !jobsChanged && !claim) return null;
    // Another process wrote first: it saw the same news (or newer); the next check reads its state.
    if (!(await store.saveNotifyState(profile, s, loaded?.version ?? null))) return null;
    if (!claim) return null;

    const count = s.pending.length;
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
    const ok = delivered > 0 || channels.length === 0;
    await amend(profile, (t) => {
      t.sending = null;
      if (!ok) return;
      t.pending = t.pending.slice(count);
      t.lastSentAt = now;
    });
    return ok ? notification : null;
  }

  return {
    async runOnce() {
      const sent: Notification[] = [];
      for (const [profile, { settings, channels }] of Object.entries(options.profiles)) {
        try {
          const n = await checkProfile(profile, settings, channels);
          if (n !== null) sent.push(n);
        } catch (error) {
          logger?.warn({ err: error, profile }, 'notifications: reading or writing the store failed; the next check tries again');
        }
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
        lines.push(`${systemName(e.system)} has been failing since ${new Date(e.since).toISOString()}: ${e.error}. Jobs wait and retry; nothing is lost.`);
        break;
      case 'recovered':
        lines.push(`${systemName(e.system)} answers again (it failed for about ${e.downMinutes} min).`);
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
      ? `shopwire: ${profile}: ${[...new Set(events.flatMap((e) => (e.kind === 'outage' ? [systemName(e.system)] : [])))].join(', ')} failing`
      : kinds.has('needs-attention')
        ? `shopwire: ${profile}: jobs need attention`
        : `shopwire: ${profile}: back to normal`;
  return { profile, title, lines, events, at };
}
