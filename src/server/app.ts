/**
 * The HTTP server: dashboard pages, JSON API (/api/v1), /healthz, /readyz, /metrics, and any
 * plugins the caller brings (the CableBuilder receiver), which are registered beside the
 * dashboard in their own Fastify context and so do their own authentication.
 *
 * createServer only builds the instance; the caller listens (loopback by default:
 * `app.listen({ host: config.server.host, port: config.server.port })`).
 *
 * Security headers on every answer (@fastify/helmet): a CSP that allows scripts and styles only
 * from our own static files (no inline script), frame-ancestors 'none', nosniff, no referrer to
 * other sites; and no-store on everything but static assets.
 */
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Socket } from 'node:net';
import helmet from '@fastify/helmet';
import type { Logger } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import { redactText } from '../lib/redact.ts';
import { apiError, installAccessHooks } from './access.ts';
import { createLoginLimiter, createSessionStore, type SessionBackend } from './auth.ts';
import type { ServerConfig } from './config-view.ts';
import type { ServerContext } from './context.ts';
import type { DashboardPort } from './ports.ts';
import { createPreviewer } from './preview.ts';
import type { Previewer } from './preview-types.ts';
import { apiRoutes } from './routes/api.ts';
import { loginRoutes } from './routes/login.ts';
import { opsRoutes } from './routes/ops.ts';
import { pageRoutes, sendPage } from './routes/pages.ts';
import type { AuthSettings } from './settings.ts';
import { errorPage } from './views/layout.ts';

export type CreateServerOptions = {
  port: DashboardPort;
  config: ServerConfig;
  logger: Logger;
  metrics: Metrics;
  auth: AuthSettings;
  /** Registered beside the dashboard, outside its login (each brings its own auth). */
  plugins?: FastifyPluginAsync[];
  /** Default: the real translators with the config's translation options. */
  preview?: Previewer;
  /** Trust X-Forwarded-* from a reverse proxy (then `cookieSecure: auto` follows X-Forwarded-Proto). */
  trustProxy?: boolean | string | string[];
  now?: () => number;
  /** How often the overview and jobs pages refresh their content (seconds; default 15). */
  refreshSeconds?: number;
  /** Where sessions live (default: memory; the daemon passes the store, so they survive a restart). */
  sessions?: SessionBackend;
};

const CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

const ASSETS: Record<string, { file: string; type: string }> = {
  'app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  'app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
};

