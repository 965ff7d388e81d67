/**
 * Lookup data an exporter maps through (reference §5.6–5.8): payment terms, accounts, contacts and
 * custom tables. Read-only here, except an account's erp_code, which an exporter may link back.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { isPlainObject, pageOf, paginate, queryOf, sendError, sendNotFoundText } from '../http.ts';
import type { JsonObject } from '../state.ts';

const ACCOUNT_LIST_FIELDS = ['id', 'name', 'erp_code', 'phone', 'phone_ext', 'type', 'country_code'] as const;
const CONTACT_LIST_FIELDS = ['id', 'account_id', 'country_code', 'created', 'email', 'first_name', 'last_name', 'phone', 'phone_ext'] as const;

export function lookupRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers/public/payment_terms', async (_request, reply) => reply.send(ctx.state.paymentTerms));

  app.get<{ Params: { id: string } }>('/customers/public/payment_terms/:id', async (request, reply) => {
    const term = byId(ctx.state.paymentTerms, request.params.id);
    return term === undefined ? sendNotFoundText(reply) : reply.send(term);
  });

  app.get('/accounts/public', async (request, reply) => {
    const q = queryOf(request);
    const page = pageOf(q);
    if (page === null) return sendError(reply, 400, 'invalid', 'Invalid page.');
    const search = q.search?.toLowerCase();
    const nullErp = q.null_erp_code === undefined ? undefined : q.null_erp_code === 'true';
    const rows = ctx.state.accounts
      .filter((a) => search === undefined || String(a.name ?? '').toLowerCase().includes(search))
      .filter((a) => q.erp_code === undefined || a.erp_code === q.erp_code)
      .filter((a) => nullErp === undefined || (a.erp_code === null || a.erp_code === undefined) === nullErp)
      .map((a) => pick(a, ACCOUNT_LIST_FIELDS));
    return reply.send(paginate(request, rows, page, ctx.behaviours.listPageSize));
  });

  app.get<{ Params: { id: string } }>('/accounts/public/:id', async (request, reply) => {
    const account = byId(ctx.state.accounts, request.params.id);
    return account === undefined ? sendNotFoundText(reply) : reply.send(account);
  });

  app.patch<{ Params: { id: string } }>('/accounts/public/:id', async (request, reply) => {
    const account = byId(ctx.state.accounts, request.params.id);
    if (account === undefined) return sendError(reply, 404, 'not_found', 'Not found.');
    const body = request.body;
    if (!isPlainObject(body)) return sendError(reply, 400, 'invalid', 'Body must be a JSON object.');
    if ('erp_code' in body && body.erp_code !== null && typeof body.erp_code !== 'string') return sendError(reply, 400, 'invalid', 'erp_code must be a string or null.');
    if ('erp_code' in body) account.erp_code = body.erp_code;
    return reply.send(account);
  });

  app.get('/contacts/public', async (request, reply) => {
    const q = queryOf(request);
    const page = pageOf(q);
    if (page === null) return sendError(reply, 400, 'invalid', 'Invalid page.');
    const rows = ctx.state.contacts
      .filter((c) => q.account_id === undefined || String(c.account_id) === q.account_id)
      .map((c) => pick(c, CONTACT_LIST_FIELDS));
    return reply.send(paginate(request, rows, page, ctx.behaviours.listPageSize));
  });

  app.get<{ Params: { id: string } }>('/contacts/public/:id', async (request, reply) => {
    const contact = byId(ctx.state.contacts, request.params.id);
    return contact === undefined ? sendNotFoundText(reply) : reply.send(contact);
  });

  app.get('/suppliers/public/custom_tables', async (_request, reply) => reply.send([...ctx.state.customTables.keys()]));

  app.get<{ Params: { name: string } }>('/suppliers/public/custom_tables/:name', async (request, reply) => {
    const table = ctx.state.customTables.get(request.params.name);
    return table === undefined ? sendNotFoundText(reply) : reply.send(table);
  });
}

function byId(rows: JsonObject[], id: string): JsonObject | undefined {
  return /^\d+$/.test(id) ? rows.find((r) => r.id === Number(id)) : undefined;
}

function pick(row: JsonObject, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const f of fields) if (f in row) out[f] = row[f];
  return out;
}
