/**
 * Redaction: what is written to the store (`redactJson`, one pass over the serialised document)
 * hides exactly what the value walk (`redactValue`) hides, and no registered secret survives in
 * any of its forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REDACTED, redactJson, redactText, redactValue, registerSecret } from '../../src/lib/redact.ts';

const SECRETS = ['s3cr3t-Tok/en+=', 'Paperless "quoted" \\ token', 'ünïcode-sécret'];
for (const s of SECRETS) registerSecret(s);

/** Strings that are plain, or carry a secret (raw, percent-encoded), a credential parameter or header. */
const text = fc.oneof(
  fc.string(),
  fc.constantFrom(...SECRETS).map((s) => `before ${s} after`),
  fc.constantFrom(...SECRETS).map((s) => `https://x.test/api?a=1&${encodeURIComponent('x')}=${encodeURIComponent(s)}`),
  fc.string().map((v) => `https://x.test/api/part?preshared_token=${encodeURIComponent(v)}&prcpart=A`),
  fc.constantFrom('Bearer abcdefgh', 'API-Token zzzz1234', 'Basic\nQWxhZGRpbjpvcGVu', 'Bearer ', 'Basic'),
);
const key = fc.oneof(fc.string(), fc.constantFrom('token', 'api_key', 'Authorization', 'password', 'preshared_token', 'name', 'prcpart'));
const document = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
})).value;

test('redactJson writes what JSON.stringify(redactValue(…)) writes, and no secret in any form', () => {
  fc.assert(
    fc.property(document, (value) => {
      const once = redactJson(value);
      assert.deepEqual(JSON.parse(once), JSON.parse(JSON.stringify(redactValue(value))));
      for (const s of SECRETS) {
        for (const form of [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]) assert.ok(!once.includes(form), `${form} in ${once}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('values under secret-looking keys are masked whatever they hold; empty ones stay empty', () => {
  const out = JSON.parse(redactJson({ token: 'abc', nested: { api_key: { deep: 1 }, password: '' }, list: [{ Authorization: 'Basic x' }] }));
  assert.deepEqual(out, { token: REDACTED, nested: { api_key: REDACTED, password: '' }, list: [{ Authorization: REDACTED }] });
});

test('text without anything secret comes back as it was; credentials in URLs and headers do not', () => {
  assert.equal(redactText('PRT ORDER-180 rev A'), 'PRT ORDER-180 rev A');
  assert.equal(redactText('GET /api/part?prcpart=A&preshared_token=xyz123'), `GET /api/part?prcpart=A&preshared_token=${REDACTED}`);
  assert.equal(redactText('Authorization: Bearer abcdefgh'), `Authorization: Bearer ${REDACTED}`);
  assert.equal(redactText(`x ${SECRETS[0]} y`), `x ${REDACTED} y`);
});
