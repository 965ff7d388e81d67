/**
 * CableBuilder always learns the real outcome of a design it sent (reference S9, S10).
 *
 * The receiver answers every Send Design with what it knows then: the final outcome when the
 * import ended within the sync budget, otherwise `success: true` "queued" (CableBuilder then marks
 * the version as in the ERP, A-37). Before answering it records what it told CableBuilder, in the
 * store, as a link beside the job (`cablebuilder:<job id>`, one per job; the store's integration
 * action links, which hold "the last status we reported to an outside system" for Paperless too).
 * Reporting is then a reconciliation, like Paperless action statuses (action-status.ts): after each
 * state change of the job, and on a timer (so a crash, a CableBuilder outage or a lost race catch
 * up), a job whose final outcome differs from what CableBuilder was last told gets Update Design
 * with the write-back attributes: the Cetec part, revision and status on success; on failure the
 * failed status and the message saying what failed and that the design is not in the ERP. The link
 * changes only once CableBuilder accepted the update (every attribute `success: true`). Update
 * Design sets absolute values, so sending it again after a lost answer is safe.
 *
 * Link statuses (distinct from Paperless's, whose reporter never reads these):
 * - `told-queued`, `told-done`, `told-failed`: what CableBuilder was last told, and accepted;
 * - `report-owed`: a final outcome is still to be delivered (the last attempt failed for a reason
 *   that may pass: CableBuilder down, a timeout); retried on every pass;
 * - `report-refused`: CableBuilder refused the update (an attribute it does not know, the design
 *   gone); retried every `refusedRetryMs`, so fixing CableBuilder's configuration is enough.
 * The link's message says what was told, or why the last attempt failed; the Update Design calls
 * are recorded among the job's transfers. Both show on the job page.
 */
import type { Logger } from 'pino';
import type { ActionLink, JobRecord, Store } from '../store/store.ts';
import type { TransferRecorder } from '../lib/transfer.ts';
import type { CommonDesign } from '../systems/cablebuilder/schemas.ts';
import type { DesignWriteResult } from '../systems/cablebuilder/client.ts';
import { outcomeMessage, toWriteBack, type ImportStatus, type WriteBackOptions } from '../systems/cablebuilder/send-design-contract.ts';
import { ShopwireError } from '../lib/errors.ts';
import { readableError } from './classify.ts';

export const CABLEBUILDER_LINK_PREFIX = 'cablebuilder:';
export const TOLD_STATUSES = ['told-queued', 'told-done', 'told-failed'] as const;
export const UNSETTLED_STATUSES = ['told-queued', 'report-owed', 'report-refused'] as const;
export type ReportStatus = (typeof TOLD_STATUSES)[number] | 'report-owed' | 'report-refused';

export const linkIdOf = (jobId: string): string => `${CABLEBUILDER_LINK_PREFIX}${jobId}`;

/** Update Design, recorded among a job's transfers. */
export type DesignUpdatePort = {
  updateDesign(design: CommonDesign, ctx?: { recorder?: TransferRecorder }): Promise<DesignWriteResult>;
};

export type DesignReporterOptions = {
  store: Store;
  cablebuilder: DesignUpdatePort;
  writeBack: WriteBackOptions;
  /** The design and the Cetec part and revision a job defines (pure functions of its stored payload). */
  factsOf(job: JobRecord): { top: CommonDesign; prcpart: string; revision: string };
  /** How long a refused report waits before it is tried again (default 10 minutes). */
  refusedRetryMs?: number;
  /**
   * How long after a "queued" answer the outcome waits before it is sent (default 5 s): CableBuilder
   * applies the answer's own `update` (status "queued") when the answer arrives, and an Update
   * Design that overtook it would be overwritten.
   */
  answerGraceMs?: number;
  now?: () => number;
  logger?: Logger;
};

export interface DesignReporter {
  /** Durably records what the receiver is about to answer for a job (before it answers). */
  told(job: { jobId: string; profile: string }, status: ImportStatus, message: string): Promise<void>;
  /** Durably records that CableBuilder is owed the job's outcome without having been answered (a pull). */
  owe(job: { jobId: string; profile: string }, message: string): Promise<void>;
  /** The job's link: what CableBuilder was told last, or why a report is still owed; null when none. */
  linkOf(jobId: string): Promise<ActionLink | null>;
  /** Brings CableBuilder up to date with one job; true when an update was accepted. Never throws. */
  reportJob(job: JobRecord): Promise<boolean>;
  /** Every unsettled link: reported when its job has ended. Returns how many updates were accepted. */
  reconcile(): Promise<number>;
}

/** A refused Update Design: CableBuilder answered, but did not store every attribute. */
export class DesignReportRefusedError extends ShopwireError {
  constructor(message: string) {
    super(message, { code: 'cablebuilder.report_refused', kind: 'data' });
  }
}

/** The outcome CableBuilder should know for a job now; null while the job has not ended. */
export function finalOutcome(job: JobRecord): 'done' | 'failed' | null {
  if (job.state === 'done') return 'done';
  if (job.state === 'needs-attention' || job.state === 'cancelled') return 'failed';
  return null;
}

