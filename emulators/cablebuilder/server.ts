/**
 * The CableBuilder emulator: Get, Update and Create Design under `/live/rest/erpIntegration`
 * (configurable), the Send Design driver, and control routes under `/__emulator/` (docs/emulators/cablebuilder.md).
 *
 * Check order per request [A-40, A-45]: unknown path → 404 `Request Not Found`; known path, other
 * method → 405 `Method Not Allowed`; then the body checks of the endpoint's table. Every error
 * answer uses the common error structure. Behaviour switches come from
 * src/systems/cablebuilder/assumptions.ts.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerFaults, registerFaultRoutes, type FaultController, type FaultOptions } from '../shared/faults.ts';
import { resolveAssumptions, type CableBuilderAssumptions } from '../../src/systems/cablebuilder/assumptions.ts';
import { REASON_PHRASES } from '../../src/systems/cablebuilder/errors.ts';
import { designKey } from '../../src/systems/cablebuilder/schemas.ts';
import { createState, errorStamp, findDesign, serialise, type CableBuilderState, type Seed } from './state.ts';
import { defaultSeed } from './seed.ts';
import { javaStackTrace } from './stack-trace.ts';
import { everyMethodBut } from '../../src/server/http-methods.ts';
import { createDesign, getDesign, updateDesign, type CallResult } from './calls.ts';
import { sendDesigns, type DesignRef, type SendAnswer, type SendOptions, type SendTarget } from './sender.ts';

export type IncomingAuth = { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'header'; name: string; value: string };

export type CableBuilderEmulatorOptions = {
  host?: string;
  port?: number;
  /** Default `/live/rest/erpIntegration` [A-05]. */
  contextPath?: string;
  seed?: Seed;
  assumptions?: Partial<CableBuilderAssumptions>;
  /** The ERP's Send Design endpoint. */
  sendTo?: SendTarget;
  /** Credentials the ERP must present on Get/Update/Create (default none [A-04]). */
  auth?: IncomingAuth;
  faults?: FaultOptions;
  /** Clock (tests pass a fixed one). */
  now?: () => Date;
  bodyLimitBytes?: number;
};

export type CableBuilderEmulator = {
  /** Base URL including the context path, e.g. `http://127.0.0.1:PORT/live/rest/erpIntegration`. */
  url: string;
  /** `http://127.0.0.1:PORT` (control routes live under `/__emulator/`). */
  origin: string;
  state: CableBuilderState;
  assumptions: CableBuilderAssumptions;
  /** Send one design (`"CODE"`, `"CODE#1"` or a ref) or several; answers recorded in `state.log`. */
  send(designs: string | DesignRef | Array<string | DesignRef>, options?: SendOptions): Promise<SendAnswer[]>;
  /** The design as Get Design would show it (single level), or undefined. */
  design(design: string, designAlternative?: number): ReturnType<typeof serialise> | undefined;
  faults: FaultController;
  reset(seed?: Seed): void;
  close(): Promise<void>;
};

const ENDPOINTS = ['getDesign', 'updateDesign', 'createDesign'] as const;

export function toRef(value: string | DesignRef): DesignRef {
  if (typeof value !== 'string') return value;
  const at = value.lastIndexOf('#');
  return at > 0 && /^\d+$/.test(value.slice(at + 1)) ? { design: value.slice(0, at), designAlternative: Number(value.slice(at + 1)) } : { design: value, designAlternative: 0 };
}

export function errorBody(request: FastifyRequest, status: number, name: string, detail: string, now: Date): Record<string, unknown> {
  return {
    status,
    error: REASON_PHRASES[status] ?? 'Error',
    message: detail === '' ? name : `${name} - ${detail}`,
    timestamp: errorStamp(now),
    path: `${request.protocol}://${request.host}${request.url.split('?')[0]}`,
  };
}

