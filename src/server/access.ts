/**
 * The access hooks every dashboard and API route passes through (see auth.ts for the rules).
 * A route declares `config: { access }`:
 * - `page`: HTML; needs a session; unauthenticated GETs are sent to /login.
 * - `api`: JSON; a bearer token or a session; 401 otherwise.
 * - `open`: no login (login page, assets).
 * Routes without a declaration are refused, so a forgotten declaration fails closed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, csrfMatches, fromOwnOrigin, readCookies, SESSION_COOKIE, tokenMatches, type Principal, type SessionStore } from './auth.ts';
import type { AuthSettings } from './settings.ts';
import { query } from './html.ts';
import { errorPage } from './views/layout.ts';

export type Access = 'page' | 'api' | 'open';

const principals = new WeakMap<FastifyRequest, Principal>();

export function principalOf(request: FastifyRequest): Principal | null {
  return principals.get(request) ?? null;
}

/** The signed-in session user and CSRF token, for pages. */
export function pageUser(request: FastifyRequest): { name: string; csrf: string } {
  const p = principalOf(request);
  return p?.kind === 'session' ? { name: p.user, csrf: p.session.csrf } : { name: p?.user ?? '', csrf: '' };
}

export function routeAccess(request: FastifyRequest): Access | undefined {
  return (request.routeOptions.config as { access?: Access } | undefined)?.access;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function apiError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } });
}

/** A refusal in the form the route speaks: an HTML page for pages, JSON for the API. */
function refuse(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (routeAccess(request) === 'page') {
    return reply.code(status).type('text/html; charset=utf-8').send(errorPage(status === 401 ? 'Please sign in' : 'Request refused', message));
  }
  return apiError(reply, status, code, message);
}

export function installAccessHooks(app: FastifyInstance, deps: { auth: AuthSettings; sessions: SessionStore }): void {
  const { auth, sessions } = deps;

  app.addHook('onRequest', async (request, reply) => {
    const access = routeAccess(request);
    if (access === 'open') return;
    if (access === undefined) return apiError(reply, 404, 'not-found', 'no such route');

    if (access === 'api') {
      const token = bearerToken(request);
      if (token !== null || request.headers.authorization !== undefined) {
        if (auth.apiToken !== null && token !== null && tokenMatches(token, auth.apiToken)) {
          principals.set(request, { kind: 'token', user: 'api-token' });
          return;
        }
        reply.header('www-authenticate', 'Bearer realm="shopwire"');
        return apiError(reply, 401, 'unauthorized', 'the bearer token was not accepted');
      }
    }

    const session = await sessions.get(readCookies(request)[SESSION_COOKIE]);
    if (session === null) {
      if (access === 'page' && SAFE_METHODS.has(request.method)) {
        return reply.redirect(`/login${query({ next: request.url === '/' ? undefined : request.url })}`, 303);
      }
      if (access === 'api') reply.header('www-authenticate', 'Bearer realm="shopwire"');
      return refuse(request, reply, 401, 'unauthorized', 'sign in, or send Authorization: Bearer <token>');
    }
    if (!SAFE_METHODS.has(request.method) && !fromOwnOrigin(request, auth.allowedOrigins)) {
      return refuse(request, reply, 403, 'cross-site', 'cross-site request refused');
    }
    principals.set(request, { kind: 'session', user: session.user, session });
  });

  // After the body is parsed: a state-changing request made with a session must carry its CSRF
  // token (form field `_csrf` or header `X-CSRF-Token`).
  app.addHook('preValidation', async (request, reply) => {
    const principal = principalOf(request);
    if (principal?.kind !== 'session' || SAFE_METHODS.has(request.method)) return;
    const body = request.body as Record<string, unknown> | undefined;
    const presented = request.headers['x-csrf-token'] ?? (body && typeof body === 'object' ? body._csrf : undefined);
    if (!csrfMatches(presented, principal.session)) {
      return refuse(request, reply, 403, 'csrf', 'missing or wrong CSRF token: reload the page and try again');
    }
  });
}