export function createDesignReporter(options: DesignReporterOptions): DesignReporter {
  const { store } = options;
  const now = options.now ?? Date.now;
  const refusedRetryMs = options.refusedRetryMs ?? 10 * 60_000;
  const answerGraceMs = options.answerGraceMs ?? 5_000;
  const waiting = new Set<string>();

  const linkOf = async (jobId: string): Promise<ActionLink | null> =>
    (await store.listActions({ jobId })).find((l) => l.actionUuid === linkIdOf(jobId)) ?? null;

  /** What CableBuilder last accepted from us, from a link's status. */
  const toldOf = (link: ActionLink): 'done' | 'failed' | 'queued' | null =>
    link.status === 'told-done' ? 'done' : link.status === 'told-failed' ? 'failed' : link.status === 'told-queued' ? 'queued' : null;

  async function deliver(job: JobRecord, link: ActionLink, outcome: 'done' | 'failed'): Promise<boolean> {
    let update: CommonDesign | null;
    let message: string;
    try {
      const facts = options.factsOf(job);
      const reason = job.state === 'cancelled' ? 'the import was cancelled in shopwire' : readableError(job.lastError) || undefined;
      message = outcomeMessage({ prcpart: facts.prcpart, revision: facts.revision, status: outcome }, outcome === 'failed' ? reason : undefined);
      update = toWriteBack(facts.top, { prcpart: facts.prcpart, revision: facts.revision, status: outcome, message }, options.writeBack);
    } catch (error) {
      // The stored design no longer translates (the configuration changed): nothing sensible to write.
      await store.setActionStatus(link.actionUuid, 'report-refused', `cannot build the report: ${(error as Error).message}`);
      return false;
    }
    if (update === null) {
      // No write-back attribute is configured: there is nothing CableBuilder could be told.
      await store.setActionStatus(link.actionUuid, `told-${outcome}`, `${message} (not written: no write-back attribute configured)`);
      return false;
    }
    try {
      const result = await options.cablebuilder.updateDesign(update, { recorder: store.recorderFor(job.id) });
      if (!result.ok) {
        const failures = result.results.filter((r) => !r.success).map((r) => `${r.name}: ${r.message ?? 'not stored'}`);
        throw new DesignReportRefusedError(`CableBuilder did not store ${failures.join('; ')}`);
      }
    } catch (error) {
      const permanent = error instanceof DesignReportRefusedError || (error as { permanent?: unknown }).permanent === true;
      const reason = `Update Design failed (${outcome} not yet known to CableBuilder): ${(error as Error).message}`;
      await store.setActionStatus(link.actionUuid, permanent ? 'report-refused' : 'report-owed', reason);
      options.logger?.warn({ jobId: job.id, err: error }, 'could not report a design outcome to CableBuilder; will try again');
      return false;
    }
    await store.setActionStatus(link.actionUuid, `told-${outcome}`, `${message} (by Update Design)`);
    return true;
  }

  /** Jobs whose report is being delivered in this process: a timer and a pass must not both send it. */
  const inFlight = new Set<string>();

  async function report(job: JobRecord, seen: ActionLink | null): Promise<boolean> {
    if (seen === null || inFlight.has(job.id)) return false;
    inFlight.add(job.id);
    try {
      // Read again inside the guard: another delivery may have settled it since `seen` was read.
      return await reportOnce(job, await linkOf(job.id));
    } finally {
      inFlight.delete(job.id);
    }
  }

  async function reportOnce(job: JobRecord, link: ActionLink | null): Promise<boolean> {
    if (link === null) return false;
    const outcome = finalOutcome(job);
    if (outcome === null || toldOf(link) === outcome) return false;
    if (link.status === 'report-refused' && now() - link.updatedAt < refusedRetryMs) return false;
    const young = link.status === 'told-queued' ? answerGraceMs - (now() - link.updatedAt) : 0;
    if (young > 0) {
      // Too soon after the answer: once more when the grace is over (the timer pass also would).
      if (!waiting.has(job.id)) {
        waiting.add(job.id);
        setTimeout(() => {
          waiting.delete(job.id);
          store.getJob(job.id).then((fresh) => (fresh === null ? false : reporter.reportJob(fresh))).catch(() => false);
        }, young + 10).unref();
      }
      return false;
    }
    return deliver(job, link, outcome);
  }

  const reporter: DesignReporter = {
    async told(job, status, message) {
      const link = await store.attachAction({ actionUuid: linkIdOf(job.jobId), profile: job.profile, jobId: job.jobId, status: `told-${status}`, message });
      if (link.status !== `told-${status}` || link.message !== message) await store.setActionStatus(link.actionUuid, `told-${status}`, message);
    },
    async owe(job, message) {
      const link = await store.attachAction({ actionUuid: linkIdOf(job.jobId), profile: job.profile, jobId: job.jobId, status: 'report-owed', message });
      if (link.status !== 'report-owed' || link.message !== message) await store.setActionStatus(link.actionUuid, 'report-owed', message);
    },
    linkOf,
    async reportJob(job) {
      try {
        return await report(job, await linkOf(job.id));
      } catch (error) {
        options.logger?.warn({ jobId: job.id, err: error }, 'could not report a design outcome to CableBuilder; the next pass tries again');
        return false;
      }
    },
    async reconcile() {
      let n = 0;
      for (const link of await store.listActions({ statuses: [...UNSETTLED_STATUSES] })) {
        if (!link.actionUuid.startsWith(CABLEBUILDER_LINK_PREFIX)) continue;
        try {
          const job = await store.getJob(link.jobId);
          if (job !== null && (await report(job, link))) n++;
        } catch (error) {
          options.logger?.warn({ jobId: link.jobId, err: error }, 'could not report a design outcome to CableBuilder; the next pass tries again');
        }
      }
      return n;
    },
  };
  return reporter;
}