export async function startCableBuilderEmulator(options: CableBuilderEmulatorOptions = {}): Promise<CableBuilderEmulator> {
  const a = resolveAssumptions(options.assumptions);
  const contextPath = (options.contextPath ?? '/live/rest/erpIntegration').replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  let seed = options.seed ?? defaultSeed();
  let state = createState(seed);
  let sendTarget = options.sendTo;
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: options.bodyLimitBytes ?? 10 * 1024 * 1024 });
  const faults = registerFaults(app, options.faults ?? {});
  const auth = options.auth ?? { kind: 'none' };

  const reply = (request: FastifyRequest, res: FastifyReply, endpoint: string, raw: string | undefined, result: CallResult): FastifyReply => {
    const failure = result as { name: string; detail: string };
    // [A-50] A 500 carries a stack trace in its message, after the detail.
    const detail = result.status === 500 && a.stackTraceOn500 ? `${failure.detail}${javaStackTrace(endpoint, failure.name)}` : failure.detail;
    const body = result.status === 200 && 'body' in result ? result.body : errorBody(request, result.status, failure.name, detail, now());
    state.log.push({
      id: state.log.length + 1,
      time: now().toISOString(),
      direction: 'in',
      endpoint,
      design: null,
      designAlternative: null,
      version: null,
      status: result.status,
      requestBody: raw ?? null,
      answerBody: body,
      outcome: result.status === 200 ? 'success' : 'error',
    });
    return res.code(result.status).type('application/json; charset=utf-8').send(body);
  };

  function authorised(request: FastifyRequest): boolean {
    if (auth.kind === 'none') return true;
    if (auth.kind === 'header') return request.headers[auth.name.toLowerCase()] === auth.value;
    const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    return request.headers.authorization === expected;
  }

  await app.register(async (api) => {
    // Read every body as text, whatever its Content-Type (or none) [A-02]; the checks parse it.
    api.removeAllContentTypeParsers();
    api.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    api.setErrorHandler((error: Error & { statusCode?: number }, request, res) => {
      const status = error.statusCode === 413 ? 413 : 500;
      return reply(request, res, 'error', undefined, { status, name: status === 413 ? 'Payload Too Large' : 'Exception', detail: status === 413 ? error.message : `${error.name}: ${error.message}` });
    });
    const handlers = { getDesign, updateDesign, createDesign } as const;
    // Every method Node accepts but POST (HEAD, OPTIONS, TRACE, QUERY, …) → 405 [T1], decided
    // before the body is read [A-40].
    const otherMethods = everyMethodBut(api, 'POST');
    for (const endpoint of ENDPOINTS) {
      const url = `${contextPath}/${endpoint}`;
      api.post(url, async (request, res) => {
        if (!authorised(request)) return reply(request, res, endpoint, undefined, { status: 401, name: 'Unauthorized', detail: 'credentials missing or wrong' });
        const raw = typeof request.body === 'string' ? request.body : undefined;
        const pending = state.unhandledException[endpoint] ?? 0;
        if (pending > 0) {
          // The guide's `Exception` row: an unhandled exception caught by the servlet (fault).
          state.unhandledException[endpoint] = pending - 1;
          return reply(request, res, endpoint, raw, { status: 500, name: 'Exception', detail: `java.lang.NullPointerException: Cannot invoke "com.cimteq.cablebuilder.model.Attribute.getValue()" because "attribute" is null` });
        }
        return reply(request, res, endpoint, raw, handlers[endpoint]({ state, a, now: now() }, raw));
      });
      api.route({
        method: otherMethods,
        url,
        onRequest: async (request, res) => reply(request, res, endpoint, undefined, { status: 405, name: 'Method Not Allowed', detail: `${request.method} is not supported; use POST` }),
        handler: async (_request, res) => res,
      });
    }
  });

  const notFound = async (request: FastifyRequest, res: FastifyReply): Promise<FastifyReply> => {
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/__emulator/')) return res.code(404).send({ error: `no control route ${request.method} ${path}` });
    return reply(request, res, 'unknown', undefined, { status: 404, name: 'Request Not Found', detail: path });
  };
  app.setNotFoundHandler(notFound);
  // Also as a route answered before the body is read, so a method Fastify expects a body for
  // (QUERY, …) gets the 404 rather than a content-type complaint [A-40].
  app.route({ method: everyMethodBut(app), url: '/*', onRequest: notFound, handler: async (_request, res) => res });

  // ------------------------------------------------------------------ control routes [P-12]
  const send = async (designs: string | DesignRef | Array<string | DesignRef>, sendOptions: SendOptions = {}): Promise<SendAnswer[]> => {
    const target = sendOptions.to ?? sendTarget;
    if (target === undefined) throw new Error('no Send Design target: pass sendTo when starting the emulator or `to` when sending');
    const refs = (Array.isArray(designs) ? designs : [designs]).map(toRef);
    return sendDesigns({ state, a, now }, refs, target, sendOptions);
  };
  const reset = (newSeed?: Seed): void => {
    if (newSeed !== undefined) seed = newSeed;
    state = createState(seed);
  };

  app.get('/__emulator/state', async () => ({
    designs: [...state.designs.values()],
    log: state.log,
    createFailAfterSections: state.createFailAfterSections,
    unhandledException: state.unhandledException,
    assumptions: a,
  }));
  app.get('/__emulator/log', async () => state.log);
  app.get('/__emulator/designs/:design/:alternative', async (request, res) => {
    const { design, alternative } = request.params as { design: string; alternative: string };
    const found = findDesign(state, design, Number(alternative), a);
    if (found === undefined) return res.code(404).send({ error: `no design ${designKey(design, Number(alternative))}` });
    return { stored: found, serialised: serialise(state, found, 0, 0, a) };
  });
  app.post('/__emulator/seed', async (request) => {
    reset(request.body as Seed);
    return { designs: state.designs.size };
  });
  app.post('/__emulator/reset', async () => {
    reset();
    return { designs: state.designs.size };
  });
  app.put('/__emulator/send-target', async (request) => {
    sendTarget = request.body as SendTarget;
    return { url: sendTarget.url };
  });
  app.post('/__emulator/send', async (request, res) => {
    const body = (request.body ?? {}) as { designs?: Array<string | DesignRef>; design?: string; designAlternative?: number; batch?: 'each' | 'array'; to?: SendTarget };
    const designs = body.designs ?? (body.design === undefined ? [] : [{ design: body.design, designAlternative: body.designAlternative ?? 0 }]);
    try {
      return await send(designs, { ...(body.batch ? { batch: body.batch } : {}), ...(body.to ? { to: body.to } : {}) });
    } catch (error) {
      return res.code(400).send({ error: (error as Error).message });
    }
  });
  app.put('/__emulator/exception-fault', async (request, res) => {
    const body = (request.body ?? {}) as { endpoint?: string; times?: number };
    const endpoint = ENDPOINTS.find((e) => e === body.endpoint);
    if (endpoint === undefined) return res.code(400).send({ error: `endpoint must be one of ${ENDPOINTS.join(', ')}` });
    state.unhandledException[endpoint] = typeof body.times === 'number' && body.times >= 0 ? body.times : 1;
    return { unhandledException: state.unhandledException };
  });
  app.put('/__emulator/create-fault', async (request) => {
    const body = (request.body ?? {}) as { afterSections?: number | null };
    state.createFailAfterSections = typeof body.afterSections === 'number' ? body.afterSections : null;
    return { createFailAfterSections: state.createFailAfterSections };
  });
  registerFaultRoutes(app, faults);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}${contextPath}`,
    origin,
    get state() {
      return state;
    },
    assumptions: a,
    send,
    design(design, designAlternative = 0) {
      const found = findDesign(state, design, designAlternative, a);
      return found === undefined ? undefined : serialise(state, found, 0, 0, a);
    },
    faults,
    reset,
    close: () => app.close(),
  };
}
