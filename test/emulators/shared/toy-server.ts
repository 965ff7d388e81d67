/**
 * A tiny Fastify server with fault injection, for testing the fault layer and the HTTP helper
 * without any emulator's business logic: `POST /write` increments a counter (a "commit").
 */
import Fastify from 'fastify';
import { registerFaultRoutes, registerFaults } from '../../../emulators/shared/faults.ts';
import type { FaultController, FaultOptions } from '../../../emulators/shared/faults.ts';

export type ToyServer = { url: string; faults: FaultController; writes: () => number; close: () => Promise<void> };

export async function startToyServer(options: FaultOptions = {}): Promise<ToyServer> {
  const app = Fastify({ logger: false });
  const faults = registerFaults(app, options);
  registerFaultRoutes(app, faults);
  let writes = 0;
  app.post('/write', async () => {
    writes += 1;
    return { success: 1, writes, filler: 'x'.repeat(200) };
  });
  app.get('/read/:id', async (request) => ({ id: (request.params as { id: string }).id }));
  app.get('/text', async (_request, reply) => reply.code(200).type('text/plain').send('OK!'));
  app.get('/echo', async (request) => ({ query: request.query }));
  app.get('/empty', async (_request, reply) => reply.code(200).send(''));
  app.get('/teapot', async (_request, reply) => reply.code(418).type('text/html').send('<html>no</html>'));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, faults, writes: () => writes, close: () => app.close() };
}
