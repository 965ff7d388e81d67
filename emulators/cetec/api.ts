/**
 * The emulated Cetec API routes (cetec.md §9 items 3–32). Authentication runs as a preHandler
 * for every route here: the token comes from the `preshared_token` query parameter, or, on routes
 * marked `bodyToken`, from a top-level `preshared_token` field of the JSON body (§9 item 3).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CetecContext } from './context.ts';
import { isUnparsed } from './context.ts';
import { defineRevision, putRevision } from './definitions.ts';
import { importQuotes } from './imports.ts';
import { ensurePart, normalisePart, partView } from './state.ts';
import type { Customer } from './state.ts';

type Query = Record<string, string | undefined>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function withoutToken(body: unknown): unknown {
  if (!isObj(body) || !('preshared_token' in body)) return body;
  const { preshared_token: _token, ...rest } = body;
  return rest;
}

export function registerCetecApi(app: FastifyInstance, ctx: CetecContext): void {
  const note = (request: FastifyRequest, warnings: string[]): void => {
    ctx.entry(request)?.warnings.push(...warnings);
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/__emulator/')) return;
    const entry = ctx.entry(request);
    if (entry && request.body !== undefined) entry.body = ctx.journal.scrub(isUnparsed(request.body) ? request.body.__unparsed.slice(0, 10_000) : request.body);
    if (request.is404) return;
    const query = request.query as Query;
    const bodyToken = (request.routeOptions.config as { bodyToken?: boolean } | undefined)?.bodyToken === true;
    const fromBody = bodyToken && isObj(request.body) && typeof request.body.preshared_token === 'string' ? request.body.preshared_token : undefined;
    const fromQuery = typeof query.preshared_token === 'string' ? query.preshared_token : undefined;
    const token = fromQuery ?? fromBody;
    const accepted = token !== undefined && ctx.state().seed.tokens.includes(token);
    if (entry) {
      entry.tokenSource = fromQuery !== undefined ? 'query' : fromBody !== undefined ? 'body' : 'none';
      entry.tokenAccepted = accepted;
    }
    if (accepted) return;
    const failure = ctx.behaviours().authFailure;
    const status = failure === 'http-403' ? 403 : failure === 'http-200-success-0' ? 200 : 401;
    return reply.code(status).send({ success: 0, message: 'invalid token' });
  });

  app.post('/api/partrevisiondefinition', { config: { bodyToken: true } }, async (request, reply) => {
    if (isUnparsed(request.body) || request.body === undefined) return reply.code(400).send({ success: 0, message: 'body must be a JSON object' });
    const version = request.headers.version;
    const outcome = defineRevision(ctx.state(), withoutToken(request.body), Array.isArray(version) ? version[0] : version, ctx.behaviours());
    note(request, outcome.warnings);
    return reply.code(outcome.status).send(outcome.body);
  });

  app.put('/api/partrevisiondefinition', { config: { bodyToken: true } }, async (request, reply) => {
    if (isUnparsed(request.body) || request.body === undefined) return reply.code(400).send({ success: 0, message: 'body must be a JSON object' });
    const outcome = putRevision(ctx.state(), withoutToken(request.body), ctx.behaviours());
    note(request, outcome.warnings);
    return reply.code(outcome.status).send(outcome.body);
  });

  app.post('/importjson/quotes', async (request, reply) => {
    if (isUnparsed(request.body) || request.body === undefined || request.body === null) {
      return reply.code(400).send({ quotes: [], orders: [], message: 'body must be JSON: an order or an array of orders', success: 0 });
    }
    const source = (request.query as Query).import_source_name;
    const outcome = importQuotes(ctx.state(), request.body, source === undefined || source === '' ? null : source, ctx.behaviours());
    note(request, outcome.warnings);
    return reply.code(outcome.status).send(outcome.body);
  });

  app.get('/api/part/:prcpart', async (request, reply) => {
    const part = ctx.state().parts.get(normalisePart((request.params as { prcpart: string }).prcpart));
    if (part === undefined) return reply.code(404).send({});
    return partView(part);
  });

  app.put('/api/part', async (request, reply) => {
    const q = request.query as Query;
    if (!q.prcpart) return reply.code(400).send({ success: 0, message: 'prcpart required' });
    const existing = ctx.state().parts.get(normalisePart(q.prcpart));
    if (existing !== undefined && ctx.behaviours().partPutExisting === 'refuse') {
      return reply.code(400).send({ success: 0, message: `Part ${existing.prcpart} already exists` });
    }
    const part = ensurePart(ctx.state(), q.prcpart, q.description ?? '');
    if (q.description !== undefined) part.description = q.description;
    if (q.is_bom === '1') part.is_bom = true;
    ctx.state().clock += 1;
    return partView(part);
  });

  const pickColumns = (customer: Customer, columns: string | undefined): Obj => {
    if (!columns) return customer;
    const keys = columns.split(',').map((c) => c.trim());
    return Object.fromEntries(keys.filter((k) => k in customer).map((k) => [k, customer[k]]));
  };

  app.get('/api/customer', async (request) => {
    const q = request.query as Query;
    return ctx
      .state()
      .customers.filter(
        (c) =>
          (q.id === undefined || String(c.id) === q.id) &&
          (q.name === undefined || c.name === q.name) &&
          (q.external_key === undefined || c.external_key === q.external_key) &&
          (q.acct_email === undefined || c.acctemail === q.acct_email),
      )
      .map((c) => pickColumns(c, q.columns));
  });

  app.get('/api/customer/:id', async (request, reply) => {
    const customer = ctx.state().customers.find((c) => String(c.id) === (request.params as { id: string }).id);
    return customer === undefined ? reply.code(404).send({}) : customer;
  });

  app.put('/api/customer', { config: { bodyToken: true } }, async (request, reply) => {
    const body = withoutToken(request.body);
    if (!isObj(body) || typeof body.name !== 'string' || body.name === '') return reply.code(400).send({ success: 0, message: 'name required' });
    const state = ctx.state();
    const id = state.nextCustomerId++;
    const customer: Customer = {
      ...body,
      id,
      name: body.name,
      custnum: typeof body.custnum === 'string' ? body.custnum : `C${id}`,
      external_key: typeof body.external_key === 'string' ? body.external_key : String(id),
      acctemail: typeof body.acctemail === 'string' ? body.acctemail : '',
    };
    state.customers.push(customer);
    state.clock += 1;
    return reply.code(ctx.behaviours().customerCreateStatus).send(customer);
  });

  app.patch('/api/customer/:id', { config: { bodyToken: true } }, async (request, reply) => {
    const customer = ctx.state().customers.find((c) => String(c.id) === (request.params as { id: string }).id);
    if (customer === undefined) return reply.code(404).send({});
    const body = withoutToken(request.body);
    if (isObj(body)) Object.assign(customer, body, { id: customer.id });
    ctx.state().clock += 1;
    return customer;
  });

  app.get('/api/contact', async (request) => {
    const email = (request.query as Query).email;
    return ctx.state().contacts.filter((c) => email === undefined || c.email === email);
  });

  app.put('/api/document', async (request, reply) => {
    const q = request.query as Query;
    const raw = isUnparsed(request.body) ? request.body.__unparsed : JSON.stringify(request.body ?? '');
    ctx.state().documents.push({ object_type: q.object_type ?? '', object_id: q.object_id ?? '', name: q.name ?? '', bytes: Buffer.byteLength(raw) });
    return reply.code(201).send({ success: 1 });
  });

  // Hub assumption (behaviours.orderLookup): find quotes/orders by the import's external key.
  app.get('/api/order', async (request, reply) => {
    if (!ctx.behaviours().orderLookup) return notModelled(ctx, request, reply);
    const key = (request.query as Query).external_key;
    const shape = ctx.behaviours().orderLookupShape;
    const quotes = ctx.state().quotes.filter((q) => key === undefined || shape === 'ignores-filter' || q.external_key === key);
    if (shape === 'other-field-names') {
      return quotes.map((q) => ({ order_number: q.ordernum, quote_number: q.quotenum, ext_key: q.external_key, location: q.location }));
    }
    return quotes.map((q) => ({ ordernum: q.ordernum, quote: q.quotenum, external_key: q.external_key, location: q.location, lines: q.lines }));
  });
}

/** §9 item 32: anything the emulator does not model answers 404 JSON and is flagged in the journal. */
export function notModelled(ctx: CetecContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  ctx.entry(request)?.warnings.push(`unmodelled call: ${request.method} ${request.url.split('?')[0]}`);
  if (ctx.behaviours().unmodelledAnswer === 'html-login-200') {
    return reply.code(200).type('text/html; charset=utf-8').send('<!DOCTYPE html><html><head><title>Cetec ERP - Login</title></head><body><form action="/auth/login" method="post"><input name="username"><input name="password" type="password"></form></body></html>');
  }
  return reply.code(404).send({ success: 0, message: 'not found' });
}
