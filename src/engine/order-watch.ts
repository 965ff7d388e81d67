/**
 * Orders change after their export. Paperless Parts sends `order.status_changed` (a status is all
 * it says), and a shop can cancel or edit an order without any event reaching us (polling only, or
 * a lost push). So an exported order is re-read, on its status-change event and by a periodic
 * sweep of exports done in the last `recheckDays`, and compared with what was exported:
 *
 * - gone (404), or now in a status that is not exported (cancelled, on hold, …), or translating to
 *   a different plan (quantities, prices, dates, addresses, BOM, routing) → the job goes to
 *   needs-attention with what changed and what to do in Cetec. Nothing is sent to Cetec: changing
 *   or cancelling a sales order there is the operator's decision.
 * - an order that was skipped for its status and is now exportable → its job is replayed (exported).
 *
 * The comparison re-runs the translation with today's settings, so a changed mapping also shows
 * up as a change; the message says so. Each job is flagged once (a needs-attention job is not
 * re-checked); the operator cancels it once Cetec is right, or replays it to export again.
 */
import type { Logger } from 'pino';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { JobRecord, Store } from '../store/store.ts';
import type { Plan } from '../translate/plan.ts';
import { ORDER_NOT_EXPORTABLE, orderStatusOf } from './order-export.ts';
import type { PaperlessPort } from './ports.ts';
import { importOutcomeSchema, parseStoredPlan } from './stored-state.ts';

export const ORDER_CHANGED = 'paperless.order_changed_after_export';

export type OrderWatchOptions = {
  store: Store;
  profile: string;
  paperless: Pick<PaperlessPort, 'getOrder' | 'setOrderErpCode'>;
  /** The `erp_code` a done job's order should show (erp-code.ts); absent or null: not written. */
  erpCode?: (job: JobRecord) => string | null;
  /** The same translation the export used (pure). */
  translate: (order: unknown) => Plan;
  exportStatuses: readonly string[];
  /** Exports done within this many days are swept; 0 turns the sweep off (events still re-check). */
  recheckDays: number;
  /** Orders re-read per sweep. */
  perPass: number;
  /** Least time between two sweeps of this process (the first sweep runs at once). */
  everyMs?: number;
  clock?: () => number;
  logger?: Logger;
};

export type OrderWatch = {
  /** Re-reads one order whose job is done or skipped; returns what happened (for the event's outcome). */
  recheck(orderNumber: number, why: string): Promise<string>;
  /** Re-reads the next few recent exports and skipped orders (at most every `everyMs`); returns how many were re-read. */
  sweep(): Promise<number>;
};

const MAX_DIFFS = 6;

/** Up to `max` differences between two JSON values, as `path: old → new`. */
export function jsonDiff(a: unknown, b: unknown, path = '', out: string[] = [], max = MAX_DIFFS): string[] {
  if (out.length >= max) return out;
  if (a === b) return out;
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i)) : [...new Set([...Object.keys(a), ...Object.keys(b as object)])];
    for (const k of keys) {
      const next = Array.isArray(a) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
      jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], next, out, max);
      if (out.length >= max) break;
    }
    return out;
  }
  out.push(`${path || '(all)'}: ${short(a)} → ${short(b)}`);
  return out;
}

function short(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= 60 ? text : `${text.slice(0, 57)}…`;
}

/** The plan's steps as compared: only what is sent to Cetec (warnings are not). */
function sentBodies(plan: Plan): unknown {
  return plan.steps.map((s) => ({ kind: s.kind, body: s.body }));
}

/** "sales order 5001 (quote 1001)" from a done job's result, or a neutral phrase. */
export function exportedAs(job: JobRecord): string {
  const imports = ((job.result as { imports?: unknown[] } | null)?.imports ?? []).map((i) => importOutcomeSchema.safeParse(i)).filter((p) => p.success).map((p) => p.data!);
  const orders = imports.flatMap((i) => i.orders);
  const quotes = imports.flatMap((i) => i.quotes);
  if (orders.length > 0) return `sales order ${orders.join(', ')}${quotes.length > 0 ? ` (quote ${quotes.join(', ')})` : ''}`;
  const keys = imports.flatMap((i) => i.externalKeys);
  return keys.length > 0 ? `the sales order with external key ${keys.join(', ')}` : 'its sales order';
}

