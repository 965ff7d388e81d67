/**
 * The Cetec emulator: one emulated tenant over HTTP on loopback (docs/emulators/cetec.md,
 * cetec.md §9). `startCetecEmulator` listens and returns the base URL plus in-process handles for
 * tests: typed read-back of state, the journal, behaviour switches and fault injection.
 */
import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerFaultRoutes, registerFaults } from '../shared/faults.ts';
import type { FaultController, FaultRule } from '../shared/faults.ts';
import { notModelled, registerCetecApi } from './api.ts';
import { resolveCetecBehaviours } from './behaviours.ts';
import type { CetecBehaviours } from './behaviours.ts';
import type { CetecContext, UnparsedBody } from './context.ts';
import { registerCetecControl } from './control.ts';
import { createJournal } from './journal.ts';
import type { JournalEntry } from './journal.ts';
import { resolveCetecSeed } from './seed.ts';
import type { CetecSeed } from './seed.ts';
import { createState, stateView } from './state.ts';
import type { CetecState, CetecStateView } from './state.ts';

export type CetecEmulatorOptions = {
  host?: string;
  port?: number;
  /** Shorthand for `seed.tokens`. */
  tokens?: string[];
  seed?: Partial<CetecSeed>;
  behaviours?: Partial<CetecBehaviours>;
  faults?: { seed?: number; rules?: FaultRule[] };
  logger?: boolean;
};

export type CetecEmulator = {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  state: CetecStateView;
  journal(): JournalEntry[];
  faults: FaultController;
  behaviours(): CetecBehaviours;
  setBehaviours(patch: Partial<CetecBehaviours>): CetecBehaviours;
  /** Back to the seed; with an argument, merges it over the current seed first. Clears the journal. */
  reset(seed?: Partial<CetecSeed>): void;
  /**
   * Calls to the emulated API in flight now, and the most at once since start or `resetLoad`
   * (from the request's arrival to its connection's answer or close; faulted calls included):
   * what a tenant's concurrency limit must hold across every hub process (docs/scaling.md);
   * `peakPerSecond`: the most calls that arrived within any one second (a sliding window), what
   * its rate limit must hold.
   */
  load(): Load;
  resetLoad(): void;
  close(): Promise<void>;
};

const BODY_LIMIT = 20 * 1024 * 1024;

export type Load = { inFlight: number; peak: number; calls: number; peakPerSecond: number };

/** Builds the Fastify app without listening (for `inject` tests and the CLI). */
export function buildCetecEmulator(options: CetecEmulatorOptions = {}): {
  app: FastifyInstance;
  ctx: CetecContext;
  view: CetecStateView;
  faults: FaultController;
  load: Load;
  resetLoad: () => void;
} {
  const load: Load = { inFlight: 0, peak: 0, calls: 0, peakPerSecond: 0 };
  /** Arrival times (ms) of the calls of the last second. */
  const arrivals: number[] = [];
  let seed = resolveCetecSeed({ ...options.seed, ...(options.tokens ? { tokens: options.tokens } : {}) });
  let state: CetecState = createState(seed);
  let behaviours = resolveCetecBehaviours(options.behaviours);
  const journal = createJournal(() => state.seed.tokens);
  const entries = new WeakMap<FastifyRequest, JournalEntry>();
  const started = new WeakMap<FastifyRequest, number>();

  const ctx: CetecContext = {
    state: () => state,
    behaviours: () => behaviours,
    setBehaviours(patch) {
      behaviours = { ...behaviours, ...patch };
      return behaviours;
    },
    reset(newSeed) {
      if (newSeed !== undefined) seed = resolveCetecSeed({ ...seed, ...newSeed });
      state = createState(structuredClone(seed));
      journal.clear();
    },
    journal,
    entry: (request) => entries.get(request),
  };
  const view = stateView(() => state);

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT });
  // §3 ASSUMPTION: the body is parsed as JSON whatever the content type; what does not parse is
  // kept so the route can answer 400 (or, for documents, record its size).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, text, done) => {
    const body = String(text);
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      done(null, { __unparsed: body } satisfies UnparsedBody);
    }
  });

  // The journal hooks come before fault injection so that faulted calls are journalled too.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/__emulator/')) return;
    load.calls++;
    load.inFlight++;
    load.peak = Math.max(load.peak, load.inFlight);
    const at = performance.now();
    arrivals.push(at);
    while (arrivals[0]! <= at - 1000) arrivals.shift();
    load.peakPerSecond = Math.max(load.peakPerSecond, arrivals.length);
    reply.raw.once('close', () => load.inFlight--);
    started.set(request, performance.now());
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    entries.set(
      request,
      journal.add({
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        query: journal.scrub({ ...(request.query as object) }) as Record<string, unknown>,
        headers: journal.scrub(headers) as Record<string, string>,
        tokenSource: 'none',
        tokenAccepted: null,
        body: null,
        status: null,
        response: null,
        durationMs: null,
        warnings: [],
      }),
    );
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const entry = entries.get(request);
    if (entry === undefined) return payload;
    entry.status = reply.statusCode;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    try {
      entry.response = journal.scrub(JSON.parse(text));
    } catch {
      entry.response = journal.scrub(text.slice(0, 10_000));
    }
    entry.durationMs = Math.round(performance.now() - (started.get(request) ?? performance.now()));
    return payload;
  });

  const faults = registerFaults(app, options.faults);
  registerFaultRoutes(app, faults);
  registerCetecApi(app, ctx);
  registerCetecControl(app, ctx, view);
  app.setNotFoundHandler((request, reply) => notModelled(ctx, request, reply));
  const resetLoad = (): void => {
    load.peak = load.inFlight;
    load.calls = 0;
    load.peakPerSecond = 0;
    arrivals.length = 0;
  };
  return { app, ctx, view, faults, load, resetLoad };
}

export async function startCetecEmulator(options: CetecEmulatorOptions = {}): Promise<CetecEmulator> {
  const { app, ctx, view, faults, load, resetLoad } = buildCetecEmulator(options);
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('Cetec emulator: no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    state: view,
    journal: () => ctx.journal.entries(),
    faults,
    behaviours: () => ctx.behaviours(),
    setBehaviours: (patch) => ctx.setBehaviours(patch),
    reset: (seed) => ctx.reset(seed),
    load: () => ({ ...load }),
    resetLoad,
    close: () => app.close(),
  };
}
