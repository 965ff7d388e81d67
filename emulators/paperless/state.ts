/**
 * The emulator's in-memory account: orders, events with per-integration dispatch records,
 * integration actions with their status history, heartbeats and lookup data. Routes and control
 * endpoints change it only through the functions here, so the rules (numbering, dispatch,
 * terminal states) live in one file. Everything is plain data so tests can read it back.
 */
import { createHash, randomUUID } from 'node:crypto';
import { TERMINAL_ACTION_STATUSES } from './behaviours.ts';
import type { ActionStatus } from './behaviours.ts';

export type JsonObject = Record<string, unknown>;

export type StoredOrder = {
  number: number;
  /** The order's uuid: its own when the document has one, else derived from the number (events' `related_object`). */
  uuid: string;
  /** The document as served. Money stays the strings it was given. */
  doc: JsonObject;
  /** The exact text the order was seeded from, served byte for byte until it is changed (keeps `150.0`). */
  raw: string | null;
};

export type EventRecord = {
  uuid: string;
  type: string;
  created: string;
  data: JsonObject;
  related_object_type: string | null;
  related_object: string | null;
  /** Integrations that may receive the event; null = every integration of the account. */
  scope: string | null;
};

export type ManagedIntegration = {
  uuid: string;
  erp_name: string;
  is_active: boolean;
  erp_version: string | null;
  integration_version: string | null;
  create_integration_action_after_creating_new_order: boolean;
  create_integration_action_after_quote_sent: boolean;
};

export type StatusChange = { status: ActionStatus; status_message: string | null; at: string };

export type IntegrationAction = {
  uuid: string;
  type: string;
  /** A string even for order numbers (FX); null on a UI request that names no record (help article). */
  entity_id: string | null;
  status: ActionStatus;
  status_message: string | null;
  created: string;
  updated: string;
  last_checkin: string | null;
  current_record_count: number | null;
  related_object_type: string | null;
  related_object: string | null;
  integrationUuid: string;
  history: StatusChange[];
  errors: ActionError[];
};

export type ActionError = {
  uuid: string;
  integration_action_uuid: string;
  reference_id: string | null;
  error_message: string;
  cause: string | null;
};

export type Heartbeat = { integrationUuid: string; interval: unknown; at: string };
export type ErpCodeWrite = { number: number; erp_code: string | null; at: string };
export type WebhookDelivery = { eventUuid: string; url: string; status: number | null; error: string | null; at: string };
export type CustomTable = { name: string; columns: string[]; related_entities: JsonObject[]; rows: JsonObject[] };

export type PaperlessState = {
  orders: Map<number, StoredOrder>;
  events: EventRecord[];
  /** integration uuid → uuids of events delivered to it by a poll. */
  dispatched: Map<string, Set<string>>;
  integrations: Map<string, ManagedIntegration>;
  actions: Map<string, IntegrationAction>;
  heartbeats: Heartbeat[];
  erpCodeWrites: ErpCodeWrite[];
  webhookDeliveries: WebhookDelivery[];
  paymentTerms: JsonObject[];
  accounts: JsonObject[];
  contacts: JsonObject[];
  customTables: Map<string, CustomTable>;
};

export function emptyState(): PaperlessState {
  return {
    orders: new Map(),
    events: [],
    dispatched: new Map(),
    integrations: new Map(),
    actions: new Map(),
    heartbeats: [],
    erpCodeWrites: [],
    webhookDeliveries: [],
    paymentTerms: [],
    accounts: [],
    contacts: [],
    customTables: new Map(),
  };
}

