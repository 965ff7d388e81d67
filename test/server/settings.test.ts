/** The dashboard config section, password hashes and secret resolution. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dashboardSettingsSchema, hashPassword, resolveAuthSettings, verifyPassword } from '../../src/server/settings.ts';

test('hashPassword makes a salted scrypt hash that verifyPassword accepts only for the same password', () => {
  const a = hashPassword('s3cret pass', { N: 1024, r: 8, p: 1 });
  const b = hashPassword('s3cret pass', { N: 1024, r: 8, p: 1 });
  assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b, 'random salt');
  assert.equal(verifyPassword('s3cret pass', a), true);
  assert.equal(verifyPassword('s3cret pas', a), false);
  assert.equal(verifyPassword('s3cret pass', 'plain-text'), false);
  assert.equal(verifyPassword('x', 'scrypt$1048576000$8$1$AAAA$AAAA'), false, 'absurd cost refused, not computed');
  assert.match(hashPassword('x'), /^scrypt\$16384\$8\$1\$/, 'default cost');
});

test('the dashboard section: defaults, one hash source per user, secret names only', () => {
  const parsed = dashboardSettingsSchema.parse({ users: [{ name: 'ops', passwordHashEnv: 'OPS_HASH' }] });
  assert.equal(parsed.metrics, 'token');
  assert.equal(parsed.cookieSecure, 'auto');
  assert.equal(parsed.sessionMinutes, 480);
  assert.equal(parsed.loginAttemptsPerMinute, 5);
  assert.equal(dashboardSettingsSchema.safeParse({ users: [{ name: 'ops' }] }).success, false);
  assert.equal(dashboardSettingsSchema.safeParse({ users: [{ name: 'ops', passwordHash: 'hunter2' }] }).success, false);
  assert.equal(dashboardSettingsSchema.safeParse({ apiTokenEnv: 'abc-123-literal-token' }).success, false);
  assert.equal(dashboardSettingsSchema.safeParse({ extra: 1 }).success, false);
});

test('resolveAuthSettings reads hashes and the API token by name', () => {
  const hash = hashPassword('pw', { N: 1024, r: 8, p: 1 });
  const secrets: Record<string, string> = { OPS_HASH: hash, API: 'tok-123456' };
  const asked: string[] = [];
  const auth = resolveAuthSettings(
    dashboardSettingsSchema.parse({ users: [{ name: 'ops', passwordHashEnv: 'OPS_HASH' }, { name: 'lead', passwordHash: hash }], apiTokenEnv: 'API', metrics: 'open', allowedOrigins: ['https://shopwire.example.com/'] }),
    (name, usedAt) => {
      asked.push(`${name}@${usedAt}`);
      return secrets[name]!;
    },
  );
  assert.deepEqual(auth.users, { ops: hash, lead: hash });
  assert.equal(auth.apiToken, 'tok-123456');
  assert.equal(auth.metrics, 'open');
  assert.deepEqual(auth.allowedOrigins, ['https://shopwire.example.com']);
  assert.deepEqual(asked, ['OPS_HASH@dashboard.users.0.passwordHashEnv', 'API@dashboard.apiTokenEnv']);
  assert.throws(() => resolveAuthSettings(dashboardSettingsSchema.parse({ users: [{ name: 'x', passwordHashEnv: 'BAD' }] }), () => 'not-a-hash'), /not a scrypt hash/);
});
