/**
 * Paused profiles heal by themselves. A profile paused for an auth or config error (worker.ts) is
 * probed again — one harmless authenticated read of the system that refused it — with
 * exponential backoff (`profiles.<p>.heal`: first after probeSeconds, doubling to
 * maxProbeSeconds); as soon as the probe is accepted the profile is resumed and its jobs run
 * again. The backoff lives in memory: after a restart the first probe is at once, so a profile
 * paused before the restart resumes as soon as the system accepts it.
 *
 * A profile that is resumed and paused again soon after (a config error the probe cannot see:
 * the token works, the job still fails) waits longer before each new probe (the same doubling),
 * so it does not flap.
 *
 * With several hub processes on one store, only the holder of a profile's discovery duty probes
 * it (daemon.ts), so a paused profile gets one probe per backoff step however many processes run.
 *
 * A pause made by turning the integration off in Paperless Parts is left alone: turning it on
 * lifts it (discovery.ts). Operators resume by hand with `resumeProfile` (CLI `shopwire resume`,
 * the dashboard's Resume button): the next probe is then at once as well.
 */
import type { Logger } from 'pino';
import { redactText } from '../lib/redact.ts';
import type { Store } from '../store/store.ts';
import { TURNED_OFF_REASON } from './discovery.ts';
import { systemOf, type HealthTracker } from './health.ts';

export type HealSettings = { probeSeconds: number; maxProbeSeconds: number };

/** Probes the systems a paused profile depends on; throws what the system answered when refused. */
export type ProfileProbe = (profile: string, pausedReason: string | null) => Promise<void>;

export type Resumer = {
  /**
   * Probes every paused profile whose next probe is due (`force`: all of them now). Returns the
   * resumed ones. `here` says whether this process is the one to probe a profile (the holder of
   * its discovery duty, with several processes on one store): a due profile it is not for is
   * looked at again a few seconds later, its backoff untouched. `force` probes regardless.
   */
  runOnce(options?: { force?: boolean; here?: (profile: string) => Promise<boolean> }): Promise<string[]>;
  /** When the next probe of a paused profile is due (ms), or null when none is planned. */
  nextProbeAt(profile: string): number | null;
};

/** How soon a process that is not the one to probe a profile looks again (the holder may die). */
const NOT_HERE_RECHECK_MS = 5_000;

type ProbeState = { failures: number; nextAt: number; resumes: number; lastResumeAt: number; paused: boolean };

export function createResumer(options: {
  store: Store;
  probe: ProfileProbe;
  settings: (profile: string) => HealSettings;
  /** Profiles this process looks after (default: every paused one). */
  profiles?: string[];
  health?: HealthTracker;
  clock?: () => number;
  logger?: Logger;
  onResumed?: (profile: string, how: string) => void | Promise<void>;
}): Resumer {
  const { store, logger } = options;
  const clock = options.clock ?? Date.now;
  const states = new Map<string, ProbeState>();
  const delay = (profile: string, n: number): number => {
    const s = options.settings(profile);
    return Math.min(s.maxProbeSeconds, s.probeSeconds * 2 ** Math.max(0, n - 1)) * 1000;
  };
  return {
    nextProbeAt: (profile) => states.get(profile)?.nextAt ?? null,
    async runOnce(runOptions = {}) {
      const resumed: string[] = [];
      for (const p of await store.listProfiles()) {
        if (options.profiles !== undefined && !options.profiles.includes(p.profile)) continue;
        const now = clock();
        let state = states.get(p.profile);
        if (state === undefined) {
          state = { failures: 0, nextAt: now, resumes: 0, lastResumeAt: 0, paused: false };
          states.set(p.profile, state);
        }
        if (!p.paused || p.pausedReason === TURNED_OFF_REASON) {
          state.paused = false;
          continue;
        }
        if (!state.paused) {
          // A new pause: probe at once, unless it comes soon after an automatic resume.
          state.paused = true;
          state.failures = 0;
          const quick = state.resumes > 0 && now - state.lastResumeAt < 10 * 60_000;
          state.nextAt = quick ? now + delay(p.profile, state.resumes) : now;
        }
        if (!runOptions.force && now < state.nextAt) continue;
        if (!runOptions.force && runOptions.here !== undefined && !(await runOptions.here(p.profile))) {
          state.nextAt = now + NOT_HERE_RECHECK_MS;
          continue;
        }
        try {
          await options.probe(p.profile, p.pausedReason);
        } catch (error) {
          state.failures += 1;
          state.nextAt = clock() + delay(p.profile, state.failures);
          const system = systemOf(error) ?? 'cetec';
          logger?.info({ profile: p.profile, system, nextProbeAt: new Date(state.nextAt).toISOString(), err: error }, 'paused profile: probe refused; trying again later');
          await options.health?.failed(p.profile, system, error, state.nextAt);
          continue;
        }
        // Accepted: resume, unless someone resumed or re-paused it meanwhile for another reason.
        const current = await store.getProfile(p.profile);
        if (!current.paused || current.pausedReason !== p.pausedReason) continue;
        await store.updateProfile(p.profile, { paused: false });
        state.resumes = clock() - state.lastResumeAt < 10 * 60_000 ? state.resumes + 1 : 1;
        state.lastResumeAt = clock();
        state.paused = false;
        resumed.push(p.profile);
        const how = `a probe was accepted (paused for: ${redactText(p.pausedReason ?? 'unknown')})`;
        logger?.info({ profile: p.profile }, `profile resumed: ${how}`);
        await store.addAudit({ actor: 'shopwire', action: 'resume', profile: p.profile, detail: `resumed by itself: ${how}` });
        await options.onResumed?.(p.profile, how);
      }
      return resumed;
    },
  };
}

/** Operators: resume a paused profile now (CLI, dashboard); recorded in the audit log. */
export async function resumeProfile(store: Store, profile: string, actor: string): Promise<{ resumed: boolean; reason: string | null }> {
  const current = await store.getProfile(profile);
  if (!current.paused) return { resumed: false, reason: null };
  await store.updateProfile(profile, { paused: false });
  await store.addAudit({ actor, action: 'resume', profile, detail: `resumed by hand (was paused: ${current.pausedReason ?? 'no reason recorded'})` });
  return { resumed: true, reason: current.pausedReason };
}
