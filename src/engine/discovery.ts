/**
 * Discovery, per profile: finds work in Paperless Parts and turns it into jobs in the store.
 *
 * 1. New orders: `newOrderNumbers(cursor)` → one job per number (a page of them per transaction) → the cursor advances only after
 *    the jobs are stored (a crash in between repeats the enqueue, which is idempotent). The first
 *    pass starts after the configured `startAfterOrder`, never at "the newest order" (that would
 *    silently skip history, reference §7.1 item 6).
 * 2. Integration actions: polled events are written to the inbox before anything is done with
 *    them, because polling marks them delivered (reference §5.3: reading is acknowledging). Each
 *    `integration_action.requested` event → enqueue (or attach to) the job for that order, keyed
 *    by order number, not action uuid (a shop's retry is a new action for the same order) → the
 *    action goes `in_progress` and then follows the job (action-status.ts).
 *    `integration.turned_off` pauses the profile and cancels every open action (all of them, not
 *    the first only, reference §8); `integration.turned_on` resumes it.
 * 3. Heartbeat every `heartbeatEveryMs`.
 *
 * Nothing read from Paperless Parts can stop a pass (docs/paperless-parts.md, "What discovery
 * skips"): each stored event is handled on its own. One that cannot be read or acted on (an action
 * without an order number, with a status nobody documents, one that answers 404, an event type
 * nobody documents, an event that is not even an event) is quarantined: marked handled with the
 * outcome `quarantined <reason>: <message>`, so it is never fetched or handled again, shown by
 * `status`, the dashboard and `/metrics`, and the next event is handled. A passing failure
 * (Paperless down, rate limited, an unexpected error) leaves that one event in the inbox for the
 * next pass and goes on with the others. Only refused credentials or configuration end a pass
 * early, because every call after them would fail the same way. Each stage (heartbeat, poll,
 * inbox, new orders, action reports) runs even when an earlier one failed.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { StoredEvent, Store } from '../store/store.ts';
import type { ActionReporter } from './action-status.ts';
import { OPEN_ACTION_STATUSES } from './action-status.ts';
import {
  ACTED_ON_EVENT_TYPES,
  classifyEventType,
  EVENT_TYPES,
  eventFacts,
  FINISHED_ACTION_STATUSES,
  OPEN_REQUEST_STATUSES,
  orderNumberFrom,
  quarantineOutcome,
} from './event-types.ts';
import { ORDER_NOT_EXPORTABLE } from './order-export.ts';
import type { OrderWatch } from './order-watch.ts';
import type { IntegrationActionLike, PaperlessPort } from './ports.ts';

export { EVENT_TYPES } from './event-types.ts';

/** The pause reason set by `integration.turned_off`; only this pause is lifted by `turned_on`. */
export const TURNED_OFF_REASON = 'integration turned off in Paperless Parts';
const TURNED_OFF_MESSAGE = 'The shopwire integration is turned off in Paperless Parts; request the export again once it is on.';

export type DiscoveryOptions = {
  store: Store;
  profile: string;
  paperless: PaperlessPort;
  reporter: ActionReporter;
  /** Managed integration uuid; without it, polling and heartbeats are off (pushed events are still handled). */
  integrationUuid?: string;
  startAfterOrder: number;
  newOrders?: boolean;
  integrationActions?: boolean;
  heartbeatEveryMs?: number;
  /** `interval` sent with each heartbeat: seconds after which Paperless may consider us down. */
  heartbeatIntervalSeconds?: number;
  /** Poll pages per pass (each page up to 100 events). */
  maxPages?: number;
  /**
   * Re-reads exported (and skipped) orders: on `order.status_changed` about an order whose export
   * is done or was skipped for its status, and as a periodic sweep each pass (order-watch.ts).
   * Absent: such events are only recorded.
   */
  watch?: OrderWatch;
  clock?: () => number;
  logger?: Logger;
};

export type DiscoveryPass = {
  enqueued: number[];
  events: number;
  actions: number;
  heartbeat: boolean;
  reported: number;
  /** Events quarantined in this pass. */
  quarantined: number;
  /** What went wrong in a stage that did not stop the pass (redacted, for logs and `sync --json`). */
  problems: string[];
  /** The errors behind `problems` (an outside system failing shows in its health: compose.ts). */
  failures: unknown[];
};

export type InboxPass = { handled: number; actions: number; quarantined: number; deferred: number };

export type Discovery = {
  discoverNewOrders(): Promise<number[]>;
  /** Polls and stores events, then handles every unhandled stored event; returns events stored. */
  pollIntegration(): Promise<{ stored: number; actions: number; quarantined: number }>;
  /** Handles every unhandled event of the profile's inbox (polled or pushed), each on its own. */
  handleInbox(): Promise<InboxPass>;
  heartbeat(force?: boolean): Promise<boolean>;
  runOnce(): Promise<DiscoveryPass>;
};

