/**
 * Runs a task at a fixed interval (no jitter: "every 5 minutes" means every 5 minutes), never two
 * runs at once: a tick that comes while the previous run is still going is skipped, not queued.
 * `stop()` cancels the timer and waits for a run in progress.
 */
export type SchedulerOptions = {
  every: number;
  run: () => Promise<unknown>;
  /** Run once at start (default true). */
  immediately?: boolean;
  onError?: (error: unknown) => void;
  clock?: () => number;
};

export type Scheduler = {
  start(): void;
  stop(): Promise<void>;
  /** Runs now unless a run is in progress; resolves when that run ends. */
  tick(): Promise<void>;
  readonly runs: number;
  readonly skipped: number;
};

export function createScheduler(options: SchedulerOptions): Scheduler {
  if (!(options.every > 0)) throw new Error('scheduler: `every` must be a positive number of milliseconds');
  const clock = options.clock ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let started = 0;
  let stopped = true;
  let runs = 0;
  let skipped = 0;

  const tick = (): Promise<void> => {
    if (current !== null) {
      skipped++;
      return current;
    }
    runs++;
    current = options
      .run()
      .then(
        () => undefined,
        (error: unknown) => options.onError?.(error),
      )
      .finally(() => {
        current = null;
      });
    return current;
  };

  const schedule = () => {
    if (stopped) return;
    // Next boundary of the fixed grid that started at start(); drift-free.
    const elapsed = clock() - started;
    const wait = options.every - (elapsed % options.every);
    timer = setTimeout(() => {
      void tick();
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
    tick,
    get runs() {
      return runs;
    },
    get skipped() {
      return skipped;
    },
  };
}
