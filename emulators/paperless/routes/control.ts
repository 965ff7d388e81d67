/**
 * Control endpoints under `/__emulator/` (a prefix the real API does not use; no token needed):
 * what a person does in the Paperless Parts web app (place an order, press "Export Order",
 * switch the integration on or off), plus state read-back and reset for tests.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { isPlainObject, sendError } from '../http.ts';
import { actionWire, eventWire, StateError } from '../state.ts';
import type { PaperlessState } from '../state.ts';
import { integrationWire } from './integrations.ts';

export const CONTROL_PREFIX = '/__emulator';

export function controlRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const p = CONTROL_PREFIX;

  app.post(`${p}/orders`, async (request, reply) => {
    const body = request.body;
    if (!isPlainObject(body)) return sendError(reply, 400, 'invalid', 'Body must be an order or {"generate": {"seed", "count"}}.');
    try {
      if (isPlainObject(body.generate)) {
        const { seed, count } = body.generate;
        if (typeof seed !== 'number' || typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000) {
          return sendError(reply, 400, 'invalid', 'generate needs a numeric seed and a count of 1..10000.');
        }
        const orders = await ctx.generateOrders(seed, count);
        return reply.code(201).send({ numbers: orders.map((o) => o.number) });
      }
      const order = await ctx.addOrder(body);
      return reply.code(201).send({ numbers: [order.number] });
    } catch (error) {
      if (error instanceof StateError) return sendError(reply, 400, error.code, error.message);
      throw error;
    }
  });

  app.delete<{ Params: { number: string } }>(`${p}/orders/:number`, async (request, reply) => {
    const deleted = ctx.state.orders.delete(Number(request.params.number));
    return deleted ? reply.code(204).send() : sendError(reply, 404, 'not_found', 'No such order.');
  });

  app.post<{ Params: { number: string } }>(`${p}/orders/:number/export`, async (request, reply) => {
    const number = Number(request.params.number);
    if (!ctx.state.orders.has(number)) return sendError(reply, 404, 'not_found', 'No such order.');
    const body = isPlainObject(request.body) ? request.body : {};
    const integration = typeof body.integration_uuid === 'string' ? body.integration_uuid : ctx.integrationUuid;
    if (!ctx.state.integrations.has(integration)) return sendError(reply, 404, 'not_found', 'No such managed integration.');
    return reply.code(201).send(actionWire(ctx.requestAction(integration, 'export_order', String(number))));
  });

  app.post<{ Params: { number: string } }>(`${p}/orders/:number/created-event`, async (request, reply) => {
    try {
      return reply.code(201).send(eventWire(await ctx.emitOrderCreated(Number(request.params.number))));
    } catch (error) {
      if (error instanceof StateError) return sendError(reply, 404, 'not_found', error.message);
      throw error;
    }
  });

  app.post(`${p}/integration`, async (request, reply) => {
    const body = request.body;
    if (!isPlainObject(body) || typeof body.is_active !== 'boolean') return sendError(reply, 400, 'invalid', 'Body must be {"is_active": true|false}.');
    const uuid = typeof body.integration_uuid === 'string' ? body.integration_uuid : ctx.integrationUuid;
    const record = ctx.state.integrations.get(uuid);
    if (record === undefined) return sendError(reply, 404, 'not_found', 'No such managed integration.');
    ctx.setIntegrationActive(uuid, body.is_active);
    return reply.send(integrationWire(record));
  });

  app.post(`${p}/token`, async (request, reply) => {
    const body = request.body;
    if (!isPlainObject(body) || typeof body.token !== 'string' || body.token.length < 8) return sendError(reply, 400, 'invalid', 'Body must be {"token": "<at least 8 characters>"}.');
    ctx.rotateToken(body.token);
    return reply.code(204).send();
  });

  app.get(`${p}/state`, async () => stateSnapshot(ctx.state));

  app.post(`${p}/reset`, async (_request, reply) => {
    await ctx.reset();
    return reply.code(204).send();
  });
}

/** JSON read-back of the whole account, for tests and people poking at a running emulator. */
export function stateSnapshot(state: PaperlessState) {
  return {
    orderNumbers: [...state.orders.keys()].sort((a, b) => a - b),
    integrations: [...state.integrations.values()],
    actions: [...state.actions.values()].map((a) => ({ ...actionWire(a), integration_uuid: a.integrationUuid, history: a.history, errors: a.errors })),
    events: state.events.map((e) => ({
      ...eventWire(e),
      scope: e.scope,
      dispatched_to: [...state.dispatched.entries()].filter(([, set]) => set.has(e.uuid)).map(([uuid]) => uuid),
    })),
    heartbeats: state.heartbeats,
    lastHeartbeat: Object.fromEntries(
      [...state.integrations.keys()].map((uuid) => [uuid, state.heartbeats.filter((h) => h.integrationUuid === uuid).at(-1)?.at ?? null]),
    ),
    erpCodeWrites: state.erpCodeWrites,
    webhookDeliveries: state.webhookDeliveries,
  };
}