export function createOrderWatch(options: OrderWatchOptions): OrderWatch {
  const { store, profile, logger } = options;
  const clock = options.clock ?? Date.now;
  // Where the sweep goes on next (per process; a fresh `sync` starts with the newest exports).
  let doneOffset = 0;
  let skippedOffset = 0;
  let lastSweep: number | null = null;

  async function flag(job: JobRecord, what: string, todo: string): Promise<string> {
    const message = redactText(`order ${job.key} ${what} after its export to Cetec as ${exportedAs(job)}. Nothing was changed in Cetec: ${todo} Then cancel this job (or replay it to export the order again).`);
    const result = await store.flagJob(job.id, { code: ORDER_CHANGED, kind: 'data', message, where: `order ${job.key}` });
    logger?.warn({ profile, order: job.key, jobId: job.id }, message);
    return result.ok ? `needs attention: ${what}` : `not flagged: ${result.reason}`;
  }

  async function recheckJob(job: JobRecord, why: string): Promise<string> {
    const number = Number(job.key);
    const order = await options.paperless.getOrder(number);
    if (job.state === 'cancelled') {
      if (job.lastError?.code !== ORDER_NOT_EXPORTABLE || order === null) return `unchanged: order ${number} is still skipped`;
      const status = orderStatusOf(order);
      if (status === null || !options.exportStatuses.includes(status)) return `unchanged: order ${number} is still ${status ?? 'without a status'}`;
      const replayed = await store.replayJob(job.id);
      return replayed.ok ? `order ${number} is now ${status}: exported (job ${job.id} replayed)` : `not replayed: ${replayed.reason}`;
    }
    if (job.state !== 'done') return `unchanged: job ${job.id} is ${job.state}`;
    if (order === null) return flag(job, 'no longer exists in Paperless Parts (HTTP 404)', `find out why it was deleted and cancel or keep ${exportedAs(job)} in Cetec.`);
    const status = orderStatusOf(order);
    if (status === null || !options.exportStatuses.includes(status)) {
      const now = status === null ? 'has lost its status' : `is now ${JSON.stringify(status)}`;
      const todo = status === 'cancelled' ? `cancel ${exportedAs(job)} in Cetec (and any work orders made from it).` : `put ${exportedAs(job)} on hold in Cetec, or cancel it, to match.`;
      return flag(job, `${now} in Paperless Parts (${why})`, todo);
    }
    let fresh: Plan;
    try {
      fresh = options.translate(order);
    } catch (error) {
      if (!(error instanceof ShopwireError) || error.kind !== 'data') throw error;
      return flag(job, `was changed in Paperless Parts so that it no longer translates (${redactText(error.message).slice(0, 200)})`, `compare the order with ${exportedAs(job)} in Cetec and correct the sales order by hand.`);
    }
    const exported = parseStoredPlan(job.plan, job.id);
    const diffs = jsonDiff(sentBodies(exported), sentBodies(fresh));
    if (diffs.length === 0) {
      // A write-back lost earlier (Paperless down, crash) is made now.
      const want = options.erpCode?.(job) ?? null;
      const shown = (order as { erp_code?: unknown }).erp_code;
      if (want !== null && shown !== want && options.paperless.setOrderErpCode !== undefined) {
        // Recorded among the job's transfers (with its last run), like the write-back it makes up for.
        await options.paperless.setOrderErpCode(number, want, { recorder: store.recorderFor(job.id) });
        return `unchanged: order ${number} matches its export; erp_code ${want} written back`;
      }
      return `unchanged: order ${number} matches its export`;
    }
    return flag(
      job,
      `changed in Paperless Parts (${why}; or shopwire's translation settings changed): ${diffs.join('; ')}`,
      `update ${exportedAs(job)} in Cetec to match (quantities, prices, dates, parts as listed).`,
    );
  }

  return {
    async recheck(orderNumber, why) {
      const job = await store.findJob('order-export', profile, String(orderNumber));
      if (job === null) return `no export of order ${orderNumber}`;
      return recheckJob(job, why);
    },
    async sweep() {
      if (options.recheckDays <= 0) return 0;
      if (lastSweep !== null && clock() - lastSweep < (options.everyMs ?? 0)) return 0;
      lastSweep = clock();
      const since = clock() - options.recheckDays * 86_400_000;
      let read = 0;
      const take = async (state: 'done' | 'cancelled', offset: number, budget: number): Promise<number> => {
        const { jobs } = await store.listJobs({ state, profile, flow: 'order-export', limit: budget, offset });
        const recent = jobs.filter((j) => (j.finishedAt ?? j.updatedAt) >= since && (state === 'done' || j.lastError?.code === ORDER_NOT_EXPORTABLE));
        for (const job of recent) {
          try {
            await recheckJob(job, 'periodic re-check');
          } catch (error) {
            if (error instanceof ShopwireError && (error.kind === 'auth' || error.kind === 'config')) throw error;
            logger?.warn({ err: error, order: job.key }, 're-checking an exported order failed; tried again on a later pass');
          }
          read++;
        }
        // Back to the newest once the window or the list runs out.
        return jobs.length < budget || recent.length < jobs.length ? 0 : offset + jobs.length;
      };
      const skippedBudget = Math.max(1, Math.floor(options.perPass / 4));
      doneOffset = await take('done', doneOffset, Math.max(1, options.perPass - skippedBudget));
      skippedOffset = await take('cancelled', skippedOffset, skippedBudget);
      return read;
    },
  };
}
