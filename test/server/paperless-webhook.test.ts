import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { paperlessWebhook } from '../../src/server/paperless-webhook.ts';
import { storeWebhookSink } from '../../src/cli/webhook-sink.ts';
import { openStore } from '../../src/store/open.ts';
import { pythonJsonDumps, signatureHeader } from '../../src/systems/paperless/webhook.ts';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const NOW = 1_790_000_000;

async function setup() {
  const store = openStore({ sqlite: path.join(mkdtempSync(path.join(tmpdir(), 'shopwire-webhook-')), 'store.db') });
  await store.migrate();
  const app = Fastify();
  await app.register(async (scope) =>
    paperlessWebhook(scope, {
      profile: 'prod',
      secretHex: SECRET,
      now: () => NOW * 1000,
      sink: storeWebhookSink(store, 'prod'),
    }),
  );
  return { app, store };
}

function signed(event: unknown, at = NOW, secret = SECRET) {
  const body = pythonJsonDumps(event);
  return { body, headers: { 'content-type': 'application/json', 'paperless-parts-signature': signatureHeader(body, at, secret) } };
}

const created = (number: number) => ({ type: 'order.created', created: '2026-11-22T08:00:00Z', object: 'event', data: { uuid: `u-${number}`, status: 'pending', number } });

test('a signed order.created becomes one export job; the same push again is a recognised duplicate', async () => {
  const { app, store } = await setup();
  const request = signed(created(412));
  const first = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...request });
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual(first.json(), { received: true, job: (await store.findJob('order-export', 'prod', '412'))!.id });
  const again = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...request });
  assert.deepEqual(again.json(), { received: true, duplicate: true });
  // A status change waits in the inbox for discovery (which compares it with the export); no second job.
  const changed = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...signed({ ...created(412), type: 'order.status_changed' }, NOW + 5) });
  assert.equal(changed.statusCode, 200);
  assert.deepEqual(changed.json(), { received: true, queued: 'order.status_changed' });
  assert.deepEqual((await store.unhandledEvents('prod')).map((e) => e.type), ['order.status_changed']);
  assert.equal((await store.listJobs({ limit: 10, offset: 0 })).total, 1);
  await store.close();
});

test('bad signatures, wrong secrets, tampered bodies and replays of old requests are refused and enqueue nothing', async () => {
  const { app, store } = await setup();
  const cases: [string, { body: string; headers: Record<string, string> }][] = [
    ['no header', { body: pythonJsonDumps(created(1)), headers: { 'content-type': 'application/json' } }],
    ['wrong secret', signed(created(2), NOW, 'ffffffffffffffffffffffffffffffff')],
    ['tampered body', { ...signed(created(3)), body: pythonJsonDumps(created(4)) }],
    ['replayed after the tolerance', signed(created(5), NOW - 3600)],
    ['from the future', signed(created(6), NOW + 3600)],
  ];
  for (const [name, request] of cases) {
    const answer = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...request });
    assert.equal(answer.statusCode, 401, `${name}: ${answer.body}`);
  }
  assert.equal((await store.listJobs({ limit: 10, offset: 0 })).total, 0);
  await store.close();
});

test('documented types an export does not need are ignored; unknown types and order events without a number are quarantined; nothing is left for discovery to choke on', async () => {
  const { app, store } = await setup();
  const ignored = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...signed({ type: 'quote.sent', created: 'x', data: { number: 9 } }) });
  assert.deepEqual(ignored.json(), { received: true, ignored: 'quote.sent' });
  const bad = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...signed({ type: 'order.created', created: 'x', data: { uuid: 'u' } }, NOW + 1) });
  assert.equal(bad.statusCode, 200, bad.body);
  assert.deepEqual(bad.json(), { received: true, quarantined: 'order-number-missing' });
  const unknown = await app.inject({ method: 'POST', url: '/paperless/webhook/prod', ...signed({ type: 'order.teleported', created: 'x', object: 'event', data: {} }, NOW + 2) });
  assert.deepEqual(unknown.json(), { received: true, quarantined: 'event-type-unknown' });
  assert.equal((await store.listJobs({ limit: 10, offset: 0 })).total, 0);
  assert.deepEqual(await store.unhandledEvents('prod'), [], 'every push is settled');
  assert.deepEqual((await store.quarantinedEvents({ profile: 'prod', limit: 10 })).map((e) => e.type).sort(), ['order.created', 'order.teleported']);
  await store.close();
});
