/**
 * Runs a task at a fixed interval (no jitter: "every 5 minutes" means every 5 minutes), or at the
 * times of a cron expression, never two runs at once: a tick that comes while the previous run is
 * still going is skipped, not queued. `stop()` cancels the timer and waits for a run in progress.
 */
import type { CronSchedule } from '../lib/cron.ts';

/** When a scheduler ticks: every `every` ms from its start, or at each time of `cron`. */
export type Timing = { every: number; cron?: undefined } | { cron: CronSchedule; every?: undefined };

export type SchedulerOptions = Timing & {
  /** `due`: the time this tick was scheduled for (a cron time, a grid time, or now for a start or a manual tick). */
  run: (due: number) => Promise<unknown>;
  /** Run once at start (default true). */
  immediately?: boolean;
  onError?: (error: unknown) => void;
  clock?: () => number;
};

/** Longest single timer; a later cron time is waited for in steps (setTimeout takes at most ~24.8 days). */
const MAX_WAIT_MS = 3_600_000;

/** The next tick of `timing` after `now` (for an interval: `now` + the interval); null when there is none. */
export function nextTickAfter(timing: Timing, now: number): number | null {
  return timing.cron ? timing.cron.next(now) : now + timing.every;
}

export type Scheduler = {
  start(): void;
  stop(): Promise<void>;
  /** Runs now unless a run is in progress; resolves when that run ends. */
  tick(): Promise<void>;
  readonly runs: number;
  readonly skipped: number;
};

export function createScheduler(options: SchedulerOptions): Scheduler {
  const cron = options.cron ?? null;
  if (cron === null && !((options.every ?? 0) > 0)) throw new Error('scheduler: `every` must be a positive number of milliseconds');
  const every = options.every ?? 0;
  const clock = options.clock ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let started = 0;
  let stopped = true;
  let runs = 0;
  let skipped = 0;

  const tick = (due: number = clock()): Promise<void> => {
    if (current !== null) {
      skipped++;
      return current;
    }
    runs++;
    current = options
      .run(due)
      .then(
        () => undefined,
        (error: unknown) => options.onError?.(error),
      )
      .finally(() => {
        current = null;
      });
    return current;
  };

  // The cron time last ticked: the next is strictly after it, even should a timer fire a little early.
  let lastDue = 0;
  const scheduleCron = (schedule: CronSchedule): void => {
    if (stopped) return;
    const now = clock();
    const due = schedule.next(Math.max(now, lastDue));
    if (due === null) return;
    const wait = due - now;
    if (wait > MAX_WAIT_MS) {
      timer = setTimeout(() => scheduleCron(schedule), MAX_WAIT_MS);
      return;
    }
    timer = setTimeout(() => {
      lastDue = due;
      void tick(due);
      scheduleCron(schedule);
    }, Math.max(0, wait));
  };

  const schedule = () => {
    if (stopped) return;
    if (cron !== null) return scheduleCron(cron);
    // Next boundary of the fixed grid that started at start(); drift-free.
    const elapsed = clock() - started;
    const wait = every - (elapsed % every);
    const due = clock() + wait;
    timer = setTimeout(() => {
      void tick(due);
      schedule();
    }, wait);
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      started = clock();
      if (options.immediately ?? true) void tick();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (current !== null) await current;
    },
    tick: () => tick(),
    get runs() {
      return runs;
    },
    get skipped() {
      return skipped;
    },
  };
}
