/**
 * The health of each outside system per profile, as the engine sees it: a failed call (poll, job
 * step, probe) starts or continues an outage with its error, since when and the next try; a
 * success ends it. Kept in the store (`system_health`) so `status`, the dashboard, /readyz and
 * /metrics of any process see it, and so an outage survives a restart.
 *
 * Only failures that say something about the other system count: transient, ambiguous, auth and
 * config errors carrying the system they came from. A data error (a bad order) is not an outage.
 * Successes are written when they change something or at most once a minute per system, not
 * once per job.
 */
import type { Logger } from 'pino';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { Store, SystemHealth } from '../store/store.ts';

export const SYSTEMS = ['paperless', 'cetec', 'cablebuilder'] as const;

export type HealthChange =
  | { kind: 'failing'; profile: string; system: string; health: SystemHealth }
  | { kind: 'recovered'; profile: string; system: string; health: SystemHealth; downSince: number };

export type HealthTracker = {
  failed(profile: string, system: string, error: unknown, nextTryAt: number | null): Promise<void>;
  succeeded(profile: string, system: string): Promise<void>;
};

/** The outside system an error came from (its `details.system`, else its code's prefix), or null. */
export function systemOf(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (!(e instanceof ShopwireError)) continue;
    const named = e.details?.system;
    if (typeof named === 'string' && (SYSTEMS as readonly string[]).includes(named)) return named;
    const prefix = e.code.split('.')[0]!;
    if ((SYSTEMS as readonly string[]).includes(prefix)) return prefix;
  }
  return null;
}

/** Whether an error says the other system is failing (not the data, not shopwire). */
export function isOutage(error: unknown): boolean {
  if (!(error instanceof ShopwireError)) return false;
  return error.kind === 'transient' || error.kind === 'ambiguous' || error.kind === 'auth' || error.kind === 'config';
}

export function createHealthTracker(options: {
  store: Store;
  clock?: () => number;
  logger?: Logger;
  /** Called when an outage starts or grows, and when it ends. */
  onChange?: (change: HealthChange) => void | Promise<void>;
}): HealthTracker {
  const { store, logger } = options;
  const clock = options.clock ?? Date.now;
  // Last success written per (profile, system), to write "still fine" at most once a minute.
  const lastOkWritten = new Map<string, number>();
  const failing = new Set<string>();
  const changed = async (change: HealthChange): Promise<void> => {
    try {
      await options.onChange?.(change);
    } catch (error) {
      logger?.warn({ err: error }, 'handling a health change failed');
    }
  };
  return {
    async failed(profile, system, error, nextTryAt) {
      const key = `${profile}\u0000${system}`;
      const code = error instanceof ShopwireError ? error.code : 'internal.unexpected';
      const message = redactText(error instanceof Error ? error.message : String(error));
      try {
        const { after } = await store.recordHealth(profile, system, { ok: false, code, message, nextTryAt });
        failing.add(key);
        lastOkWritten.delete(key);
        await changed({ kind: 'failing', profile, system, health: after });
      } catch (storeError) {
        logger?.warn({ err: storeError, profile, system }, 'recording a failure of an outside system failed');
      }
    },
    async succeeded(profile, system) {
      const key = `${profile}\u0000${system}`;
      const last = lastOkWritten.get(key);
      if (last !== undefined && !failing.has(key) && clock() - last < 60_000) return;
      try {
        const { before, after } = await store.recordHealth(profile, system, { ok: true });
        lastOkWritten.set(key, clock());
        failing.delete(key);
        if (before?.failingSince !== null && before?.failingSince !== undefined) {
          await changed({ kind: 'recovered', profile, system, health: after, downSince: before.failingSince });
        }
      } catch (storeError) {
        logger?.warn({ err: storeError, profile, system }, 'recording a success of an outside system failed');
      }
    },
  };
}
