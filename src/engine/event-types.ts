/**
 * Every Paperless Parts event type the evidence shows (reference paperless-parts.md §5.3; the full
 * list is not published), and what shopwire does with each. An event of a type not listed here is
 * data, not an error: it is recorded and quarantined with the reason "unknown event type", and
 * nothing else waits for it.
 */
export const EVENT_TYPES = {
  actionRequested: 'integration_action.requested',
  turnedOn: 'integration.turned_on',
  turnedOff: 'integration.turned_off',
  orderCreated: 'order.created',
  orderStatusChanged: 'order.status_changed',
} as const;

/** Types discovery acts on (polled with `event_type_in`, or pushed by a signed webhook). */
export const ACTED_ON_EVENT_TYPES: readonly string[] = Object.values(EVENT_TYPES);

/** Documented types that say nothing an order export needs: recorded as handled, `ignored`. */
export const IGNORED_EVENT_TYPES: readonly string[] = [
  'quote.created',
  'quote.sent',
  'quote.status_changed',
  'part.created',
  'part.interrogation_succeeded',
];

export type EventTypeClass = 'order' | 'integration' | 'ignored' | 'unknown';

export function classifyEventType(type: string): EventTypeClass {
  if (type === EVENT_TYPES.orderCreated || type === EVENT_TYPES.orderStatusChanged) return 'order';
  if (type === EVENT_TYPES.actionRequested || type === EVENT_TYPES.turnedOn || type === EVENT_TYPES.turnedOff) return 'integration';
  if (IGNORED_EVENT_TYPES.includes(type)) return 'ignored';
  return 'unknown';
}

/**
 * Integration action statuses. OA1 lists queued … timed_out; Paperless Parts' own help article
 * shows `requested` (a request made in the Paperless UI, not yet picked up). Any other value is
 * recorded and the action is left alone: shopwire does not guess what an unknown status allows.
 */
export const OPEN_REQUEST_STATUSES: readonly string[] = ['requested', 'queued', 'in_progress'];
export const FINISHED_ACTION_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled', 'timed_out'];

/** The outcome text of a quarantined event starts with this; the store lists events by it. */
export const QUARANTINED = 'quarantined';

export function quarantineOutcome(reason: string, message: string): string {
  return `${QUARANTINED} ${reason}: ${message}`.slice(0, 1000);
}

/** `quarantined <reason>: <message>` → its parts (for status, dashboard and metrics). */
export function parseQuarantineOutcome(outcome: string | null): { reason: string; message: string } | null {
  if (outcome === null || !outcome.startsWith(`${QUARANTINED} `)) return null;
  const rest = outcome.slice(QUARANTINED.length + 1);
  const colon = rest.indexOf(': ');
  return colon < 0 ? { reason: rest, message: '' } : { reason: rest.slice(0, colon), message: rest.slice(colon + 2) };
}

/** What an event says, read the same way from a polled event and from a webhook envelope. */
export type EventFacts = {
  /** integration_action.requested: `data.uuid ?? data.action_uuid` (both spellings occur, §5.3). */
  actionUuid: string | null;
  /** integration_action.requested: `data.type ?? data.action_type`. */
  actionType: string | null;
  /** integration_action.requested: `data.entity_id` as sent (null when absent or null). */
  entityId: string | null;
  /** order.*: `data.number` when it is an order number; integration_action.requested: none. */
  orderNumber: number | null;
  /** order.status_changed: `data.status` when present. */
  status: string | null;
};

const ORDER_NUMBER = /^[1-9]\d{0,15}$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function orderNumberFrom(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && ORDER_NUMBER.test(value.trim()) && Number.isSafeInteger(Number(value))) return Number(value);
  return null;
}

export function eventFacts(body: unknown): EventFacts {
  const b = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const d = b.data !== null && typeof b.data === 'object' && !Array.isArray(b.data) ? (b.data as Record<string, unknown>) : {};
  const entity = d.entity_id;
  return {
    actionUuid: text(d.uuid) ?? text(d.action_uuid) ?? text(b.actionUuid),
    actionType: text(d.type) ?? text(d.action_type) ?? text(b.actionType),
    entityId: typeof entity === 'number' ? String(entity) : text(entity),
    orderNumber: orderNumberFrom(d.number),
    status: text(d.status),
  };
}
