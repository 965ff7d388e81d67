/**
 * A DesignInbox in memory, for tests only: jobs keyed by (design, alternative, version), a repeat
 * with the same hash is recognised, a changed one re-processed. Each new or changed job runs
 * `process` at once in the background. The production inbox is the store's job queue.
 */
import type { DesignInbox, DesignInboxInput, DesignOutcome } from '../../src/server/cablebuilder-receiver.ts';

export type MemoryInbox = DesignInbox & {
  jobs: Map<string, { input: DesignInboxInput; runs: number; outcome: Promise<DesignOutcome> }>;
  /** When set, `receive` throws (a store that is down). */
  failNext: boolean;
  /** What the receiver recorded it answered, per job, in order. */
  answers: Map<string, Array<{ status: string; message: string }>>;
  reportsLater: boolean;
};

export function createMemoryInbox(process: (input: DesignInboxInput) => Promise<DesignOutcome>): MemoryInbox {
  const jobs: MemoryInbox['jobs'] = new Map();
  const inbox: MemoryInbox = {
    jobs,
    failNext: false,
    answers: new Map(),
    reportsLater: true,
    async recordAnswer(jobId, status, message) {
      inbox.answers.set(jobId, [...(inbox.answers.get(jobId) ?? []), { status, message }]);
    },
    async receive(input) {
      if (inbox.failNext) {
        inbox.failNext = false;
        throw new Error('store unavailable');
      }
      const jobId = `${input.design}#${input.alternative}@${input.version ?? '-'}`;
      const existing = jobs.get(jobId);
      if (existing !== undefined && existing.input.payloadHash === input.payloadHash) return { jobId, created: false, changed: false };
      const run = (): Promise<DesignOutcome> =>
        process(input).catch((error: unknown) => ({ state: 'failed' as const, errors: [(error as Error).message] }));
      jobs.set(jobId, { input, runs: (existing?.runs ?? 0) + 1, outcome: run() });
      return { jobId, created: existing === undefined, changed: existing !== undefined };
    },
    async waitForOutcome(jobId, budgetMs) {
      const job = jobs.get(jobId);
      if (job === undefined) return null;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), budgetMs);
      });
      try {
        return await Promise.race([job.outcome, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return inbox;
}
