/**
 * Access settings of the dashboard and HTTP API: the `dashboard` section of the config file
 * (zod), the resolved `AuthSettings` the server runs with, and the password hash format.
 *
 * Password hashes are scrypt (node:crypto), stored as one string:
 *   `scrypt$<N>$<r>$<p>$<salt, base64>$<key, base64>`   (key length 32 bytes)
 * Make one with `shopwire hash-password` (src/cli/hash-password.ts; the password is read from stdin
 * or asked for without echo, so it stays out of `ps` and history).
 * A hash is not a secret in the sense of a token (it cannot be replayed), so it may sit in the
 * config file (`passwordHash`) or, like tokens, in the environment / secrets file (`passwordHashEnv`).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const secretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable or secrets-file entry, not the secret itself');

const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

const userSchema = z
  .strictObject({
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
    passwordHash: z.string().regex(HASH_FORMAT, 'must be a scrypt hash made with hashPassword (docs/dashboard.md)').optional(),
    passwordHashEnv: secretName.optional(),
  })
  .refine((u) => (u.passwordHash === undefined) !== (u.passwordHashEnv === undefined), 'give exactly one of passwordHash or passwordHashEnv');

export const dashboardSettingsSchema = z.strictObject({
  users: z.array(userSchema).default([]),
  /** Secret name of the bearer token for the JSON API (and /metrics when `metrics: token`). */
  apiTokenEnv: secretName.optional(),
  /** `open`: anyone who reaches the port may scrape; `token`: the API bearer token is required. */
  metrics: z.enum(['open', 'token']).default('token'),
  /** `auto`: Secure cookies when the request came over https (directly or X-Forwarded-Proto from a trusted proxy). */
  cookieSecure: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  sessionMinutes: z.number().int().positive().max(7 * 24 * 60).default(8 * 60),
  /** Failed logins allowed per minute, per client address and per user name. */
  loginAttemptsPerMinute: z.number().int().positive().default(5),
  /** Extra origins allowed to post forms (e.g. the public https name behind a proxy). */
  allowedOrigins: z.array(z.string().url()).default([]),
});

export type DashboardSettings = z.output<typeof dashboardSettingsSchema>;
export type DashboardSettingsInput = z.input<typeof dashboardSettingsSchema>;

/** What the server runs with: secrets resolved. */
export type AuthSettings = {
  /** User name → scrypt hash string. */
  users: Record<string, string>;
  /** Bearer token for the API; null = API reachable only with a session. */
  apiToken: string | null;
  metrics: 'open' | 'token';
  cookieSecure: boolean | 'auto';
  sessionTtlMs: number;
  loginAttemptsPerMinute: number;
  allowedOrigins: string[];
};

/**
 * Resolves the section's secret names. `secret(name, usedAt)` is Config.secret: it throws a
 * ConfigError naming the key when unset, and registers the value for redaction.
 */
export function resolveAuthSettings(section: DashboardSettings, secret: (name: string, usedAt: string) => string): AuthSettings {
  const users: Record<string, string> = {};
  section.users.forEach((user, i) => {
    const hash = user.passwordHash ?? secret(user.passwordHashEnv!, `dashboard.users.${i}.passwordHashEnv`);
    if (!HASH_FORMAT.test(hash)) throw new Error(`dashboard.users.${i}: the hash in ${user.passwordHashEnv} is not a scrypt hash made with hashPassword`);
    users[user.name] = hash;
  });
  return {
    users,
    apiToken: section.apiTokenEnv === undefined ? null : secret(section.apiTokenEnv, 'dashboard.apiTokenEnv'),
    metrics: section.metrics,
    cookieSecure: section.cookieSecure,
    sessionTtlMs: section.sessionMinutes * 60_000,
    loginAttemptsPerMinute: section.loginAttemptsPerMinute,
    allowedOrigins: section.allowedOrigins.map((o) => new URL(o).origin),
  };
}

export type ScryptCost = { N: number; r: number; p: number };
const DEFAULT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** A scrypt hash of `plain` in the format above (random 16-byte salt). */
export function hashPassword(plain: string, cost: ScryptCost = DEFAULT_COST): string {
  const salt = randomBytes(16);
  const key = scryptSync(plain.normalize('NFKC'), salt, KEY_LENGTH, { ...cost, maxmem: 128 * cost.N * cost.r * 2 });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks `plain` against a stored hash in constant time; false for a malformed hash. */
export function verifyPassword(plain: string, stored: string): boolean {
  const m = HASH_FORMAT.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N > 1 << 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(m[4]!, 'base64');
  const expected = Buffer.from(m[5]!, 'base64');
  const key = scryptSync(plain.normalize('NFKC'), salt, expected.length, { N, r, p, maxmem: 128 * N * r * 2 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that matches no password: checked against for unknown users so timing does not tell who exists. */
export const DUMMY_HASH = hashPassword(randomBytes(16).toString('hex'));
