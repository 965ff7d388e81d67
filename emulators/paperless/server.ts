/**
 * The Paperless Parts emulator: a real HTTP server on loopback that answers the endpoints an order
 * export uses (reference §5 and §10), seeded from the fixtures, with control endpoints under
 * `/__emulator/` and fault injection (emulators/shared/faults.ts). Every guess about the real API
 * is a switch in behaviours.ts. See docs/emulators/paperless.md.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { registerFaultRoutes, registerFaults } from '../shared/faults.ts';
import type { FaultController, FaultOptions } from '../shared/faults.ts';
import { resolveBehaviours } from './behaviours.ts';
import type { PaperlessBehaviours } from './behaviours.ts';
import type { EmulatorContext } from './context.ts';
import { errorEnvelope, sendError, throttledMessage } from './http.ts';
import { actionRoutes } from './routes/actions.ts';
import { CONTROL_PREFIX, controlRoutes } from './routes/control.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { lookupRoutes } from './routes/lookups.ts';
import { orderRoutes } from './routes/orders.ts';
import { generateOrder } from './generate-order.ts';
import { findFixturesDir, seedState } from './seed.ts';
import { addEvent, createAction, emptyState, highestOrderNumber, isoMicros, putOrder, StateError } from './state.ts';
import type { CustomTable, EventRecord, IntegrationAction, JsonObject, PaperlessState, StoredOrder } from './state.ts';
import { deliverWebhook } from './webhook-sender.ts';
import type { WebhookTarget } from './webhook-sender.ts';

/** The managed integration uuid of FX managed_integration.json. */
export const DEFAULT_INTEGRATION_UUID = '712f4343-a29c-4263-be38-3c1694f53439';
export const DEFAULT_TOKEN = 'emulator-paperless-token';
export const DEFAULT_GROUP_SLUG = 'emulated-shop';
/** The seeded request whose action does not exist (answers 404), and the seeded undocumented event type. */
export const VARIANT_MISSING_ACTION_UUID = '00000000-0000-4000-8000-000000000404';
export const VARIANT_UNKNOWN_EVENT_TYPE = 'purchase_order.created';

export type OrderGenerator = (seed: number, options?: { number?: number }) => object;

export type PaperlessEmulatorOptions = {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  token?: string;
  integrationUuid?: string;
  groupSlug?: string;
  /** Orders to seed instead of the fixture orders 72 and 179. */
  orders?: object[];
  /** Generated orders seeded after the others, numbered upward from `startNumber` (default: highest + 1). */
  generated?: { seed: number; count: number; startNumber?: number };
  /** Order generator; defaults to generateOrder of ./generate-order.ts. */
  generateOrder?: OrderGenerator;
  behaviours?: Partial<PaperlessBehaviours>;
  faults?: FaultOptions;
  webhook?: WebhookTarget;
  customTables?: CustomTable[];
  fixturesDir?: string;
  /** Clock in milliseconds (tests age events with it). */
  now?: () => number;
  /**
   * Seed the real variants a tenant shows besides good orders (default true; `seedVariants`): an
   * on-hold and a cancelled order, a UI request without a record, a request whose action answers
   * 404, an event type no source documents, and the documented event types an export does not use.
   */
  variants?: boolean;
};

/** What `seedVariants` put in the account (null with `variants: false`). */
export type SeededVariants = {
  /** An order `on_hold` (with its `order.status_changed` event) and one `cancelled`: never to be exported. */
  onHold: number;
  cancelled: number;
  /** The UI request without a record (status `requested`, `entity_id` null). */
  requestWithoutRecord: string;
  /** The action uuid of the `integration_action.requested` event whose action answers 404. */
  missingAction: string;
  unknownEventType: string;
};

export type PaperlessEmulator = {
  url: string;
  /** The real variants seeded (renewed by `reset`), or null. */
  readonly variants: SeededVariants | null;
  token: () => string;
  integrationUuid: string;
  groupSlug: string;
  /** Live in-process state for assertions (same object across reset). */
  state: PaperlessState;
  behaviours: PaperlessBehaviours;
  faults: FaultController;
  app: FastifyInstance;
  addOrder(order: object): Promise<StoredOrder>;
  requestExport(orderNumber: number): IntegrationAction;
  /**
   * A UI request exactly as given, unchecked: `entity_id` null or not an order, any `status`, any
   * `type` (the variants Paperless Parts' help article and a real tenant show).
   */
  requestAction(input: { type?: string; entity_id: string | null; status?: string }): IntegrationAction;
  /**
   * An event exactly as given (any type, any data), for this integration; with `webhook`, pushed
   * too. Plays event types and payloads no source documents.
   */
  injectEvent(input: { type: string; data: JsonObject; related_object_type?: string | null; related_object?: string | null }): Promise<EventRecord>;
  setIntegrationActive(active: boolean): void;
  /** Changes an order's status (OA1: pending, confirmed, on_hold, in_process, completed, cancelled) and emits `order.status_changed`. */
  setOrderStatus(orderNumber: number, status: string): Promise<EventRecord>;
  /** Edits an order in place, as a person editing it in Paperless would; no event (none is documented for edits). */
  changeOrder(orderNumber: number, edit: (doc: JsonObject) => void): void;
  emitOrderCreated(orderNumber: number): Promise<EventRecord>;
  /** Waits for the webhook pushes of UI requests (`requestAction`, `requestExport`) still on their way. */
  pushesDone(): Promise<void>;
  rotateToken(token: string): void;
  reset(): Promise<void>;
  close(): Promise<void>;
};

