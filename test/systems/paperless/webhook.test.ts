import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeSignature, pythonJsonDumps, signatureHeader, verifyWebhook } from '../../../src/systems/paperless/webhook.ts';
import { startPaperlessEmulator } from '../../../emulators/paperless/server.ts';

const SECRET = '8f3a0c1de2b4a6978f3a0c1de2b4a697';
const NOW = 1_763_800_000;
const event = { type: 'order.created', created: '2025-11-22T08:00:00.000000Z', object: 'event', data: { uuid: 'abc', number: 181, status: 'pending' } };

test('Python json.dumps style: separators, non-ASCII escapes, float exponents (checked against CPython output)', () => {
  const value = { type: 'order.created', data: { number: 181, price: '12.50', f: 1.5, small: 1e-5, s: 'café \u{1F600} \u007f "q" /\n', l: [1, 2, null, true] } };
  // Printed by python3 -c 'import json; print(json.dumps(...))' for the same value.
  const expected = '{"type": "order.created", "data": {"number": 181, "price": "12.50", "f": 1.5, "small": 1e-05, "s": "caf\\u00e9 \\ud83d\\ude00 \\u007f \\"q\\" /\\n", "l": [1, 2, null, true]}}';
  assert.equal(pythonJsonDumps(value), expected);
});

test('a good signature over the Python-style body verifies and yields the event', () => {
  const body = pythonJsonDumps(event);
  const result = verifyWebhook({ rawBody: body, header: signatureHeader(body, NOW, SECRET), secretHex: SECRET, nowSeconds: NOW });
  assert.equal(result.ok, true);
  assert.deepEqual(result.ok && result.event, event);
});

test('a body re-encoded in transit (compact JSON) still verifies by Python-style re-serialisation', () => {
  const signedAs = pythonJsonDumps(event);
  const delivered = Buffer.from(JSON.stringify(event));
  const result = verifyWebhook({ rawBody: delivered, header: signatureHeader(signedAs, NOW, SECRET), secretHex: SECRET, nowSeconds: NOW });
  assert.equal(result.ok, true);
});

test('raw bytes signed as sent verify even when re-serialisation would differ (150.0)', () => {
  const raw = '{"type":"order.created","data":{"number":181,"price":150.0}}';
  const result = verifyWebhook({ rawBody: raw, header: signatureHeader(raw, NOW, SECRET), secretHex: SECRET, nowSeconds: NOW });
  assert.equal(result.ok, true);
});

test('tampered body, wrong secret and garbage headers are refused', () => {
  const body = pythonJsonDumps(event);
  const header = signatureHeader(body, NOW, SECRET);
  const tampered = body.replace('181', '182');
  assert.deepEqual(verifyWebhook({ rawBody: tampered, header, secretHex: SECRET, nowSeconds: NOW }), { ok: false, reason: 'bad-signature' });
  assert.deepEqual(verifyWebhook({ rawBody: body, header, secretHex: 'aa'.repeat(16), nowSeconds: NOW }), { ok: false, reason: 'bad-signature' });
  assert.deepEqual(verifyWebhook({ rawBody: body, header: undefined, secretHex: SECRET, nowSeconds: NOW }), { ok: false, reason: 'missing-header' });
  assert.deepEqual(verifyWebhook({ rawBody: body, header: 'v1=abc', secretHex: SECRET, nowSeconds: NOW }), { ok: false, reason: 'malformed-header' });
  assert.deepEqual(verifyWebhook({ rawBody: body, header, secretHex: 'not-hex', nowSeconds: NOW }), { ok: false, reason: 'bad-secret' });
  // Same timestamp, signature of another body:
  const other = `t=${NOW},v1=${computeSignature('{}', NOW, SECRET)}`;
  assert.deepEqual(verifyWebhook({ rawBody: body, header: other, secretHex: SECRET, nowSeconds: NOW }), { ok: false, reason: 'bad-signature' });
});

test('an old request cannot be replayed, and a far-future timestamp is refused', () => {
  const body = pythonJsonDumps(event);
  const old = signatureHeader(body, NOW - 301, SECRET);
  assert.deepEqual(verifyWebhook({ rawBody: body, header: old, secretHex: SECRET, nowSeconds: NOW }), { ok: false, reason: 'stale' });
  const future = signatureHeader(body, NOW + 301, SECRET);
  assert.deepEqual(verifyWebhook({ rawBody: body, header: future, secretHex: SECRET, nowSeconds: NOW }), { ok: false, reason: 'future' });
  assert.equal(verifyWebhook({ rawBody: body, header: old, secretHex: SECRET, nowSeconds: NOW, toleranceSeconds: 600 }).ok, true);
});

test('the emulator pushes signed order.created webhooks that verify', async () => {
  const received: { header: string | undefined; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ header: req.headers['paperless-parts-signature'] as string | undefined, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const emu = await startPaperlessEmulator({ webhook: { url, secretHex: SECRET } });
  try {
    await emu.emitOrderCreated(179);
    assert.equal(received.length, 1);
    assert.equal(emu.state.webhookDeliveries[0]!.status, 200);
    const { header, body } = received[0]!;
    // The envelope of the help article's sample: created, data, object, type (object for an order assumed: behaviours.ts).
    assert.match(body, /^\{"created": "[^"]+", "data": \{.*\}, "object": "order", "type": "order.created"\}$/);
    const result = verifyWebhook({ rawBody: body, header, secretHex: SECRET, nowSeconds: Math.floor(Date.now() / 1000) });
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.event.data.number, 179);
    assert.equal(verifyWebhook({ rawBody: body, header, secretHex: 'bb'.repeat(16), nowSeconds: Math.floor(Date.now() / 1000) }).ok, false);
  } finally {
    await emu.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