/** An event (or the action it names) discovery cannot act on; `reason` is a stable code. */
export class QuarantineError extends ShopwireError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message, { code: `discovery.${reason}`, kind: 'data' });
    this.reason = reason;
  }
}

/** Errors after which every later call fails too: the pass ends and the error surfaces. */
function stopsThePass(error: unknown): boolean {
  return error instanceof ShopwireError && (error.kind === 'auth' || error.kind === 'config');
}

function isPassing(error: unknown): boolean {
  return !(error instanceof ShopwireError) || error.kind === 'transient' || error.kind === 'ambiguous';
}

/** New orders stored per transaction. */
const ENQUEUE_PAGE = 500;

const isTransient = (error: unknown): boolean => error instanceof ShopwireError && error.kind === 'transient';

function describe(error: unknown): string {
  return redactText(error instanceof Error ? error.message : String(error)).slice(0, 500);
}

export function createDiscovery(options: DiscoveryOptions): Discovery {
  const { store, profile, paperless, logger } = options;
  const clock = options.clock ?? Date.now;

  async function discoverNewOrders(): Promise<number[]> {
    const state = await store.getProfile(profile);
    const cursor = state.cursor ?? options.startAfterOrder;
    const numbers = (await paperless.newOrderNumbers(cursor)).filter((n) => Number.isSafeInteger(n) && n > cursor).sort((a, b) => a - b);
    const input = (n: number) => ({ flow: 'order-export' as const, profile, key: String(n), trigger: { kind: 'schedule' as const } });
    // Each page of new orders in one transaction (one commit, not one per order).
    const failed: number[] = [];
    for (let i = 0; i < numbers.length; i += ENQUEUE_PAGE) {
      const page = numbers.slice(i, i + ENQUEUE_PAGE);
      try {
        await store.enqueueJobs(page.map(input));
      } catch (error) {
        if (isTransient(error)) throw error;
        // One order the store refuses must not stop the others: each on its own, the refused
        // ones left for the next pass (the cursor stops before the first of them).
        for (const n of page) {
          try {
            await store.enqueueJob(input(n));
          } catch (single) {
            if (isTransient(single)) throw single;
            failed.push(n);
            logger?.warn({ profile, order: n, err: single }, 'storing the job of a new order failed; the next pass tries again');
          }
        }
      }
    }
    const seen = failed.length > 0 ? failed[0]! - 1 : numbers.length > 0 ? numbers[numbers.length - 1]! : cursor;
    await store.updateProfile(profile, { cursor: Math.max(cursor, seen), lastPollAt: clock() });
    return numbers.filter((n) => !failed.includes(n));
  }

  async function cancelOpenActions(): Promise<number> {
    let n = 0;
    for (const link of await store.listActions({ profile, statuses: OPEN_ACTION_STATUSES })) {
      try {
        await paperless.updateIntegrationAction(link.actionUuid, { status: 'cancelled', status_message: TURNED_OFF_MESSAGE });
        await store.setActionStatus(link.actionUuid, 'cancelled', TURNED_OFF_MESSAGE);
        n++;
      } catch (error) {
        logger?.warn({ err: error, action: link.actionUuid }, 'could not cancel an integration action');
      }
    }
    return n;
  }

  /** Tells the shop in Paperless why an action was not done; a refusal is only logged (the quarantine says it all). */
  async function failAction(uuid: string, message: string): Promise<void> {
    try {
      await paperless.updateIntegrationAction(uuid, { status: 'failed', status_message: message });
    } catch (error) {
      if (stopsThePass(error)) throw error;
      logger?.warn({ err: error, action: uuid }, 'could not mark an unusable integration action failed');
    }
  }

  async function readAction(uuid: string): Promise<IntegrationActionLike> {
    try {
      return await paperless.getIntegrationAction(uuid);
    } catch (error) {
      if (error instanceof ShopwireError && error.code === 'paperless.not_found') {
        throw new QuarantineError('action-not-found', `integration action ${uuid} does not exist in Paperless Parts (HTTP 404)`);
      }
      if (error instanceof ShopwireError && error.code === 'paperless.bad_response') {
        throw new QuarantineError('action-unreadable', `integration action ${uuid} cannot be read: ${error.message}`);
      }
      throw error;
    }
  }

  async function handleActionRequest(body: unknown): Promise<string> {
    const facts = eventFacts(body);
    const uuid = facts.actionUuid;
    if (uuid === null) throw new QuarantineError('action-uuid-missing', 'integration_action.requested without data.uuid or data.action_uuid');
    const action = await readAction(uuid);
    if (FINISHED_ACTION_STATUSES.includes(action.status)) return `ignored: action already ${action.status}`;
    if (!OPEN_REQUEST_STATUSES.includes(action.status)) {
      // Not touched: what an undocumented status allows is unknown.
      throw new QuarantineError('action-status-unknown', `integration action ${uuid} has status ${JSON.stringify(action.status)}, which shopwire does not know; left as it is`);
    }
    const state = await store.getProfile(profile);
    if (state.paused && state.pausedReason === TURNED_OFF_REASON) {
      await paperless.updateIntegrationAction(uuid, { status: 'cancelled', status_message: TURNED_OFF_MESSAGE });
      return 'cancelled: integration is off';
    }
    if (action.type !== 'export_order') {
      const message = `shopwire cannot do "${action.type}" for "${action.entity_id ?? ''}"; it exports orders (export_order with an order number).`;
      await failAction(uuid, message);
      return 'failed: unsupported action';
    }
    const number = orderNumberFrom(action.entity_id);
    if (number === null) {
      await failAction(uuid, `shopwire cannot export this request: it names no order (entity_id ${JSON.stringify(action.entity_id)}). Request the export from the order's page.`);
      throw new QuarantineError('action-without-order', `export_order action ${uuid} (status ${action.status}) has entity_id ${JSON.stringify(action.entity_id)}, not an order number; marked failed in Paperless Parts`);
    }
    const { job } = await store.enqueueJob({
      flow: 'order-export',
      profile,
      key: String(number),
      trigger: { kind: 'integration-action', actionUuid: uuid },
    });
    // The shop asking again for an order that needed attention (or was cancelled) is a request to try again.
    if (job.state === 'needs-attention') await store.retryJob(job.id);
    if (job.state === 'cancelled') await store.replayJob(job.id);
    // Linked before Paperless hears of it: a crash after the PATCH still finds the link.
    await store.attachAction({ actionUuid: uuid, profile, jobId: job.id, status: 'queued' });
    await paperless.updateIntegrationAction(uuid, { status: 'in_progress', current_record_count: 1 }, { recorder: store.recorderFor(job.id) });
    await store.setActionStatus(uuid, 'in_progress', null);
    const current = await store.getJob(job.id);
    if (current !== null) await options.reporter.reportJob(current);
    return `attached to job ${job.id}`;
  }

  async function handleOrderEvent(type: string, body: unknown): Promise<string> {
    const facts = eventFacts(body);
    const number = facts.orderNumber;
    if (number === null) {
      const raw = (body as { data?: { number?: unknown } } | null)?.data?.number;
      throw new QuarantineError('order-number-missing', `${type} without an order number in data.number (got ${JSON.stringify(raw ?? null)})`);
    }
    const existing = await store.findJob('order-export', profile, String(number));
    const settled = existing !== null && (existing.state === 'done' || (existing.state === 'cancelled' && existing.lastError?.code === ORDER_NOT_EXPORTABLE));
    if (type === EVENT_TYPES.orderStatusChanged && settled) {
      if (options.watch === undefined) return `recorded: order ${number} status changed after its export`;
      return options.watch.recheck(number, `order.status_changed${facts.status === null ? '' : ` to ${facts.status}`}`);
    }
    const { job } = await store.enqueueJob({ flow: 'order-export', profile, key: String(number), trigger: { kind: 'discovery' } });
    return `job ${job.id}`;
  }

  /** The outcome of one stored event; throws QuarantineError for what cannot be acted on. */
  async function handleEvent(stored: StoredEvent): Promise<{ outcome: string; action: boolean }> {
    const body = stored.body;
    if (stored.type === EVENT_TYPES.turnedOff) {
      await store.updateProfile(profile, { paused: true, pausedReason: TURNED_OFF_REASON });
      return { outcome: `paused; cancelled ${await cancelOpenActions()} open actions`, action: false };
    }
    if (stored.type === EVENT_TYPES.turnedOn) {
      const state = await store.getProfile(profile);
      if (state.paused && state.pausedReason === TURNED_OFF_REASON) await store.updateProfile(profile, { paused: false });
      return { outcome: 'resumed', action: false };
    }
    if (stored.type === EVENT_TYPES.actionRequested) return { outcome: await handleActionRequest(body), action: true };
    switch (classifyEventType(stored.type)) {
      case 'order':
        return { outcome: await handleOrderEvent(stored.type, body), action: false };
      case 'ignored':
        return { outcome: `ignored: ${stored.type} is not used by the order export`, action: false };
      default:
        throw new QuarantineError('event-type-unknown', `event type ${JSON.stringify(stored.type)} is not one Paperless Parts documents; recorded, not acted on`);
    }
  }

  async function handleInbox(): Promise<InboxPass> {
    const pass: InboxPass = { handled: 0, actions: 0, quarantined: 0, deferred: 0 };
    for (const stored of await store.unhandledEvents(profile)) {
      try {
        const { outcome, action } = await handleEvent(stored);
        await store.markEventHandled(profile, stored.uuid, outcome);
        pass.handled++;
        if (action) pass.actions++;
      } catch (error) {
        if (stopsThePass(error)) throw error;
        if (isPassing(error)) {
          // Left in the inbox: the next pass tries it again; the others go on now.
          pass.deferred++;
          logger?.warn({ err: error, event: stored.uuid, type: stored.type }, 'handling an event failed for now; it is tried again next pass');
          continue;
        }
        const reason = error instanceof QuarantineError ? error.reason : (error as ShopwireError).code;
        await store.markEventHandled(profile, stored.uuid, quarantineOutcome(reason, describe(error)));
        pass.quarantined++;
        logger?.warn({ event: stored.uuid, type: stored.type, reason }, `event quarantined: ${describe(error)}`);
      }
    }
    return pass;
  }

  /** Stores events the poll returned that are not events at all, already quarantined (the poll consumed them). */
  async function quarantineUnreadable(items: unknown[]): Promise<number> {
    let n = 0;
    for (const item of items) {
      const textOf = JSON.stringify(item) ?? 'undefined';
      const uuid = `unreadable:${createHash('sha256').update(textOf).digest('hex').slice(0, 32)}`;
      const type = item !== null && typeof item === 'object' && typeof (item as { type?: unknown }).type === 'string' ? (item as { type: string }).type : '(unreadable)';
      const created = new Date(clock()).toISOString();
      if ((await store.saveEvents(profile, [{ uuid, type, created, body: item }])) === 0) continue;
      await store.markEventHandled(profile, uuid, quarantineOutcome('event-unreadable', 'the poll returned an event without uuid, type or created; recorded as sent'));
      n++;
    }
    return n;
  }

  async function pollIntegration(): Promise<{ stored: number; actions: number; quarantined: number }> {
    const uuid = options.integrationUuid;
    let stored = 0;
    let quarantined = 0;
    if (uuid !== undefined) {
      for (let page = 0; page < (options.maxPages ?? 20); page++) {
        const { results, hasMore, invalid } = await paperless.pollEvents(uuid, [...ACTED_ON_EVENT_TYPES]);
        stored += await store.saveEvents(
          profile,
          results.map((e) => ({ uuid: e.uuid, type: e.type, created: e.created, body: e })),
        );
        quarantined += await quarantineUnreadable(invalid ?? []);
        if (!hasMore || results.length + (invalid?.length ?? 0) === 0) break;
      }
    }
    const inbox = await handleInbox();
    await store.updateProfile(profile, { lastPollAt: clock() });
    return { stored, actions: inbox.actions, quarantined: quarantined + inbox.quarantined };
  }

  async function heartbeat(force = false): Promise<boolean> {
    const uuid = options.integrationUuid;
    if (uuid === undefined) return false;
    const state = await store.getProfile(profile);
    const every = options.heartbeatEveryMs ?? 180_000;
    if (!force && state.lastHeartbeatAt !== null && clock() - state.lastHeartbeatAt < every) return false;
    await paperless.heartbeat(uuid, options.heartbeatIntervalSeconds ?? 600);
    await store.updateProfile(profile, { lastHeartbeatAt: clock() });
    return true;
  }

  return {
    discoverNewOrders,
    pollIntegration,
    handleInbox,
    heartbeat,
    async runOnce() {
      const problems: string[] = [];
      const failures: unknown[] = [];
      let fatal: unknown = null;
      /** Runs one stage; a failure is noted and the next stage still runs (credentials refused end the pass). */
      const stage = async <T>(name: string, run: () => Promise<T>, fallback: T): Promise<T> => {
        if (fatal !== null) return fallback;
        try {
          return await run();
        } catch (error) {
          if (stopsThePass(error)) fatal = error;
          problems.push(`${name}: ${describe(error)}`);
          failures.push(error);
          logger?.warn({ err: error, profile, stage: name }, 'a discovery stage failed; the others went on');
          return fallback;
        }
      };
      const beat = await stage('heartbeat', () => heartbeat(), false);
      const polled = await stage(
        'integration events',
        () => (options.integrationActions ?? true ? pollIntegration() : handleInbox().then((p) => ({ stored: 0, actions: p.actions, quarantined: p.quarantined }))),
        { stored: 0, actions: 0, quarantined: 0 },
      );
      const enqueued = await stage(
        'new orders',
        async () => ((options.newOrders ?? true) && !(await store.getProfile(profile)).paused ? discoverNewOrders() : []),
        [] as number[],
      );
      await stage('re-check of exported orders', async () => options.watch?.sweep() ?? 0, 0);
      const reported = await stage('action reports', () => options.reporter.reconcile(profile), 0);
      if (fatal !== null) throw fatal;
      return { enqueued, events: polled.stored, actions: polled.actions, heartbeat: beat, reported, quarantined: polled.quarantined, problems, failures };
    },
  };
}
