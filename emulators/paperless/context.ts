/**
 * What every route of the emulator is given: the state, the behaviour switches, the clock and the
 * account-level operations (events that also push webhooks). Built once by server.ts.
 */
import type { PaperlessBehaviours } from './behaviours.ts';
import type { JsonObject, PaperlessState, StoredOrder, IntegrationAction, EventRecord } from './state.ts';

export type EmulatorContext = {
  state: PaperlessState;
  behaviours: PaperlessBehaviours;
  /** Milliseconds since the epoch; injectable so tests can age events and timestamps. */
  now: () => number;
  /** The account's group slug for `orders/groups/{slug}`. */
  groupSlug: string;
  /** The managed integration the control endpoints act on by default. */
  integrationUuid: string;
  /** Adds an order after start (emits `order.created` when the behaviour says so). */
  addOrder: (doc: JsonObject) => Promise<StoredOrder>;
  generateOrders: (seed: number, count: number) => Promise<StoredOrder[]>;
  emitOrderCreated: (number: number) => Promise<EventRecord>;
  /** A request made in the Paperless UI: the action (status `behaviours.uiRequestStatus` unless given) and its `integration_action.requested` event. */
  requestAction: (integrationUuid: string, type: string, entityId: string | null, status?: string) => IntegrationAction;
  setIntegrationActive: (integrationUuid: string, active: boolean) => void;
  reset: () => Promise<void>;
  rotateToken: (token: string) => void;
};
