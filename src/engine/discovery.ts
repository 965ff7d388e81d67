/**
 * Discovery, per profile: finds work in Paperless Parts and turns it into jobs in the store.
 *
 * 1. New orders: `newOrderNumbers(cursor)` → one job per number → the cursor advances only after
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
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { ActionReporter } from './action-status.ts';
import { OPEN_ACTION_STATUSES } from './action-status.ts';
import type { PaperlessEventLike, PaperlessPort } from './ports.ts';

export const EVENT_TYPES = {
  actionRequested: 'integration_action.requested',
  turnedOn: 'integration.turned_on',
  turnedOff: 'integration.turned_off',
} as const;

/** The pause reason set by `integration.turned_off`; only this pause is lifted by `turned_on`. */
export const TURNED_OFF_REASON = 'integration turned off in Paperless Parts';
const TURNED_OFF_MESSAGE = 'The shopwire integration is turned off in Paperless Parts; request the export again once it is on.';

export type DiscoveryOptions = {
  store: Store;
  profile: string;
  paperless: PaperlessPort;
  reporter: ActionReporter;
  /** Managed integration uuid; without it, actions and heartbeats are off. */
  integrationUuid?: string;
  startAfterOrder: number;
  newOrders?: boolean;
  integrationActions?: boolean;
  heartbeatEveryMs?: number;
  /** `interval` sent with each heartbeat: seconds after which Paperless may consider us down. */
  heartbeatIntervalSeconds?: number;
  /** Poll pages per pass (each page up to 100 events). */
  maxPages?: number;
  clock?: () => number;
  logger?: Logger;
};

export type DiscoveryPass = { enqueued: number[]; events: number; actions: number; heartbeat: boolean; reported: number };

export type Discovery = {
  discoverNewOrders(): Promise<number[]>;
  /** Polls and stores events, then handles every unhandled stored event; returns events stored. */
  pollIntegration(): Promise<{ stored: number; actions: number }>;
  heartbeat(force?: boolean): Promise<boolean>;
  runOnce(): Promise<DiscoveryPass>;
};

export function createDiscovery(options: DiscoveryOptions): Discovery {
  const { store, profile, paperless, logger } = options;
  const clock = options.clock ?? Date.now;

  async function discoverNewOrders(): Promise<number[]> {
    const state = await store.getProfile(profile);
    const cursor = state.cursor ?? options.startAfterOrder;
    const numbers = (await paperless.newOrderNumbers(cursor)).filter((n) => Number.isSafeInteger(n) && n > cursor).sort((a, b) => a - b);
    for (const n of numbers) {
      await store.enqueueJob({ flow: 'order-export', profile, key: String(n), trigger: { kind: 'schedule' } });
    }
    await store.updateProfile(profile, { cursor: numbers.length > 0 ? numbers[numbers.length - 1]! : cursor, lastPollAt: clock() });
    return numbers;
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

  async function handleActionRequest(event: PaperlessEventLike): Promise<string> {
    const uuid = event.actionUuid;
    if (uuid === null) return 'ignored: no action uuid';
    const action = await paperless.getIntegrationAction(uuid);
    if (['completed', 'failed', 'cancelled', 'timed_out'].includes(action.status)) return `ignored: action already ${action.status}`;
    const state = await store.getProfile(profile);
    if (state.paused && state.pausedReason === TURNED_OFF_REASON) {
      await paperless.updateIntegrationAction(uuid, { status: 'cancelled', status_message: TURNED_OFF_MESSAGE });
      return 'cancelled: integration is off';
    }
    const number = Number(action.entity_id);
    if (action.type !== 'export_order' || !Number.isSafeInteger(number) || number <= 0) {
      const message = `shopwire cannot do "${action.type}" for "${action.entity_id}"; it exports orders (export_order with an order number).`;
      await paperless.updateIntegrationAction(uuid, { status: 'failed', status_message: message.slice(0, 250) });
      return 'failed: unsupported action';
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
    await paperless.updateIntegrationAction(uuid, { status: 'in_progress', current_record_count: 1 });
    await store.setActionStatus(uuid, 'in_progress', null);
    const current = await store.getJob(job.id);
    if (current !== null) await options.reporter.reportJob(current);
    return `attached to job ${job.id}`;
  }

  async function pollIntegration(): Promise<{ stored: number; actions: number }> {
    const uuid = options.integrationUuid;
    if (uuid === undefined) return { stored: 0, actions: 0 };
    let stored = 0;
    for (let page = 0; page < (options.maxPages ?? 20); page++) {
      const { results, hasMore } = await paperless.pollEvents(uuid, Object.values(EVENT_TYPES));
      stored += await store.saveEvents(
        profile,
        results.map((e) => ({ uuid: e.uuid, type: e.type, created: e.created, body: e })),
      );
      if (!hasMore || results.length === 0) break;
    }
    let actions = 0;
    for (const stored of await store.unhandledEvents(profile, Object.values(EVENT_TYPES))) {
      const event = stored.body as PaperlessEventLike;
      let outcome: string;
      if (stored.type === EVENT_TYPES.turnedOff) {
        await store.updateProfile(profile, { paused: true, pausedReason: TURNED_OFF_REASON });
        outcome = `paused; cancelled ${await cancelOpenActions()} open actions`;
      } else if (stored.type === EVENT_TYPES.turnedOn) {
        const state = await store.getProfile(profile);
        if (state.paused && state.pausedReason === TURNED_OFF_REASON) await store.updateProfile(profile, { paused: false });
        outcome = 'resumed';
      } else {
        outcome = await handleActionRequest(event);
        actions++;
      }
      await store.markEventHandled(profile, stored.uuid, outcome);
    }
    await store.updateProfile(profile, { lastPollAt: clock() });
    return { stored, actions };
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
    heartbeat,
    async runOnce() {
      const beat = await heartbeat();
      const polled = options.integrationActions ?? true ? await pollIntegration() : { stored: 0, actions: 0 };
      const state = await store.getProfile(profile);
      const enqueued = (options.newOrders ?? true) && !state.paused ? await discoverNewOrders() : [];
      const reported = await options.reporter.reconcile(profile);
      return { enqueued, events: polled.stored, actions: polled.actions, heartbeat: beat, reported };
    },
  };
}
