/**
 * Managed integrations (reference §5.2), their event poll with dispatch records (§5.3), heartbeats
 * (§5.5) and the account's event list.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { boolParam, isPlainObject, listParam, pageOf, paginate, queryOf, sendError, sendNotFoundText } from '../http.ts';
import { eventWire, isDispatched, isoMicros, markDispatched, oldestFirst, visibleTo } from '../state.ts';
import type { ManagedIntegration } from '../state.ts';

export function integrationWire(i: ManagedIntegration): Record<string, unknown> {
  return { uuid: i.uuid, erp_name: i.erp_name, is_active: i.is_active, erp_version: i.erp_version, integration_version: i.integration_version };
}

const NULLABLE_STRING_FIELDS = ['erp_version', 'integration_version'] as const;
const BOOL_FIELDS = ['is_active', 'create_integration_action_after_creating_new_order', 'create_integration_action_after_quote_sent'] as const;

export function integrationRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/managed_integrations/public', async (_request, reply) => reply.send([...ctx.state.integrations.values()].map(integrationWire)));

  app.post('/managed_integrations/public', async (request, reply) => {
    const body = request.body;
    if (!isPlainObject(body) || typeof body.erp_name !== 'string') return sendError(reply, 400, 'invalid', 'erp_name is required.', null);
    const record: ManagedIntegration = {
      uuid: randomUUID(),
      erp_name: body.erp_name,
      is_active: body.is_active === true,
      erp_version: typeof body.erp_version === 'string' ? body.erp_version : null,
      integration_version: typeof body.integration_version === 'string' ? body.integration_version : null,
      create_integration_action_after_creating_new_order: body.create_integration_action_after_creating_new_order === true,
      create_integration_action_after_quote_sent: body.create_integration_action_after_quote_sent === true,
    };
    ctx.state.integrations.set(record.uuid, record);
    return reply.code(201).send(integrationWire(record));
  });

  app.get<{ Params: { uuid: string } }>('/managed_integrations/public/:uuid', async (request, reply) => {
    const record = ctx.state.integrations.get(request.params.uuid);
    return record === undefined ? sendNotFoundText(reply) : reply.send(integrationWire(record));
  });

  app.patch<{ Params: { uuid: string } }>('/managed_integrations/public/:uuid', async (request, reply) => {
    const record = ctx.state.integrations.get(request.params.uuid);
    if (record === undefined) return sendError(reply, 404, 'not_found', 'Not found.');
    const body = request.body;
    if (!isPlainObject(body)) return sendError(reply, 400, 'invalid', 'Body must be a JSON object.');
    // OA1: uuid and erp_name cannot change.
    for (const fixed of ['uuid', 'erp_name'] as const) {
      if (fixed in body && body[fixed] !== record[fixed]) return sendError(reply, 400, 'invalid', `${fixed} cannot be changed.`, { field: fixed });
    }
    for (const f of BOOL_FIELDS) if (f in body && typeof body[f] !== 'boolean') return sendError(reply, 400, 'invalid', `${f} must be a boolean.`, { field: f });
    for (const f of NULLABLE_STRING_FIELDS) if (f in body && body[f] !== null && typeof body[f] !== 'string') return sendError(reply, 400, 'invalid', `${f} must be a string or null.`, { field: f });
    for (const f of NULLABLE_STRING_FIELDS) if (f in body) record[f] = body[f] as string | null;
    if (typeof body.create_integration_action_after_creating_new_order === 'boolean') record.create_integration_action_after_creating_new_order = body.create_integration_action_after_creating_new_order;
    if (typeof body.create_integration_action_after_quote_sent === 'boolean') record.create_integration_action_after_quote_sent = body.create_integration_action_after_quote_sent;
    if (typeof body.is_active === 'boolean') ctx.setIntegrationActive(record.uuid, body.is_active);
    return reply.send(integrationWire(record));
  });

  app.get<{ Params: { uuid: string } }>('/managed_integrations/public/:uuid/poll', async (request, reply) => {
    const integration = ctx.state.integrations.get(request.params.uuid);
    if (integration === undefined) return sendNotFoundText(reply);
    const q = queryOf(request);
    const types = ctx.behaviours.pollHonoursTypeFilter ? listParam(q.event_type_in) : undefined;
    const createDispatch = boolParam(q.create_dispatch_records, true);
    const wasDispatched = boolParam(q.was_dispatched, false);
    if (createDispatch === null || wasDispatched === null) return sendError(reply, 400, 'invalid', 'Boolean parameters take true or false.');
    // Oldest first; the poll returns what has not been delivered to this integration yet
    // (or, with was_dispatched=true, what has).
    const matching = oldestFirst(ctx.state.events)
      .filter((e) => visibleTo(e, integration.uuid))
      .filter((e) => types === undefined || types.includes(e.type))
      .filter((e) => isDispatched(ctx.state, e.uuid, integration.uuid) === wasDispatched);
    const page = matching.slice(0, ctx.behaviours.pollPageSize);
    if (createDispatch && !wasDispatched) markDispatched(ctx.state, integration.uuid, page.map((e) => e.uuid));
    const results = page.map(eventWire);
    if (ctx.behaviours.pollShape === 'bare-array') return reply.send(results);
    return reply.send({ results, has_more_events: matching.length > page.length });
  });

  app.post<{ Params: { uuid: string } }>('/managed_integrations/public/:uuid/heartbeat', async (request, reply) => {
    const integration = ctx.state.integrations.get(request.params.uuid);
    if (integration === undefined) return sendError(reply, 404, 'not_found', 'Not found.');
    const body = isPlainObject(request.body) ? request.body : {};
    ctx.state.heartbeats.push({ integrationUuid: integration.uuid, interval: body.interval ?? null, at: isoMicros(ctx.now()) });
    return reply.code(ctx.behaviours.heartbeatStatus).send({});
  });

  app.get('/events/public', async (request, reply) => {
    const q = queryOf(request);
    const page = pageOf(q);
    if (page === null) return sendError(reply, 400, 'invalid', 'Invalid page.');
    const types = listParam(q.event_type_in);
    const wasDispatched = q.was_dispatched === undefined ? undefined : boolParam(q.was_dispatched, false);
    if (wasDispatched === null) return sendError(reply, 400, 'invalid', 'was_dispatched takes true or false.');
    // Newest first, as in FX event_list.json.
    const events = oldestFirst(ctx.state.events)
      .reverse()
      .filter((e) => types === undefined || types.includes(e.type))
      .filter((e) => wasDispatched === undefined || isDispatched(ctx.state, e.uuid) === wasDispatched)
      .map(eventWire);
    return reply.send(paginate(request, events, page, ctx.behaviours.listPageSize));
  });
}
