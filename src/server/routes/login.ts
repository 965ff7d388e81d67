/**
 * Signing in and out. The login form is protected against login CSRF by a same-origin check and
 * a double-submit nonce (cookie + hidden field); failed attempts are limited per address and per
 * user name (429 beyond the limit, without checking the password).
 */
import type { FastifyInstance } from 'fastify';
import { pageUser } from '../access.ts';
import { clearCookie, fromOwnOrigin, isSecureRequest, LOGIN_COOKIE, newLoginNonce, readCookies, SESSION_COOKIE, setCookie, tokenMatches } from '../auth.ts';
import type { ServerContext } from '../context.ts';
import { DUMMY_HASH, verifyPassword } from '../settings.ts';
import { loginBody } from '../views/config-pages.ts';
import { layout } from '../views/layout.ts';
import { sendPage } from './pages.ts';

const OWN = 'http://shopwire.invalid';

/**
 * Only local paths: never redirect a signed-in user to another site. Control characters are
 * dropped first, as browsers drop tab and newline from URLs ("/\t/evil.example" would become
 * "//evil.example"), and the path is re-serialised by the URL parser, so what reaches the
 * Location header is percent-encoded ASCII: never a raw control character or a 500.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length >= 2000) return '/';
  const cleaned = next.replace(/[\u0000-\u001f\u007f]/g, '');
  if (!cleaned.startsWith('/') || cleaned.startsWith('//') || cleaned.startsWith('/\\')) return '/';
  let url: URL;
  try {
    url = new URL(cleaned, OWN);
  } catch {
    return '/';
  }
  if (url.origin !== OWN) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

export async function loginRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const open = { config: { access: 'open' } } as const;

  app.get<{ Querystring: { next?: string } }>('/login', open, async (request, reply) => {
    const nonce = newLoginNonce();
    setCookie(reply, LOGIN_COOKIE, nonce, { secure: isSecureRequest(request, ctx.auth.cookieSecure), maxAgeSeconds: 3600, path: '/login' });
    return sendPage(reply, layout({ title: 'Sign in', active: 'none', page: 'login', body: loginBody({ nonce, next: safeNext(request.query.next) }) }));
  });

  app.post<{ Querystring: { next?: string }; Body: Record<string, string> }>('/login', open, async (request, reply) => {
    const secure = isSecureRequest(request, ctx.auth.cookieSecure);
    const next = safeNext(request.query.next);
    const body = request.body ?? {};
    const username = typeof body.username === 'string' ? body.username.trim().slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const again = (status: number, error: string) => {
      const nonce = newLoginNonce();
      setCookie(reply, LOGIN_COOKIE, nonce, { secure, maxAgeSeconds: 3600, path: '/login' });
      return sendPage(reply, layout({ title: 'Sign in', active: 'none', page: 'login', body: loginBody({ nonce, next, error, user: username }) }), status);
    };

    const cookieNonce = readCookies(request)[LOGIN_COOKIE];
    if (!fromOwnOrigin(request, ctx.auth.allowedOrigins) || !cookieNonce || typeof body._login !== 'string' || !tokenMatches(body._login, cookieNonce)) {
      return again(403, 'The sign-in form expired or came from another site. Please sign in again.');
    }
    const ip = request.ip;
    if (ctx.limiter.blocked(ip, username)) {
      reply.header('retry-after', '60');
      return again(429, 'Too many failed attempts. Wait a minute and try again.');
    }
    const hash = ctx.auth.users[username];
    // Check a dummy hash for unknown users so the answer takes as long either way.
    const valid = verifyPassword(password, hash ?? DUMMY_HASH) && hash !== undefined;
    if (!valid) {
      ctx.limiter.failed(ip, username);
      ctx.logger.warn({ user: username, ip }, 'dashboard login failed');
      return again(401, 'Wrong user name or password.');
    }
    ctx.limiter.succeeded(ip, username);
    const { cookieValue } = await ctx.sessions.create(username);
    clearCookie(reply, LOGIN_COOKIE, secure, '/login');
    setCookie(reply, SESSION_COOKIE, cookieValue, { secure, maxAgeSeconds: Math.floor(ctx.auth.sessionTtlMs / 1000) });
    ctx.logger.info({ user: username }, 'dashboard login');
    return reply.redirect(next, 303);
  });

  app.post('/logout', { config: { access: 'page' } }, async (request, reply) => {
    const user = pageUser(request);
    await ctx.sessions.destroy(readCookies(request)[SESSION_COOKIE]);
    clearCookie(reply, SESSION_COOKIE, isSecureRequest(request, ctx.auth.cookieSecure));
    ctx.logger.info({ user: user.name }, 'dashboard logout');
    return reply.redirect('/login', 303);
  });
}
