/**
 * Fault injection for the Fastify-based emulators (docs/emulators/faults.md).
 *
 * Real systems fail in ways that matter for exactly-once delivery: slow answers, 5xx, an HTML
 * error page where JSON was expected, a request that hangs, a reset connection, a body cut short,
 * throttling, and the worst one, "commit then fail": the write is applied but its answer is lost.
 * Every emulator calls `registerFaults(app)` once, before `listen`, and gets a controller that tests
 * (in process) or the `/__emulator/faults` control route (over HTTP) drive.
 *
 * Vocabulary:
 * - endpoint: `"<METHOD> <path pattern>"`, e.g. `POST /importjson/quotes`, `GET /api/part/:prcpart`,
 *   `* /api/*`. The pattern matches either the route as registered (with `:params`) or the request
 *   path; a trailing `*` matches any rest; method `*` matches any method.
 * - scripted fault: a queue per endpoint, one entry consumed per matching call (`{kind:'none'}`
 *   lets a call through), so "fail the second import" is `[none, commit-then-fail]`.
 * - random fault: each rule lists faults with probabilities; a seeded PRNG draws once per matching
 *   call, so the same seed and the same call order give the same faults.
 * Scripted entries win over random rules. Paths under `/__emulator/` are never faulted.
 *
 * Pre-handler faults (latency, status, html, hang, reset, rate-limit) act in `onRequest`, so the
 * handler does not run (latency excepted). Post-handler faults (commit-then-fail, truncate) act in
 * `onSend`: the handler has run and applied its write, then the answer is destroyed or replaced.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { seededRandom } from '../../src/lib/random.ts';

export type Fault =
  /** Let the call through untouched (useful in scripts). */
  | { kind: 'none' }
  /** Delay the call by `ms`, then handle it normally. */
  | { kind: 'latency'; ms: number }
  /** Answer `status` (default 503) with a JSON body, without running the handler. */
  | { kind: 'status'; status?: number; body?: unknown }
  /** Answer an HTML error page (default 502) instead of JSON, without running the handler. */
  | { kind: 'html'; status?: number }
  /** Never answer; the socket is released when the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Destroy the connection before the handler runs. */
  | { kind: 'reset' }
  /** Run the handler, then send the status line, headers and half the body, and cut the connection. */
  | { kind: 'truncate' }
  /** Answer 429 with `Retry-After` (seconds or an HTTP date; default 1), without running the handler. */
  | { kind: 'rate-limit'; retryAfter?: number | string }
  /**
   * Run the handler (its write is applied), then lose the answer: `then: 'reset'` (default)
   * destroys the connection, `then: 'status'` replaces the answer with `status` (default 502).
   */
  | { kind: 'commit-then-fail'; then?: 'reset' | 'status'; status?: number };

export type FaultKind = Fault['kind'];

export type FaultRule = {
  /** `"<METHOD> <pattern>"`; see the module comment. */
  endpoint: string;
  /** Faults drawn at random, each with its probability (0..1, summing to at most 1). */
  random?: Array<{ probability: number; fault: Fault }>;
};

export type FaultStats = {
  /** Calls seen per endpoint key `"<METHOD> <route>"` (including calls not faulted). */
  calls: Record<string, number>;
  /** Faults applied per kind. */
  applied: Partial<Record<FaultKind, number>>;
  /** Every applied fault in order, for assertions. */
  log: Array<{ endpoint: string; path: string; fault: FaultKind }>;
};

export type FaultState = {
  seed: number;
  rules: FaultRule[];
  scripts: Record<string, Fault[]>;
  stats: FaultStats;
};

export interface FaultController {
  /** Replace the random rules (and optionally reseed the PRNG). */
  set(rules: FaultRule[], seed?: number): void;
  /** Append faults to the queue of an endpoint; each matching call consumes one. */
  script(endpoint: string, faults: Fault[]): void;
  /** Remove all rules and scripts and reset the statistics. */
  clear(): void;
  stats(): FaultStats;
  state(): FaultState;
}

export type FaultOptions = { seed?: number; rules?: FaultRule[] };

const LOG_LIMIT = 1000;

export { seededRandom };

type ParsedEndpoint = { method: string; pattern: string };

function parseEndpoint(endpoint: string): ParsedEndpoint {
  const trimmed = endpoint.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0) return { method: '*', pattern: trimmed };
  return { method: trimmed.slice(0, space).toUpperCase(), pattern: trimmed.slice(space + 1).trim() };
}

function patternMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

export function endpointMatches(endpoint: string, method: string, route: string, path: string): boolean {
  const parsed = parseEndpoint(endpoint);
  if (parsed.method !== '*' && parsed.method !== method.toUpperCase()) return false;
  return patternMatches(parsed.pattern, route) || patternMatches(parsed.pattern, path);
}