/** ISO 8601 UTC with microseconds and `Z`, as the API writes `created` (reference §5.3). */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A stable uuid-shaped id for an order that has none, so events about it name the same object every run. */
export function derivedOrderUuid(number: number): string {
  const h = createHash('sha256').update(`paperless-emulator-order-${number}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function putOrder(state: PaperlessState, doc: JsonObject, raw: string | null): StoredOrder {
  const number = doc.number;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    throw new StateError('invalid', 'order.number must be a positive integer');
  }
  const uuid = typeof doc.uuid === 'string' ? doc.uuid : derivedOrderUuid(number);
  const stored: StoredOrder = { number, uuid, doc, raw };
  state.orders.set(number, stored);
  return stored;
}

export function highestOrderNumber(state: PaperlessState): number {
  let max = 0;
  for (const n of state.orders.keys()) if (n > max) max = n;
  return max;
}

export function sortedOrderNumbers(state: PaperlessState): number[] {
  return [...state.orders.keys()].sort((a, b) => a - b);
}

export function setOrderErpCode(state: PaperlessState, number: number, erpCode: string | null, now: number): StoredOrder {
  const order = state.orders.get(number);
  if (order === undefined) throw new StateError('not_found', 'Not found.');
  order.doc = { ...order.doc, erp_code: erpCode };
  order.raw = null;
  state.erpCodeWrites.push({ number, erp_code: erpCode, at: isoMicros(now) });
  return order;
}

export function addEvent(
  state: PaperlessState,
  event: Omit<EventRecord, 'uuid' | 'created'> & { created?: string },
  now: number,
): EventRecord {
  const record: EventRecord = { uuid: randomUUID(), created: event.created ?? isoMicros(now), ...event } as EventRecord;
  state.events.push(record);
  return record;
}

/** The wire form of an event (the scope is the emulator's own bookkeeping). */
export function eventWire(event: EventRecord): JsonObject {
  return {
    created: event.created,
    data: event.data,
    related_object_type: event.related_object_type,
    related_object: event.related_object,
    type: event.type,
    uuid: event.uuid,
  };
}

/** Events by `created`, ties in the order they were added. Returns a new array. */
export function oldestFirst(events: EventRecord[]): EventRecord[] {
  return events
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => (a.created < b.created ? -1 : a.created > b.created ? 1 : i - j))
    .map(([e]) => e);
}

export function visibleTo(event: EventRecord, integrationUuid: string): boolean {
  return event.scope === null || event.scope === integrationUuid;
}

export function isDispatched(state: PaperlessState, eventUuid: string, integrationUuid?: string): boolean {
  if (integrationUuid !== undefined) return state.dispatched.get(integrationUuid)?.has(eventUuid) ?? false;
  for (const set of state.dispatched.values()) if (set.has(eventUuid)) return true;
  return false;
}

export function markDispatched(state: PaperlessState, integrationUuid: string, eventUuids: string[]): void {
  let set = state.dispatched.get(integrationUuid);
  if (set === undefined) {
    set = new Set();
    state.dispatched.set(integrationUuid, set);
  }
  for (const id of eventUuids) set.add(id);
}

export function createAction(
  state: PaperlessState,
  integrationUuid: string,
  input: { type: string; entity_id: string | null; status?: ActionStatus; related_object_type?: string | null; related_object?: string | null },
  now: number,
): IntegrationAction {
  const at = isoMicros(now);
  const status = input.status ?? 'queued';
  const action: IntegrationAction = {
    uuid: randomUUID(),
    type: input.type,
    entity_id: input.entity_id,
    status,
    status_message: null,
    created: at,
    updated: at,
    last_checkin: null,
    current_record_count: null,
    related_object_type: input.related_object_type ?? null,
    related_object: input.related_object ?? null,
    integrationUuid,
    history: [{ status, status_message: null, at }],
    errors: [],
  };
  state.actions.set(action.uuid, action);
  return action;
}

export function actionWire(action: IntegrationAction): JsonObject {
  return {
    type: action.type,
    uuid: action.uuid,
    related_object_type: action.related_object_type,
    related_object: action.related_object,
    status: action.status,
    status_message: action.status_message,
    entity_id: action.entity_id,
    updated: action.updated,
    created: action.created,
    last_checkin: action.last_checkin,
    current_record_count: action.current_record_count,
  };
}

export type ActionPatch = { status?: ActionStatus; status_message?: string | null; current_record_count?: number | null };

export function isTerminal(status: ActionStatus): boolean {
  return TERMINAL_ACTION_STATUSES.includes(status);
}

/**
 * Applies a PATCH. Out of a terminal state nothing may change (reference §5.4, an assumption),
 * except that an exact repeat is accepted as a no-op when `repeatIsNoop` (a retried PATCH).
 */
export function patchAction(
  action: IntegrationAction,
  patch: ActionPatch,
  rules: { terminalRefuses: boolean; repeatIsNoop: boolean },
  now: number,
): IntegrationAction {
  if (rules.terminalRefuses && isTerminal(action.status)) {
    const repeat =
      (patch.status === undefined || patch.status === action.status) &&
      (patch.status_message === undefined || patch.status_message === action.status_message) &&
      (patch.current_record_count === undefined || patch.current_record_count === action.current_record_count);
    if (repeat && rules.repeatIsNoop) return action;
    throw new StateError('invalid', `Integration action is ${action.status}; a finished action cannot change.`);
  }
  const at = isoMicros(now);
  const statusChanged = patch.status !== undefined && patch.status !== action.status;
  const messageChanged = patch.status_message !== undefined && patch.status_message !== action.status_message;
  if (patch.status !== undefined) action.status = patch.status;
  if (patch.status_message !== undefined) action.status_message = patch.status_message;
  if (patch.current_record_count !== undefined) action.current_record_count = patch.current_record_count;
  action.updated = at;
  action.last_checkin = at;
  if (statusChanged || messageChanged) {
    action.history.push({ status: action.status, status_message: action.status_message, at });
  }
  return action;
}

export function addActionErrors(
  action: IntegrationAction,
  errors: { reference_id: string | null; error_message: string; cause: string | null }[],
): ActionError[] {
  const created = errors.map((e) => ({ uuid: randomUUID(), integration_action_uuid: action.uuid, ...e }));
  action.errors.push(...created);
  return created;
}

/** A failure of a state rule; routes turn it into the JSON error envelope. */
export class StateError extends Error {
  readonly code: 'invalid' | 'not_found';
  constructor(code: 'invalid' | 'not_found', message: string) {
    super(message);
    this.name = 'StateError';
    this.code = code;
  }
}