export async function startPaperlessEmulator(options: PaperlessEmulatorOptions = {}): Promise<PaperlessEmulator> {
  const behaviours = resolveBehaviours(options.behaviours);
  const now = options.now ?? Date.now;
  const integrationUuid = options.integrationUuid ?? DEFAULT_INTEGRATION_UUID;
  const groupSlug = options.groupSlug ?? DEFAULT_GROUP_SLUG;
  const fixturesDir = findFixturesDir(options.fixturesDir);
  const initialToken = options.token ?? DEFAULT_TOKEN;
  let token = initialToken;
  const generate: OrderGenerator = options.generateOrder ?? generateOrder;
  const state = emptyState();
  let variants: SeededVariants | null = null;
  /** Pushes started by synchronous calls (a UI request); `pushesDone()` waits for them. */
  const pendingPushes = new Set<Promise<void>>();

  async function generateInto(seed: number, count: number, startNumber: number, announce: boolean): Promise<StoredOrder[]> {
    const out: StoredOrder[] = [];
    for (let i = 0; i < count; i++) {
      const doc = generate(seed + i, { number: startNumber + i }) as JsonObject;
      out.push(announce ? await addOrder({ ...doc, number: startNumber + i }) : putOrder(state, { ...doc, number: startNumber + i }, null));
    }
    return out;
  }

  async function seed(): Promise<void> {
    Object.assign(state, emptyState());
    seedState(state, {
      fixturesDir,
      integrationUuid,
      orders: options.orders as JsonObject[] | undefined,
      customTables: options.customTables,
    });
    if (options.generated !== undefined) {
      const { seed: s, count, startNumber } = options.generated;
      await generateInto(s, count, startNumber ?? highestOrderNumber(state) + 1, false);
    }
    variants = options.variants === false ? null : seedVariants();
  }

  /**
   * The real variants (issue 9; docs/emulators/paperless.md), after every other order so the
   * numbers of seeded and generated orders do not move: two orders that must not be exported
   * (`on_hold`, announced by `order.status_changed`, and `cancelled`), an action a person requested
   * in the UI without picking a record (status `requested`, `entity_id` null, as Paperless Parts'
   * help article shows), an `integration_action.requested` event whose action does not exist (the
   * action answers 404), an event type no source documents, and one event of each documented type
   * an order export does not use. Seeded events are not pushed to a webhook.
   */
  function seedVariants(): SeededVariants {
    const base = highestOrderNumber(state);
    const onHold = putOrder(state, { ...(generate(9_001, { number: base + 1 }) as JsonObject), number: base + 1, status: 'on_hold' }, null);
    putOrder(state, { ...(generate(9_002, { number: base + 2 }) as JsonObject), number: base + 2, status: 'cancelled' }, null);
    const at = now();
    addEvent(state, { type: 'order.status_changed', data: { uuid: onHold.uuid, number: onHold.number, status: 'on_hold' }, related_object_type: 'order', related_object: onHold.uuid, scope: null }, at);
    const request = createAction(state, integrationUuid, { type: 'export_order', entity_id: null, status: 'requested', related_object_type: null, related_object: null }, at);
    addEvent(state, { type: 'integration_action.requested', data: requestedEventData(request), related_object_type: null, related_object: null, scope: integrationUuid }, at);
    const missing = { uuid: VARIANT_MISSING_ACTION_UUID, type: 'export_order', status: 'requested', status_message: null, entity_id: String(onHold.number), created: isoMicros(at), updated: isoMicros(at) };
    addEvent(state, { type: 'integration_action.requested', data: requestedEventData(missing), related_object_type: 'order', related_object: onHold.uuid, scope: integrationUuid }, at);
    addEvent(state, { type: VARIANT_UNKNOWN_EVENT_TYPE, data: { number: onHold.number }, related_object_type: 'order', related_object: onHold.uuid, scope: integrationUuid }, at);
    for (const type of ['quote.created', 'quote.status_changed', 'quote.sent']) {
      addEvent(state, { type, data: { number: 1, status: 'outstanding' }, related_object_type: 'quote', related_object: null, scope: null }, at);
    }
    addEvent(state, { type: 'integration.turned_on', data: { uuid: integrationUuid, is_active: true }, related_object_type: null, related_object: null, scope: integrationUuid }, at);
    return { onHold: onHold.number, cancelled: base + 2, requestWithoutRecord: request.uuid, missingAction: VARIANT_MISSING_ACTION_UUID, unknownEventType: VARIANT_UNKNOWN_EVENT_TYPE };
  }

  /** `integration_action.requested` data with the key set `requestedEventKeys` picks. */
  function requestedEventData(action: Pick<IntegrationAction, 'uuid' | 'type' | 'status' | 'status_message' | 'entity_id' | 'created' | 'updated'>): JsonObject {
    const keys = behaviours.requestedEventKeys;
    return {
      ...(keys !== 'fixture' ? { uuid: action.uuid, type: action.type } : {}),
      ...(keys !== 'ppi' ? { action_uuid: action.uuid, action_type: action.type } : {}),
      status: action.status,
      status_message: action.status_message,
      entity_id: action.entity_id,
      created: action.created,
      updated: action.updated,
    };
  }

  async function addOrder(input: object): Promise<StoredOrder> {
    const doc = structuredClone(input) as JsonObject;
    if (doc.number === undefined) doc.number = highestOrderNumber(state) + 1;
    if (typeof doc.number === 'number' && state.orders.has(doc.number)) throw new StateError('invalid', `Order ${doc.number} already exists.`);
    const order = putOrder(state, doc, null);
    if (behaviours.orderAddEmitsCreatedEvent) await emitOrderCreated(order.number);
    for (const integration of state.integrations.values()) {
      if (integration.create_integration_action_after_creating_new_order) requestAction(integration.uuid, 'export_order', String(order.number));
    }
    return order;
  }

  /** Sends an event to the configured webhook, as the account would, and keeps the delivery. */
  async function push(event: EventRecord): Promise<void> {
    if (options.webhook !== undefined) state.webhookDeliveries.push(await deliverWebhook(options.webhook, event, now(), behaviours.webhookObject));
  }

  async function emitOrderCreated(number: number): Promise<EventRecord> {
    const order = state.orders.get(number);
    if (order === undefined) throw new StateError('not_found', `No order ${number}.`);
    const event = addEvent(
      state,
      {
        type: 'order.created',
        data: { uuid: order.uuid, number: order.number, status: order.doc.status ?? null },
        related_object_type: 'order',
        related_object: order.uuid,
        scope: null,
      },
      now(),
    );
    await push(event);
    return event;
  }

  function requestAction(integration: string, type: string, entityId: string | null, status?: string): IntegrationAction {
    const order = type === 'export_order' && entityId !== null ? state.orders.get(Number(entityId)) : undefined;
    const action = createAction(
      state,
      integration,
      { type, entity_id: entityId, status: status ?? behaviours.uiRequestStatus, related_object_type: order ? 'order' : null, related_object: order?.uuid ?? null },
      now(),
    );
    const data = requestedEventData(action);
    const event = addEvent(
      state,
      { type: 'integration_action.requested', data, related_object_type: action.related_object_type, related_object: action.related_object, scope: integration },
      now(),
    );
    if (options.webhook !== undefined) {
      // The push carries the action itself, as the help article's sample shows (uuid and type,
      // not the poll's action_uuid/action_type), in the sample's key order.
      const pushed = {
        ...event,
        data: {
          type: action.type,
          uuid: action.uuid,
          status: action.status,
          created: action.created,
          updated: action.updated,
          entity_id: action.entity_id,
          related_object: action.related_object,
          status_message: action.status_message,
          related_object_type: action.related_object_type,
        },
      };
      const sending: Promise<void> = deliverWebhook(options.webhook, pushed, now(), behaviours.webhookObject).then((delivery) => {
        state.webhookDeliveries.push(delivery);
        pendingPushes.delete(sending);
      });
      pendingPushes.add(sending);
    }
    return action;
  }

  function setIntegrationActive(uuid: string, active: boolean): void {
    const record = state.integrations.get(uuid);
    if (record === undefined) throw new StateError('not_found', `No managed integration ${uuid}.`);
    if (record.is_active === active) return;
    record.is_active = active;
    if (behaviours.activeChangeEmitsEvents) {
      addEvent(
        state,
        { type: active ? 'integration.turned_on' : 'integration.turned_off', data: { uuid, is_active: active }, related_object_type: null, related_object: null, scope: uuid },
        now(),
      );
    }
  }

  await seed();

  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, routerOptions: { ignoreTrailingSlash: true } });
  // Injected errors answer in Paperless Parts' own envelope (reference §4), not another system's.
  const faults = registerFaults(app, {
    ...options.faults,
    bodies: {
      status: (status) => errorEnvelope(status >= 500 ? 'server_error' : status === 404 ? 'not_found' : status === 401 ? 'authentication_failed' : 'invalid', status >= 500 ? 'A server error occurred.' : 'Emulated error.'),
      rateLimit: (retryAfter) => errorEnvelope('throttled', throttledMessage(/^\d+$/.test(retryAfter) ? Number(retryAfter) : 1)),
    },
  });
  registerFaultRoutes(app, faults);

  const hits = new Map<string, number[]>();
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith(`${CONTROL_PREFIX}/`)) return;
    const header = request.headers.authorization;
    if (header !== `API-Token ${token}`) {
      return sendError(reply, 401, 'authentication_failed', header === undefined ? 'Authentication credentials were not provided.' : 'Invalid token.');
    }
    const limit = behaviours.rateLimitPerMinute;
    if (limit === null) return;
    const t = now();
    const recent = (hits.get(token) ?? []).filter((h) => h > t - 60_000);
    if (recent.length >= limit) {
      hits.set(token, recent);
      const wait = Math.max(1, Math.ceil((recent[0]! + 60_000 - t) / 1000));
      if (behaviours.retryAfterHeader) reply.header('retry-after', String(wait));
      return sendError(reply, 429, 'throttled', throttledMessage(wait));
    }
    recent.push(t);
    hits.set(token, recent);
  });

  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'Not found.'));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return sendError(reply, status, status === 500 ? 'server_error' : 'invalid', status === 500 ? 'A server error occurred.' : error.message);
  });

  /** Back to the seeded account: state, token, rate-limit window and faults. */
  async function reset(): Promise<void> {
    await seed();
    hits.clear();
    token = initialToken;
    faults.clear();
  }

  const ctx: EmulatorContext = {
    state,
    behaviours,
    now,
    groupSlug,
    integrationUuid,
    addOrder: (doc) => addOrder(doc),
    generateOrders: (s, count) => generateInto(s, count, highestOrderNumber(state) + 1, true),
    emitOrderCreated,
    requestAction,
    setIntegrationActive,
    reset,
    rotateToken: (t) => {
      token = t;
    },
  };

  for (const prefix of behaviours.pathPrefixes) {
    await app.register(
      async (scope) => {
        orderRoutes(scope, ctx);
        integrationRoutes(scope, ctx);
        actionRoutes(scope, ctx);
        lookupRoutes(scope, ctx);
      },
      { prefix },
    );
  }
  controlRoutes(app, ctx);

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url: address,
    get variants() {
      return variants;
    },
    token: () => token,
    integrationUuid,
    groupSlug,
    state,
    behaviours,
    faults,
    app,
    addOrder: (order) => addOrder(order as JsonObject),
    requestExport: (n) => {
      if (!state.orders.has(n)) throw new StateError('not_found', `No order ${n}.`);
      return requestAction(integrationUuid, 'export_order', String(n));
    },
    requestAction: (input) => requestAction(integrationUuid, input.type ?? 'export_order', input.entity_id, input.status),
    async injectEvent(input) {
      const event = addEvent(
        state,
        { type: input.type, data: input.data, related_object_type: input.related_object_type ?? null, related_object: input.related_object ?? null, scope: integrationUuid },
        now(),
      );
      await push(event);
      return event;
    },
    setIntegrationActive: (active) => setIntegrationActive(integrationUuid, active),
    async setOrderStatus(number, status) {
      const order = state.orders.get(number);
      if (order === undefined) throw new StateError('not_found', `No order ${number}.`);
      order.doc = { ...order.doc, status };
      order.raw = null;
      const event = addEvent(
        state,
        { type: 'order.status_changed', data: { uuid: order.uuid, number, status }, related_object_type: 'order', related_object: order.uuid, scope: null },
        now(),
      );
      await push(event);
      return event;
    },
    changeOrder(number, edit) {
      const order = state.orders.get(number);
      if (order === undefined) throw new StateError('not_found', `No order ${number}.`);
      const doc = structuredClone(order.doc);
      edit(doc);
      order.doc = doc;
      order.raw = null;
    },
    emitOrderCreated,
    pushesDone: async () => {
      await Promise.all([...pendingPushes]);
    },
    rotateToken: (t) => {
      token = t;
    },
    reset,
    close: async () => {
      await Promise.all([...pendingPushes]);
      await app.close();
    },
  };
}
