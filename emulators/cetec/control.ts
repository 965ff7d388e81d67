/**
 * Emulator-only control routes under `/__emulator/` (a prefix Cetec does not use): read-back of
 * state for tests, the journal, reset and seed, behaviour switches (§9 item 35). Faults have their
 * own routes (emulators/shared/faults.ts).
 */
import type { FastifyInstance } from 'fastify';
import { parseBehaviours } from './behaviours.ts';
import type { CetecContext } from './context.ts';
import type { CetecSeed } from './seed.ts';
import type { CetecStateView } from './state.ts';

export function registerCetecControl(app: FastifyInstance, ctx: CetecContext, view: CetecStateView): void {
  const p = '/__emulator';
  app.get(`${p}/state`, async () => {
    const s = ctx.state();
    return {
      parts: view.parts(),
      quotes: view.quotes(),
      orders: view.orders(),
      customers: view.customers(),
      documents: view.documents(),
      next: { quote: s.nextQuote, order: s.nextOrder, customer: s.nextCustomerId },
      clock: s.clock,
    };
  });
  app.get(`${p}/parts`, async () => view.parts());
  app.get(`${p}/parts/:prcpart`, async (request, reply) => {
    const part = view.part((request.params as { prcpart: string }).prcpart);
    return part === null ? reply.code(404).send({ error: 'no such part' }) : part;
  });
  app.get(`${p}/quotes`, async () => view.quotes());
  app.get(`${p}/orders`, async () => view.orders());
  app.get(`${p}/by-external-key/:key`, async (request) => {
    const key = (request.params as { key: string }).key;
    return { quotes: view.quotesByExternalKey(key), orders: view.ordersByExternalKey(key) };
  });
  app.get(`${p}/journal`, async () => ctx.journal.entries());
  app.delete(`${p}/journal`, async () => {
    ctx.journal.clear();
    return { ok: true };
  });
  app.post(`${p}/reset`, async () => {
    ctx.reset();
    return { ok: true };
  });
  app.get(`${p}/seed`, async () => ctx.state().seed);
  app.put(`${p}/seed`, async (request, reply) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return reply.code(400).send({ error: 'seed: expected an object' });
    ctx.reset(body as Partial<CetecSeed>);
    return ctx.state().seed;
  });
  app.get(`${p}/behaviours`, async () => ctx.behaviours());
  app.put(`${p}/behaviours`, async (request, reply) => {
    try {
      return ctx.setBehaviours(parseBehaviours(request.body));
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
  });
}
