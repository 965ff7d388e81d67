/**
 * Orders (reference §5.1): one order by number, new order numbers after a cursor, the SDK's group
 * listing used to find the newest number, and the `erp_code` write-back.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { isPlainObject, pageOf, paginate, queryOf, sendError, sendNotFoundText } from '../http.ts';
import { setOrderErpCode, sortedOrderNumbers } from '../state.ts';
import type { StoredOrder } from '../state.ts';

export function orderRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  // Registered before `:number` so the literal segment wins.
  app.get('/orders/public/new', async (request, reply) => {
    const q = queryOf(request);
    let last = 0;
    if (q.last_order !== undefined && q.last_order !== '') {
      if (!/^-?\d+$/.test(q.last_order)) return sendError(reply, 400, 'invalid', 'last_order must be an integer.', { last_order: q.last_order });
      last = Number(q.last_order);
    }
    const numbers = sortedOrderNumbers(ctx.state).filter((n) => {
      if (n <= last) return false;
      if (ctx.behaviours.newOrdersIncludeCancelled) return true;
      return ctx.state.orders.get(n)?.doc.status !== 'cancelled';
    });
    return reply.send(numbers);
  });

  app.get<{ Params: { number: string } }>('/orders/public/:number', async (request, reply) => {
    const order = findOrder(ctx, request.params.number);
    if (order === undefined) return sendNotFoundText(reply);
    return sendOrder(reply, order);
  });

  app.patch<{ Params: { number: string } }>('/orders/public/:number', async (request, reply) => {
    const order = findOrder(ctx, request.params.number);
    if (order === undefined) return sendNotFoundText(reply);
    const body = request.body;
    if (!isPlainObject(body) || !('erp_code' in body)) {
      return sendError(reply, 400, 'invalid', 'Body must be a JSON object with erp_code.', null);
    }
    const extra = Object.keys(body).filter((k) => k !== 'erp_code');
    if (ctx.behaviours.orderPatchOnlyErpCode && extra.length > 0) {
      return sendError(reply, 400, 'invalid', 'Only erp_code can be changed on an order.', { fields: extra });
    }
    const code = body.erp_code;
    if (code !== null && typeof code !== 'string') return sendError(reply, 400, 'invalid', 'erp_code must be a string or null.', null);
    return sendOrder(reply, setOrderErpCode(ctx.state, order.number, code, ctx.now()));
  });

  app.get<{ Params: { slug: string } }>('/orders/groups/:slug', async (request, reply) => {
    if (request.params.slug !== ctx.groupSlug) return sendNotFoundText(reply);
    const q = queryOf(request);
    const page = pageOf(q);
    if (page === null) return sendError(reply, 400, 'invalid', 'Invalid page.', null);
    const ordering = q.o ?? '-number';
    if (ordering !== 'number' && ordering !== '-number') return sendError(reply, 400, 'invalid', 'o must be number or -number.', { o: ordering });
    const numbers = sortedOrderNumbers(ctx.state);
    if (ordering === '-number') numbers.reverse();
    // ASSUMPTION (§5.1): the SDK reads only results[*].number; a compact summary is served.
    const summaries = numbers.map((n) => summary(ctx.state.orders.get(n)!));
    return reply.send(paginate(request, summaries, page, ctx.behaviours.listPageSize));
  });
}

function findOrder(ctx: EmulatorContext, param: string): StoredOrder | undefined {
  if (!/^\d+$/.test(param)) return undefined;
  return ctx.state.orders.get(Number(param));
}

function sendOrder(reply: import('fastify').FastifyReply, order: StoredOrder) {
  // Seeded text is served byte for byte (money strings and `150.0` floats exactly as captured).
  return reply.type('application/json').send(order.raw ?? JSON.stringify(order.doc));
}

function summary(order: StoredOrder): Record<string, unknown> {
  const d = order.doc;
  return {
    number: order.number,
    uuid: order.uuid,
    status: d.status ?? null,
    created: d.created ?? null,
    quote_number: d.quote_number ?? null,
    erp_code: d.erp_code ?? null,
  };
}
