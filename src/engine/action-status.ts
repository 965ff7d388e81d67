/**
 * Paperless Parts integration actions follow their job: `in_progress` while the job is unfinished,
 * then `completed` with the Cetec numbers, `failed` with a short reason, or `cancelled`. The store
 * keeps, per action, the last status we reported, so reporting is a reconciliation: run it after
 * each state change and again on every discovery pass, and an action whose update was lost (Paperless
 * down, crash) catches up.
 */
import type { Logger } from 'pino';
import type { TransferRecorder } from '../lib/transfer.ts';
import type { ActionLink, JobRecord, Store } from '../store/store.ts';
import { readableError } from './classify.ts';
import type { ActionStatusUpdate, PaperlessPort } from './ports.ts';
import { importOutcomeSchema } from './stored-state.ts';

/** Paperless shows at most this many characters of a status message (reference §5.4). */
export const STATUS_MESSAGE_MAX = 250;
export const FINAL_ACTION_STATUSES = ['completed', 'failed', 'cancelled', 'timed_out'] as const;
export const OPEN_ACTION_STATUSES = ['queued', 'in_progress'];

const cut = (text: string): string => (text.length <= STATUS_MESSAGE_MAX ? text : `${text.slice(0, STATUS_MESSAGE_MAX - 1)}…`);

/** The status an action should show for its job now. */
export function actionStatusFor(job: JobRecord): { status: ActionStatusUpdate['status']; message: string | null } {
  switch (job.state) {
    case 'done':
      return { status: 'completed', message: cut(doneMessage(job)) };
    case 'needs-attention':
      return { status: 'failed', message: cut(readableError(job.lastError) || `order ${job.key} needs attention in shopwire`) };
    case 'cancelled':
      return { status: 'cancelled', message: cut(readableError(job.lastError) || 'cancelled in shopwire') };
    default:
      return { status: 'in_progress', message: null };
  }
}

function doneMessage(job: JobRecord): string {
  const result = job.result as { imports?: unknown[] } | null;
  const imports = (result?.imports ?? []).map((i) => importOutcomeSchema.safeParse(i)).filter((p) => p.success).map((p) => p.data!);
  const quotes = imports.flatMap((i) => i.quotes);
  const orders = imports.flatMap((i) => i.orders);
  if (imports.length > 0 && imports.every((i) => i.numbersKnown)) {
    const parts = [quotes.length > 0 ? `quote ${quotes.join(', ')}` : null, orders.length > 0 ? `sales order ${orders.join(', ')}` : null].filter(Boolean);
    return `Exported to Cetec: ${parts.join(', ')}.`;
  }
  if (imports.length > 0) return `Exported to Cetec (order already existed under external key ${imports.flatMap((i) => i.externalKeys).join(', ')}; numbers not reported by Cetec).`;
  return 'Exported to Cetec.';
}

export type ActionReporter = {
  /** Brings the actions of one job up to date; `ctx.recorder` records the calls (default: among the job's transfers). */
  reportJob(job: JobRecord, ctx?: { recorder?: TransferRecorder }): Promise<void>;
  /** Brings every open action of a profile up to date; returns how many were updated. */
  reconcile(profile: string): Promise<number>;
};

export function createActionReporter(options: { store: Store; paperless: (profile: string) => PaperlessPort; logger?: Logger }): ActionReporter {
  const { store } = options;

  // Each update is recorded among the transfers of the action's job.
  const update = async (link: ActionLink, job: JobRecord | null, recorder: TransferRecorder = store.recorderFor(link.jobId)): Promise<boolean> => {
    const want = job === null ? { status: 'failed' as const, message: 'the job for this action no longer exists in shopwire' } : actionStatusFor(job);
    if (want.status === link.status && (want.message ?? null) === link.message) return false;
    await options.paperless(link.profile).updateIntegrationAction(link.actionUuid, {
      status: want.status,
      status_message: want.message,
      ...(want.status === 'in_progress' ? { current_record_count: 1 } : {}),
    }, { recorder });
    await store.setActionStatus(link.actionUuid, want.status, want.message);
    return true;
  };

  return {
    async reportJob(job, ctx) {
      for (const link of await store.listActions({ jobId: job.id, statuses: OPEN_ACTION_STATUSES })) await update(link, job, ctx?.recorder);
    },
    async reconcile(profile) {
      let n = 0;
      for (const link of await store.listActions({ profile, statuses: OPEN_ACTION_STATUSES })) {
        try {
          if (await update(link, await store.getJob(link.jobId))) n++;
        } catch (error) {
          options.logger?.warn({ err: error, action: link.actionUuid }, 'could not report an integration action; will try again');
        }
      }
      return n;
    },
  };
}
