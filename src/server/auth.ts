/**
 * Who is asking, and may they. Three ways in:
 * - a browser session: `POST /login` with a configured user's password gives a random session
 *   id, sent as a cookie (HttpOnly, SameSite=Strict, Secure over https) and kept in the hub's
 *   store under its hash, so it survives a restart and works on every process sharing the
 *   store; sessions end at logout or expiry;
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
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type Session = { id: string; user: string; csrf: string; expiresAt: number };
export type Principal = { kind: 'session'; user: string; session: Session } | { kind: 'token'; user: string };

export const SESSION_COOKIE = 'shopwire_session';
export const LOGIN_COOKIE = 'shopwire_login';
const MAX_MEMORY_SESSIONS = 10_000;

/** A session as kept: by a hash of its id, so a copy of the store does not hold usable cookies. */
export type StoredSession = { user: string; csrf: string; expiresAt: number };

/** Where sessions live: the hub's store (they survive a restart and are shared by every process), or memory. */
export type SessionBackend = {
  save(idHash: string, session: StoredSession): Promise<void>;
  /** The session if it exists and has not expired. */
  get(idHash: string): Promise<StoredSession | null>;
  delete(idHash: string): Promise<void>;
  /** Deletes expired sessions. */
  purge(): Promise<number>;
};

export type SessionStore = {
  create(user: string): Promise<{ session: Session; cookieValue: string }>;
  /** The live session a cookie value names, or null. */
  get(cookieValue: string | undefined): Promise<Session | null>;
  destroy(cookieValue: string | undefined): Promise<void>;
};

const ID = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/**
 * Sessions: a random 256-bit id in the cookie, the session (user, CSRF token, expiry) in the
 * backend under the id's SHA-256. The id is not signed: it is unguessable, and a cookie is only
 * good while the backend holds its session (logout and expiry delete it), so a signature would add
 * a key to keep (and rotate) without making a cookie harder to forge.
 */
export function createSessionStore(options: { ttlMs: number; now?: () => number; backend?: SessionBackend }): SessionStore {
  const now = options.now ?? Date.now;
  const backend = options.backend ?? memorySessionBackend(now);
  let lastPurge = 0;
  return {
    async create(user) {
      if (now() - lastPurge > 60_000) {
        lastPurge = now();
        await backend.purge();
      }
      const id = randomBytes(32).toString('base64url');
      const session: Session = { id, user, csrf: randomBytes(24).toString('base64url'), expiresAt: now() + options.ttlMs };
      await backend.save(hashSessionId(id), { user, csrf: session.csrf, expiresAt: session.expiresAt });
      return { session, cookieValue: id };
    },
    async get(cookieValue) {
      if (cookieValue === undefined || !ID.test(cookieValue)) return null;
      const stored = await backend.get(hashSessionId(cookieValue));
      if (stored === null || stored.expiresAt <= now()) return null;
      return { id: cookieValue, ...stored };
    },
    async destroy(cookieValue) {
      if (cookieValue !== undefined && ID.test(cookieValue)) await backend.delete(hashSessionId(cookieValue));
    },
  };
}

/** Sessions in this process's memory (tests, and a server built without a store). */
export function memorySessionBackend(now: () => number = Date.now): SessionBackend {
  const sessions = new Map<string, StoredSession>();
  return {
    async save(idHash, session) {
      while (sessions.size >= MAX_MEMORY_SESSIONS) sessions.delete(sessions.keys().next().value!);
      sessions.set(idHash, session);
    },
    async get(idHash) {
      const s = sessions.get(idHash);
      return s !== undefined && s.expiresAt > now() ? s : null;
    },
    async delete(idHash) {
      sessions.delete(idHash);
    },
    async purge() {
      let n = 0;
      for (const [k, s] of sessions) if (s.expiresAt <= now()) n += Number(sessions.delete(k));
      return n;
    },
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
