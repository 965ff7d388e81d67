/**
 * Who is asking, and may they. Three ways in:
 * - a browser session: `POST /login` with a configured user's password gives a random session
 *   id, kept in memory here and sent as an HMAC-signed cookie (HttpOnly, SameSite=Strict,
 *   Secure over https); sessions end at logout, expiry, or a restart of the process;
 * - a bearer token for the JSON API (`Authorization: Bearer …`), compared in constant time;
 * - nothing, for /healthz, the login page, static assets, and /metrics when configured open.
 *
 * Cross-site requests: a state-changing request made with a session must come from our own
 * origin (Origin and Sec-Fetch-Site headers, when the browser sends them) and carry the session's
 * CSRF token (hidden form field `_csrf`, or header `X-CSRF-Token` for fetch). Bearer requests carry
 * no ambient credential, so they need neither.
 *
 * Failed logins are limited per client address and per user name (a sliding minute); beyond the
 * limit the answer is 429 without checking the password.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Session = { id: string; user: string; csrf: string; expiresAt: number };
export type Principal = { kind: 'session'; user: string; session: Session } | { kind: 'token'; user: string };

export const SESSION_COOKIE = 'shopwire_session';
export const LOGIN_COOKIE = 'shopwire_login';
const MAX_SESSIONS = 10_000;

export type SessionStore = {
  create(user: string): { session: Session; cookieValue: string };
  /** The live session a signed cookie value names, or null. */
  get(cookieValue: string | undefined): Session | null;
  destroy(cookieValue: string | undefined): void;
  size(): number;
};

export function createSessionStore(options: { ttlMs: number; now?: () => number; key?: Buffer }): SessionStore {
  const now = options.now ?? Date.now;
  const key = options.key ?? randomBytes(32);
  const sessions = new Map<string, Session>();
  const sign = (id: string): string => createHmac('sha256', key).update(id).digest('base64url');
  const unsign = (value: string | undefined): string | null => {
    if (value === undefined) return null;
    const dot = value.indexOf('.');
    if (dot <= 0) return null;
    const id = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(sign(id));
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
  };
  const purge = (): void => {
    const t = now();
    for (const [id, s] of sessions) if (s.expiresAt <= t) sessions.delete(id);
    while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
  };
  return {
    create(user) {
      purge();
      const session: Session = {
        id: randomBytes(24).toString('base64url'),
        user,
        csrf: randomBytes(24).toString('base64url'),
        expiresAt: now() + options.ttlMs,
      };
      sessions.set(session.id, session);
      return { session, cookieValue: `${session.id}.${sign(session.id)}` };
    },
    get(cookieValue) {
      const id = unsign(cookieValue);
      if (id === null) return null;
      const session = sessions.get(id);
      if (session === undefined) return null;
      if (session.expiresAt <= now()) {
        sessions.delete(id);
        return null;
      }
      return session;
    },
    destroy(cookieValue) {
      const id = unsign(cookieValue);
      if (id !== null) sessions.delete(id);
    },
    size: () => sessions.size,
  };
}

export type LoginLimiter = {
  /** True when this address or this user name has used up its failed attempts. */
  blocked(ip: string, user: string): boolean;
  failed(ip: string, user: string): void;
  succeeded(ip: string, user: string): void;
};

export function createLoginLimiter(options: { perMinute: number; now?: () => number }): LoginLimiter {
  const now = options.now ?? Date.now;
  const windowMs = 60_000;
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const t = now();
    const list = (failures.get(key) ?? []).filter((at) => at > t - windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  const keys = (ip: string, user: string): string[] => [`ip:${ip}`, `user:${user.toLowerCase()}`];
  return {
    blocked: (ip, user) => keys(ip, user).some((k) => recent(k).length >= options.perMinute),
    failed(ip, user) {
      if (failures.size > 50_000) failures.clear(); // bounded memory under a flood; the limit restarts
      for (const k of keys(ip, user)) failures.set(k, [...recent(k), now()]);
    },
    succeeded(_ip, user) {
      failures.delete(`user:${user.toLowerCase()}`);
    },
  };
}

/** Constant-time comparison of a presented token with the configured one. */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

export function readCookies(request: FastifyRequest): Record<string, string> {
  const header = request.headers.cookie;
  const out: Record<string, string> = {};
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(name in out)) {
      try {
        out[name] = decodeURIComponent(value);
      } catch {
        out[name] = value;
      }
    }
  }
  return out;
}

export type CookieOptions = { secure: boolean; maxAgeSeconds?: number; path?: string };

export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/'}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  const prior = reply.getHeader('set-cookie');
  const list = prior === undefined ? [] : Array.isArray(prior) ? prior.map(String) : [String(prior)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean, path = '/'): void {
  setCookie(reply, name, '', { secure, maxAgeSeconds: 0, path });
}

/**
 * Whether the browser says this request comes from our own pages. Browsers send Sec-Fetch-Site
 * and (on POST) Origin; when neither is present (an old browser, a script) the CSRF token decides.
 */
export function fromOwnOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return true;
  if (origin === 'null') return false;
  const own = `${request.protocol}://${request.host}`;
  return origin === own || allowedOrigins.includes(origin);
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfMatches(presented: unknown, session: Session): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  return tokenMatches(presented, session.csrf);
}

export function isSecureRequest(request: FastifyRequest, setting: boolean | 'auto'): boolean {
  return setting === 'auto' ? request.protocol === 'https' : setting;
}

export function newLoginNonce(): string {
  return randomBytes(18).toString('base64url');
}
