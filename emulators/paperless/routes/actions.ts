/**
 * Integration actions (reference §5.4): list with filters in both spellings, create, batch create
 * and update, get, PATCH of status and message, and per-record errors.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ACTION_STATUSES } from '../behaviours.ts';
import type { ActionStatus } from '../behaviours.ts';
import type { EmulatorContext } from '../context.ts';
import { isPlainObject, listParam, pageOf, paginate, queryOf, sendError, sendNotFoundText } from '../http.ts';
import { actionWire, addActionErrors, createAction, patchAction, StateError } from '../state.ts';
import type { ActionPatch, IntegrationAction } from '../state.ts';

type Invalid = { invalid: string; extra?: unknown };

export function actionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const base = '/managed_integrations/public/:uuid/integration_actions';

  app.get<{ Params: { uuid: string } }>(base, async (request, reply) => {
    if (!ctx.state.integrations.has(request.params.uuid)) return sendNotFoundText(reply);
    const q = queryOf(request);
    const page = pageOf(q);
    if (page === null) return sendError(reply, 400, 'invalid', 'Invalid page.');
    // OA1 documents status_in/type_in; the SDK sends status/type. Both are accepted.
    const statuses = listParam(q.status_in) ?? listParam(q.status);
    const types = listParam(q.type_in) ?? listParam(q.type);
    const actions = [...ctx.state.actions.values()]
      .filter((a) => a.integrationUuid === request.params.uuid)
      .filter((a) => statuses === undefined || statuses.includes(a.status))
      .filter((a) => types === undefined || types.includes(a.type))
      .map(actionWire);
    return reply.send(paginate(request, actions, page, ctx.behaviours.listPageSize));
  });

  app.post<{ Params: { uuid: string } }>(base, async (request, reply) => {
    if (!ctx.state.integrations.has(request.params.uuid)) return sendError(reply, 404, 'not_found', 'Not found.');
    const input = parseCreate(request.body);
    if ('invalid' in input) return sendError(reply, 400, 'invalid', input.invalid, input.extra ?? null);
    return reply.code(201).send(actionWire(createAction(ctx.state, request.params.uuid, input, ctx.now())));
  });

  app.post<{ Params: { uuid: string } }>(`${base}/batch`, async (request, reply) => {
    if (!ctx.state.integrations.has(request.params.uuid)) return sendError(reply, 404, 'not_found', 'Not found.');
    const items = batchItems(request.body);
    if (items === null) return sendError(reply, 400, 'invalid', 'Body must be {"integration_actions": [...]}.');
    const inputs = items.map(parseCreate);
    const bad = inputs.findIndex((i) => 'invalid' in i);
    if (bad >= 0) return sendError(reply, 400, 'invalid', (inputs[bad] as Invalid).invalid, { index: bad });
    const created = inputs.map((i) => createAction(ctx.state, request.params.uuid, i as { type: string; entity_id: string }, ctx.now()));
    return reply.code(201).send(created.map(actionWire));
  });

  app.patch<{ Params: { uuid: string } }>(`${base}/batch`, async (request, reply) => {
    if (!ctx.state.integrations.has(request.params.uuid)) return sendError(reply, 404, 'not_found', 'Not found.');
    const items = batchItems(request.body);
    if (items === null) return sendError(reply, 400, 'invalid', 'Body must be {"integration_actions": [...]}.');
    // All or nothing: check every item before changing any.
    const planned: { action: IntegrationAction; patch: ActionPatch }[] = [];
    for (const [index, item] of items.entries()) {
      const uuid = isPlainObject(item) ? item.uuid : undefined;
      const action = typeof uuid === 'string' ? ctx.state.actions.get(uuid) : undefined;
      if (action === undefined || action.integrationUuid !== request.params.uuid) return sendError(reply, 400, 'invalid', 'Unknown integration action uuid.', { index });
      const patch = parsePatch(item, ctx.behaviours.statusMessageMaxLength);
      if ('invalid' in patch) return sendError(reply, 400, 'invalid', patch.invalid, { index });
      planned.push({ action, patch });
    }
    for (const { action, patch } of planned) {
      const copy = structuredClone(action);
      try {
        patchAction(copy, patch, rules(ctx), ctx.now());
      } catch (error) {
        return sendStateError(reply, error);
      }
    }
    return reply.send(planned.map(({ action, patch }) => actionWire(patchAction(action, patch, rules(ctx), ctx.now()))));
  });

  app.get<{ Params: { uuid: string } }>('/integration_actions/public/:uuid', async (request, reply) => {
    const action = ctx.state.actions.get(request.params.uuid);
    return action === undefined ? sendNotFoundText(reply) : reply.send(actionWire(action));
  });

  app.patch<{ Params: { uuid: string } }>('/integration_actions/public/:uuid', async (request, reply) => {
    const action = ctx.state.actions.get(request.params.uuid);
    if (action === undefined) return sendError(reply, 404, 'not_found', 'Not found.');
    const patch = parsePatch(request.body, ctx.behaviours.statusMessageMaxLength);
    if ('invalid' in patch) return sendError(reply, 400, 'invalid', patch.invalid, patch.extra ?? null);
    try {
      return reply.send(actionWire(patchAction(action, patch, rules(ctx), ctx.now())));
    } catch (error) {
      return sendStateError(reply, error);
    }
  });

  app.post<{ Params: { uuid: string } }>('/integration_actions/public/:uuid/errors', async (request, reply) => {
    const action = ctx.state.actions.get(request.params.uuid);
    if (action === undefined) return sendError(reply, 404, 'not_found', 'Not found.');
    const body = request.body;
    if (!isPlainObject(body) || !Array.isArray(body.errors)) return sendError(reply, 400, 'invalid', 'Body must be {"errors": [...]}.');
    const errors: { reference_id: string | null; error_message: string; cause: string | null }[] = [];
    for (const [index, e] of body.errors.entries()) {
      if (!isPlainObject(e) || typeof e.error_message !== 'string') return sendError(reply, 400, 'invalid', 'Each error needs error_message.', { index });
      const ref = e.reference_id;
      if (ref !== undefined && ref !== null && typeof ref !== 'string') return sendError(reply, 400, 'invalid', 'reference_id must be a string.', { index });
      if (e.cause !== undefined && e.cause !== null && typeof e.cause !== 'string') return sendError(reply, 400, 'invalid', 'cause must be a string or null.', { index });
      errors.push({ reference_id: (ref as string | null | undefined) ?? null, error_message: e.error_message, cause: (e.cause as string | null | undefined) ?? null });
    }
    return reply.code(201).send(addActionErrors(action, errors));
  });
}

function rules(ctx: EmulatorContext) {
  return { terminalRefuses: ctx.behaviours.terminalStatesRefuseChanges, repeatIsNoop: ctx.behaviours.terminalRepeatIsNoop };
}

function sendStateError(reply: FastifyReply, error: unknown) {
  if (error instanceof StateError) return sendError(reply, error.code === 'not_found' ? 404 : 400, error.code, error.message);
  throw error;
}

function batchItems(body: unknown): unknown[] | null {
  return isPlainObject(body) && Array.isArray(body.integration_actions) ? body.integration_actions : null;
}

function parseCreate(body: unknown): { type: string; entity_id: string } | Invalid {
  if (!isPlainObject(body)) return { invalid: 'Body must be a JSON object.' };
  if (typeof body.type !== 'string' || body.type === '') return { invalid: 'type is required.', extra: { field: 'type' } };
  const entity = body.entity_id;
  if (typeof entity !== 'string' && !(typeof entity === 'number' && Number.isFinite(entity))) {
    return { invalid: 'entity_id is required.', extra: { field: 'entity_id' } };
  }
  return { type: body.type, entity_id: String(entity) };
}

/** Writable fields; the SDK also sends read-only ones (uuid, type, entity_id), which are ignored as DRF does. */
function parsePatch(body: unknown, maxMessage: number | null): ActionPatch | Invalid {
  if (!isPlainObject(body)) return { invalid: 'Body must be a JSON object.' };
  const patch: ActionPatch = {};
  if (body.status !== undefined) {
    if (!(ACTION_STATUSES as readonly string[]).includes(body.status as string)) return { invalid: `status must be one of ${ACTION_STATUSES.join(', ')}.`, extra: { field: 'status' } };
    patch.status = body.status as ActionStatus;
  }
  if (body.status_message !== undefined) {
    if (body.status_message !== null && typeof body.status_message !== 'string') return { invalid: 'status_message must be a string or null.', extra: { field: 'status_message' } };
    if (typeof body.status_message === 'string' && maxMessage !== null && Array.from(body.status_message).length > maxMessage) {
      return { invalid: `Ensure status_message has no more than ${maxMessage} characters.`, extra: { field: 'status_message' } };
    }
    patch.status_message = body.status_message;
  }
  if (body.current_record_count !== undefined) {
    const c = body.current_record_count;
    if (c !== null && !(typeof c === 'number' && Number.isInteger(c) && c >= 0)) return { invalid: 'current_record_count must be a whole number.', extra: { field: 'current_record_count' } };
    patch.current_record_count = c;
  }
  return patch;
}
