/**
 * Every assumption the Paperless Parts emulator makes, in one place.
 *
 * The real API is only partly documented (see docs/reference/paperless-parts.md). Where
 * the emulator has to pick an answer no source shows, the choice is a named switch here with its
 * default and the reference section it encodes, so a test (or a person with sandbox access) can
 * flip it and see whether shopwire copes with the other reading.
 */
export type PaperlessBehaviours = {
  /** §1: the SDK calls bare paths, the OpenAPI documents promise /v1 and /v2. Serve all, identically. */
  pathPrefixes: readonly string[];
  /** §4: requests per minute per token before 429; null = no limit (the SDK README says 100). */
  rateLimitPerMinute: number | null;
  /** §4: send `Retry-After: N` with a 429 (no source shows the header; the message always carries N). */
  retryAfterHeader: boolean;
  /** §3: page size of the `{count, next, previous, results}` lists (events, actions, accounts, order groups). */
  listPageSize: number;
  /** §5.3: events per poll page; `has_more_events` is true when more remain undelivered. */
  pollPageSize: number;
  /** §5.3: the SDK reads `{results, has_more_events}`; OA1 declares a bare array. */
  pollShape: 'object' | 'bare-array';
  /** §5.3 / §11.5: keys in `integration_action.requested` data: FX has action_uuid/action_type, PPI reads uuid/type. */
  requestedEventKeys: 'both' | 'fixture' | 'ppi';
  /** §5.4 / §11.6: longest `status_message` accepted; longer ones get 400 `invalid`. null = no limit. */
  statusMessageMaxLength: number | null;
  /** §5.4: a PATCH of an action in a terminal state (completed, failed, cancelled, timed_out) gets 400. */
  terminalStatesRefuseChanges: boolean;
  /**
   * §5.4: a PATCH that repeats an action's current terminal status and message is answered 200
   * without change, so a client retrying after a lost answer is not punished. No source shows it.
   */
  terminalRepeatIsNoop: boolean;
  /** §5.1: `PATCH orders/public/{n}` accepts only `erp_code`; other keys get 400 `invalid`. */
  orderPatchOnlyErpCode: boolean;
  /** §5.1 / §11.7: `orders/public/new` lists cancelled orders too (unknown upstream). */
  newOrdersIncludeCancelled: boolean;
  /** §5.2: changing `is_active` (API or control endpoint) emits `integration.turned_on/off`, scoped to that integration. */
  activeChangeEmitsEvents: boolean;
  /** §5.3: adding an order after start (control endpoint / addOrder) emits `order.created`. Seeded orders never do. */
  orderAddEmitsCreatedEvent: boolean;
  /** §5.5: heartbeat answer (FX `integration_heartbeat.json` is `{ }`, OA1 says 201). */
  heartbeatStatus: number;
  /**
   * Status of an action a person requests in the Paperless UI ("Export Order"): Paperless Parts'
   * help article shows `requested`; actions created through the API start `queued` (FX). Set
   * `queued` to see a tenant that never shows `requested`.
   */
  uiRequestStatus: 'requested' | 'queued';
  /**
   * §5.3: the poll returns only the types named in `event_type_in` (OA1 describes the parameter; no
   * source shows the server honouring it). false: every undelivered event comes back, whatever
   * its type, as a tenant with a lax or newer server might.
   */
  pollHonoursTypeFilter: boolean;
  /**
   * §5.10: the `object` of a webhook push's envelope. Evidence: Paperless Parts' help article
   * "Paperless Parts Streaming API" (https://help.paperlessparts.com/article/424-paperless-parts-streaming-api,
   * section Event Dispatches) shows `"object": "integration action"` for `integration_action.requested`;
   * CARBON's webhook task types `object` as a string for quote.* and order.* without a value.
   * `by-type` (default): "integration action" for integration_action.*, and, ASSUMED by analogy
   * (the model's name, lower case, spaces for underscores), "order", "quote", "integration" for
   * the other documented prefixes. `event`: the literal "event" this emulator sent before the
   * evidence was found, kept to show the hub reads any value. The hub never reads `object`.
   */
  webhookObject: 'by-type' | 'event';
};

export const DEFAULT_BEHAVIOURS = {
  pathPrefixes: ['', '/v1', '/v2'],
  rateLimitPerMinute: null,
  retryAfterHeader: true,
  listPageSize: 20,
  pollPageSize: 100,
  pollShape: 'object',
  requestedEventKeys: 'both',
  statusMessageMaxLength: 250,
  terminalStatesRefuseChanges: true,
  terminalRepeatIsNoop: true,
  orderPatchOnlyErpCode: true,
  newOrdersIncludeCancelled: true,
  activeChangeEmitsEvents: true,
  orderAddEmitsCreatedEvent: true,
  heartbeatStatus: 201,
  uiRequestStatus: 'requested',
  pollHonoursTypeFilter: true,
  webhookObject: 'by-type',
} as const satisfies PaperlessBehaviours;

/** The envelope's `object` for an event type under the `webhookObject` switch (see there). */
export function webhookObjectFor(type: string, style: PaperlessBehaviours['webhookObject']): string {
  if (style === 'event') return 'event';
  const prefix = type.split('.')[0] ?? type;
  return prefix.replaceAll('_', ' ');
}

/** Tests may flip a switch of a running emulator (`emulator.behaviours.x = …`); routes read it on every call. */
export function resolveBehaviours(overrides: Partial<PaperlessBehaviours> | undefined): PaperlessBehaviours {
  return { ...DEFAULT_BEHAVIOURS, ...overrides };
}

/** §5.4 (OA1 list): the statuses a client may PATCH. */
export const ACTION_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled', 'timed_out'] as const;
/**
 * What an action may show: the PATCHable ones, `requested` (help article: a request from the UI
 * not yet picked up), or any other text a test injects to play an undocumented status.
 */
export type ActionStatus = (typeof ACTION_STATUSES)[number] | 'requested' | (string & {});
export const TERMINAL_ACTION_STATUSES: readonly ActionStatus[] = ['completed', 'failed', 'cancelled', 'timed_out'];