export function createServer(options: CreateServerOptions): FastifyInstance {
  const limits = options.config.server.limits;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    trustProxy: options.trustProxy ?? false,
    // Large enough for pasted orders on /preview routes (they raise it per route); small elsewhere.
    bodyLimit: 256 * 1024,
    // Fastify would log two info lines per request (the dashboard refreshes every 15 s); requests
    // are logged once, at debug, below, and server errors at warn.
    logController: new LogController({ disableRequestLogging: true }),
    // A client that trickles its headers or body, or holds a connection idle, is cut off
    // (Fastify disables Node's request timeout by default). Node checks the header and request
    // deadlines every `connectionsCheckingInterval`: each second, so a deadline is kept to ~1 s.
    http: { headersTimeout: limits.headersSeconds * 1000, connectionsCheckingInterval: 1000 },
    requestTimeout: limits.requestSeconds * 1000,
    keepAliveTimeout: limits.keepAliveSeconds * 1000,
    connectionTimeout: limits.idleSeconds * 1000,
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) options.logger.warn(line, 'request failed');
    else options.logger.debug(line, 'request');
  });
  limitConnectionsPerAddress(app, limits.connectionsPerAddress, options.logger);
  const ctx: ServerContext = {
    port: options.port,
    config: options.config,
    logger: options.logger,
    metrics: options.metrics,
    auth: options.auth,
    sessions: createSessionStore({ ttlMs: options.auth.sessionTtlMs, ...(options.now ? { now: options.now } : {}), ...(options.sessions ? { backend: options.sessions } : {}) }),
    limiter: createLoginLimiter({ perMinute: options.auth.loginAttemptsPerMinute, ...(options.now ? { now: options.now } : {}) }),
    preview: options.preview ?? createPreviewer(options.config),
    now: options.now ?? Date.now,
    refreshSeconds: options.refreshSeconds ?? 15,
  };
  options.metrics.collectProfilesFrom(async () => {
    const profiles = await options.port.profiles();
    return { profiles, systems: profiles.flatMap((p) => (p.systems ?? []).map((s) => ({ profile: p.profile, system: s.system, failingSince: s.failingSince }))) };
  });
  options.metrics.collectJobsFrom(async () => {
    const [counts, oldestRunnableAt, quarantined] = await Promise.all([options.port.countJobs(), options.port.oldestRunnableAt(), options.port.countQuarantined()]);
    return { counts, oldestRunnableAt, quarantined };
  });

  // Security headers (@fastify/helmet): the CSP below (scripts and styles only from our own
  // files, no inline script), frame-ancestors 'none' and X-Frame-Options DENY, nosniff,
  // same-origin referrer (not no-referrer: under no-referrer browsers send `Origin: null` on form
  // posts, which the cross-site check must refuse; other sites still get no referrer), COOP, and
  // helmet's other defaults (HSTS, CORP same-origin, …).
  app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // Not helmet's: no browser feature the dashboard does not use, and no caching but of assets.
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const message = status >= 500 ? 'internal error (see the server log)' : redactText(error.message);
    if (request.url.startsWith('/api/') || !(request.headers.accept ?? '').includes('text/html')) {
      return apiError(reply, status, status >= 500 ? 'internal' : (error.code ?? 'bad-request'), message);
    }
    return sendPage(reply, errorPage(status >= 500 ? 'Something went wrong' : 'Bad request', message), status);
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (request.url.startsWith('/api/') || !(request.headers.accept ?? '').includes('text/html')) return apiError(reply, 404, 'not-found', 'no such route');
    return sendPage(reply, errorPage('Not found', 'There is no page here.'), 404);
  });

  // Operations endpoints: their own access rules (ops.ts).
  app.register(async (ops) => opsRoutes(ops, ctx));

  // The dashboard and API: everything behind the access hooks.
  app.register(async (dash) => {
    dash.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      const out: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
      done(null, out);
    });
    if (options.config.server.publicUrl !== undefined) checkHost(dash, options.config.server.publicUrl);
    installAccessHooks(dash, { auth: ctx.auth, sessions: ctx.sessions });
    const assets = Object.fromEntries(Object.entries(ASSETS).map(([name, a]) => [name, { ...a, body: readFileSync(new URL(`./assets/${a.file}`, import.meta.url), 'utf8') }]));
    dash.get<{ Params: { name: string } }>('/assets/:name', { config: { access: 'open' } }, async (request, reply) => {
      const asset = Object.hasOwn(assets, request.params.name) ? assets[request.params.name] : undefined;
      if (asset === undefined) return apiError(reply, 404, 'not-found', 'no such asset');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
    });
    await loginRoutes(dash, ctx);
    await pageRoutes(dash, ctx);
    await apiRoutes(dash, ctx);
  });

  for (const plugin of options.plugins ?? []) app.register(plugin);
  return app;
}

/**
 * At most `max` open connections per client address: the next one is closed as it arrives, so
 * one client cannot hold every socket (behind a reverse proxy every connection comes from the
 * proxy's address: raise the limit there, and let the proxy limit its own clients).
 */
function limitConnectionsPerAddress(app: FastifyInstance, max: number, logger: Logger): void {
  const open = new Map<string, number>();
  let lastWarned = 0;
  app.server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      if (Date.now() - lastWarned > 60_000) {
        lastWarned = Date.now();
        logger.warn({ address, max }, 'connection refused: too many open connections from one address (server.limits.connectionsPerAddress)');
      }
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * Dashboard and API requests must name the configured public host (the Host header, or
 * X-Forwarded-Host behind a trusted proxy): 421 otherwise. /healthz, /readyz, /metrics and the
 * CableBuilder receiver are outside this check (probes and scrapers use internal addresses).
 */
function checkHost(app: FastifyInstance, publicUrl: string): void {
  const expected = new URL(publicUrl).host.toLowerCase();
  app.addHook('onRequest', async (request, reply) => {
    if (request.host.toLowerCase() === expected) return;
    return apiError(reply, 421, 'wrong-host', `this server answers for ${expected} (server.publicUrl)`);
  });
}