/** Validates a fault list from an untrusted source (the control route). Throws a readable Error. */
export function parseFaults(value: unknown, where: string): Fault[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array of faults`);
  return value.map((f, i) => parseFault(f, `${where}[${i}]`));
}

const KINDS: ReadonlySet<string> = new Set<FaultKind>([
  'none', 'latency', 'status', 'html', 'hang', 'reset', 'truncate', 'rate-limit', 'commit-then-fail',
]);

function parseFault(value: unknown, where: string): Fault {
  if (value === null || typeof value !== 'object') throw new Error(`${where}: expected an object`);
  const f = value as Record<string, unknown>;
  if (typeof f.kind !== 'string' || !KINDS.has(f.kind)) throw new Error(`${where}.kind: unknown fault kind ${JSON.stringify(f.kind)}`);
  if (f.kind === 'latency' && (typeof f.ms !== 'number' || f.ms < 0)) throw new Error(`${where}.ms: expected a number ≥ 0`);
  if (f.status !== undefined && (typeof f.status !== 'number' || f.status < 100 || f.status > 599)) {
    throw new Error(`${where}.status: expected an HTTP status`);
  }
  return f as Fault;
}

export function parseRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new Error('rules: expected an array');
  return value.map((r, i) => {
    if (r === null || typeof r !== 'object' || typeof (r as FaultRule).endpoint !== 'string') {
      throw new Error(`rules[${i}].endpoint: expected a string`);
    }
    const rule = r as FaultRule;
    const random = (rule.random ?? []).map((entry, j) => {
      if (typeof entry?.probability !== 'number' || entry.probability < 0 || entry.probability > 1) {
        throw new Error(`rules[${i}].random[${j}].probability: expected 0..1`);
      }
      return { probability: entry.probability, fault: parseFault(entry.fault, `rules[${i}].random[${j}].fault`) };
    });
    return { endpoint: rule.endpoint, random };
  });
}

type Pending = { socket: Socket; release: () => void };

/**
 * Installs fault injection on `app` (call before `listen`). Returns the controller.
 * `exclude` (default `/__emulator/`) is a path prefix that is never faulted.
 */
/** The body an emulated system answers injected errors with (default: a Cetec-style `{success: 0, message}`). */
export type FaultBodies = { status?: (status: number) => unknown; rateLimit?: (retryAfter: string) => unknown };

export function registerFaults(app: FastifyInstance, options: FaultOptions & { exclude?: string; bodies?: FaultBodies } = {}): FaultController {
  const exclude = options.exclude ?? '/__emulator/';
  let seed = options.seed ?? 1;
  let random = seededRandom(seed);
  let rules: FaultRule[] = options.rules ? parseRules(options.rules) : [];
  let scripts: Record<string, Fault[]> = {};
  let stats: FaultStats = { calls: {}, applied: {}, log: [] };
  const pending = new Set<Pending>();
  const chosen = new WeakMap<FastifyRequest, Fault>();

  function pick(method: string, route: string, path: string): Fault | null {
    for (const [endpoint, queue] of Object.entries(scripts)) {
      if (queue.length > 0 && endpointMatches(endpoint, method, route, path)) return queue.shift()!;
    }
    for (const rule of rules) {
      if (!endpointMatches(rule.endpoint, method, route, path) || !rule.random?.length) continue;
      const draw = random();
      let acc = 0;
      for (const entry of rule.random) {
        acc += entry.probability;
        if (draw < acc) return entry.fault;
      }
      return null;
    }
    return null;
  }

  function note(key: string, path: string, fault: Fault): void {
    stats.applied[fault.kind] = (stats.applied[fault.kind] ?? 0) + 1;
    if (stats.log.length < LOG_LIMIT) stats.log.push({ endpoint: key, path, fault: fault.kind });
  }

  /** Resolves when the socket closes or the server shuts down; never leaves a timer or listener behind. */
  function untilClosed(socket: Socket, ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const entry: Pending = {
        socket,
        release: () => {
          if (timer) clearTimeout(timer);
          socket.off('close', entry.release);
          pending.delete(entry);
          resolve();
        },
      };
      pending.add(entry);
      socket.once('close', entry.release);
      if (ms !== undefined) timer = setTimeout(entry.release, ms);
      if (socket.destroyed) entry.release();
    });
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (path.startsWith(exclude)) return;
    const route = request.routeOptions.url ?? path;
    const key = `${request.method} ${route}`;
    stats.calls[key] = (stats.calls[key] ?? 0) + 1;
    const fault = pick(request.method, route, path);
    if (fault === null || fault.kind === 'none') return;
    note(key, path, fault);
    const socket = request.raw.socket;
    switch (fault.kind) {
      case 'latency':
        await untilClosed(socket, fault.ms);
        if (socket.destroyed) reply.hijack();
        return;
      case 'status':
        return reply
          .code(fault.status ?? 503)
          .send(fault.body ?? options.bodies?.status?.(fault.status ?? 503) ?? { success: 0, message: `emulated fault: HTTP ${fault.status ?? 503}` });
      case 'html':
        return reply
          .code(fault.status ?? 502)
          .type('text/html; charset=utf-8')
          .send(`<!DOCTYPE html><html><head><title>${fault.status ?? 502} Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>emulated fault</p></body></html>`);
      case 'rate-limit':
        return reply
          .code(429)
          .header('retry-after', String(fault.retryAfter ?? 1))
          .send(options.bodies?.rateLimit?.(String(fault.retryAfter ?? 1)) ?? { success: 0, message: 'emulated fault: too many requests' });
      case 'hang':
        reply.hijack();
        await untilClosed(socket);
        return;
      case 'reset':
        reply.hijack();
        socket.destroy();
        return;
      default:
        // Post-handler faults: remember and act in onSend.
        chosen.set(request, fault);
        return;
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const fault = chosen.get(request);
    if (fault === undefined) return payload;
    chosen.delete(request);
    const socket = request.raw.socket;
    if (fault.kind === 'commit-then-fail' && fault.then === 'status') {
      const status = fault.status ?? 502;
      reply.code(status).type('application/json');
      return JSON.stringify({ success: 0, message: `emulated fault: HTTP ${status} after commit` });
    }
    if (fault.kind === 'truncate') {
      // Write a response by hand on the raw socket, announcing the full length but sending half,
      // then cut the connection. Fastify's own write then lands on a destroyed socket and is dropped.
      const body = Buffer.from(typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : '');
      const half = body.subarray(0, Math.floor(body.length / 2));
      const head =
        `HTTP/1.1 ${reply.statusCode} OK\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Math.max(body.length, 2)}\r\nconnection: close\r\n\r\n`;
      socket.write(head);
      socket.write(half, () => socket.destroy());
      await untilClosed(socket);
      return payload;
    }
    // commit-then-fail with reset (default).
    socket.destroy();
    return payload;
  });

  // Hanging and delayed requests must not keep `close()` waiting: cut them when the server closes.
  app.addHook('preClose', async () => {
    for (const entry of [...pending]) {
      entry.socket.destroy();
      entry.release();
    }
  });

  return {
    set(newRules, newSeed) {
      rules = parseRules(newRules);
      if (newSeed !== undefined) {
        seed = newSeed;
        random = seededRandom(seed);
      }
    },
    script(endpoint, faults) {
      const parsed = parseFaults(faults, 'script');
      scripts[endpoint] = [...(scripts[endpoint] ?? []), ...parsed];
    },
    clear() {
      rules = [];
      scripts = {};
      stats = { calls: {}, applied: {}, log: [] };
      random = seededRandom(seed);
    },
    stats: () => structuredClone(stats),
    state: () => structuredClone({ seed, rules, scripts, stats }),
  };
}

/**
 * Control routes for an emulator's faults, under `prefix` (default `/__emulator/faults`):
 * - `GET` → `{seed, rules, scripts, stats}`
 * - `PUT` with `{rules?, seed?, scripts?: {"<endpoint>": Fault[]}}` → replaces rules, appends scripts
 * - `DELETE` → clears everything.
 */
export function registerFaultRoutes(app: FastifyInstance, controller: FaultController, prefix = '/__emulator/faults'): void {
  app.get(prefix, async () => controller.state());
  app.put(prefix, async (request, reply) => {
    const body = (request.body ?? {}) as { rules?: unknown; seed?: unknown; scripts?: unknown };
    try {
      if (body.seed !== undefined && typeof body.seed !== 'number') throw new Error('seed: expected a number');
      if (body.rules !== undefined || body.seed !== undefined) {
        controller.set(body.rules === undefined ? controller.state().rules : parseRules(body.rules), body.seed as number | undefined);
      }
      if (body.scripts !== undefined) {
        if (body.scripts === null || typeof body.scripts !== 'object') throw new Error('scripts: expected an object');
        for (const [endpoint, faults] of Object.entries(body.scripts)) controller.script(endpoint, parseFaults(faults, `scripts.${endpoint}`));
      }
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
    return controller.state();
  });
  app.delete(prefix, async () => {
    controller.clear();
    return controller.state();
  });
}
