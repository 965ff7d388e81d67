/**
 * A once-only duty run from a schedule: each tick runs the task only on the process holding the
 * duty's lease in the store (`store.holdDuty`), so with several hub processes on one store a
 * profile's discovery (new orders, integration events with its on/off handling, heartbeats) runs on
 * one of them at a time. The holder renews the lease at every tick and every third of the lease
 * while its task runs; a holder that dies stops renewing and another process takes the duty at its
 * first tick after the lease ran out (at once when the holder was a process of the same machine
 * that is gone: a restart). A clean stop releases it at once.
 *
 * What keeps two overlapping runs harmless should a holder stall past its lease (a blocked event
 * loop): jobs are unique per order, events are stored once, and the cursor never moves backwards.
 */
import type { Logger } from '../lib/log.ts';
import type { Store } from '../store/store.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

export type DutyOptions = {
  store: Store;
  /** e.g. `discovery:<profile>` */
  duty: string;
  owner: string;
  leaseMs: number;
  /**
   * Whether a holder is known to be dead (a process of this machine that no longer exists): its
   * duty is taken at once instead of after its lease, so a restarted hub does not wait for the
   * lease of the process it replaces.
   */
  holderGone?: (owner: string) => boolean;
  logger?: Logger;
};

export type DutyRun<T> = { ran: true; value: T } | { ran: false; holder: string | null };

export type Duty = {
  /** Runs `task` if this process holds (or can take) the duty; otherwise does nothing. */
  runIfHeld<T>(task: () => Promise<T>): Promise<DutyRun<T>>;
  /** Gives the duty up (a clean stop). */
  release(): Promise<void>;
  /** Whether the last attempt to take or renew it succeeded. */
  readonly held: boolean;
};

export const dutyName = {
  discovery: (profile: string): string => `discovery:${profile}`,
};

export function createDuty(options: DutyOptions): Duty {
  const { store, duty, owner, leaseMs, logger } = options;
  let held = false;
  const hold = async (): Promise<boolean> => {
    const was = held;
    held = await store.holdDuty(duty, owner, leaseMs);
    if (held && !was) logger?.info({ duty, owner }, 'this process now holds the duty');
    if (!held && was) logger?.warn({ duty, owner }, 'the duty moved to another process');
    return held;
  };
  return {
    get held() {
      return held;
    },
    async runIfHeld(task) {
      if (!(await hold())) {
        const holder = (await store.listDuties()).find((d) => d.duty === duty)?.owner ?? null;
        if (holder === null || holder === owner || !options.holderGone?.(holder)) return { ran: false, holder };
        held = await store.holdDuty(duty, owner, leaseMs, { replacing: holder });
        if (!held) return { ran: false, holder };
        logger?.info({ duty, owner, replaced: holder }, 'took over the duty from a process of this machine that is gone');
      }
      const renew = setInterval(() => void hold().catch((error: unknown) => logger?.warn({ err: error, duty }, 'could not renew the duty lease')), Math.max(1, Math.floor(leaseMs / 3)));
      try {
        return { ran: true, value: await task() };
      } finally {
        clearInterval(renew);
        // Renewed at the end too, so the holder keeps it until its next tick.
        await hold().catch(() => undefined);
      }
    },
    async release() {
      if (!held) return;
      held = false;
      await store.releaseDuty(duty, owner);
    },
  };
}

/**
 * Keeps every duty a process holds between its ticks: all of them renewed in one statement every
 * third of the lease. So a schedule's tick is evaluated by the holder alone (a process that does not
 * hold the duty finds it held and does nothing), and another process takes a duty only when its
 * holder stopped renewing (it died) or released it (a clean stop).
 */
export function createDutyKeeper(options: { store: Store; owner: string; leaseMs: number; logger?: Logger }): Scheduler {
  const { store, owner, leaseMs, logger } = options;
  return createScheduler({
    every: Math.max(1_000, Math.floor(leaseMs / 3)),
    immediately: false,
    run: () => store.renewDuties(owner, leaseMs),
    onError: (error) => logger?.warn({ err: error, owner }, 'could not renew the duty leases; trying again'),
  });
}
