import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { seededRandom } from '../../../emulators/shared/faults.ts';
import type { Fault } from '../../../emulators/shared/faults.ts';
import { startToyServer } from './toy-server.ts';
import type { ToyServer } from './toy-server.ts';

async function call(url: string, method: 'GET' | 'POST' = 'POST', timeoutMs = 500) {
  const res = await request(url, { method, body: method === 'POST' ? '{}' : undefined, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('fault injection', () => {
  let server: ToyServer;
  before(async () => {
    server = await startToyServer({ seed: 7 });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => server.faults.clear());

  test('without faults the call goes through', async () => {
    const res = await call(`${server.url}/write`);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.text).success, 1);
  });

  test('status fault answers 5xx and the handler does not run', async () => {
    const before = server.writes();
    server.faults.script('POST /write', [{ kind: 'status', status: 503 }]);
    const res = await call(`${server.url}/write`);
    assert.equal(res.status, 503);
    assert.equal(server.writes(), before);
    assert.equal((await call(`${server.url}/write`)).status, 200, 'a script entry is consumed once');
  });

  test('html fault answers an HTML page', async () => {
    server.faults.script('POST /write', [{ kind: 'html' }]);
    const res = await call(`${server.url}/write`);
    assert.equal(res.status, 502);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.text, /<html>/);
  });

  test('latency delays the answer', async () => {
    server.faults.script('POST /write', [{ kind: 'latency', ms: 120 }]);
    const started = performance.now();
    const res = await call(`${server.url}/write`);
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 110);
  });

  test('rate-limit answers 429 with Retry-After', async () => {
    server.faults.script('POST /write', [{ kind: 'rate-limit', retryAfter: 3 }]);
    const res = await call(`${server.url}/write`);
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '3');
  });

  test('hang never answers; the client times out; nothing leaks', async () => {
    server.faults.script('GET /read/:id', [{ kind: 'hang' }]);
    await assert.rejects(call(`${server.url}/read/1`, 'GET', 150));
    assert.equal((await call(`${server.url}/read/2`, 'GET')).status, 200);
  });

  test('reset destroys the connection without running the handler', async () => {
    const before = server.writes();
    server.faults.script('POST /write', [{ kind: 'reset' }]);
    await assert.rejects(call(`${server.url}/write`));
    assert.equal(server.writes(), before);
  });

  test('truncate runs the handler, then cuts the body short', async () => {
    const before = server.writes();
    server.faults.script('POST /write', [{ kind: 'truncate' }]);
    await assert.rejects(call(`${server.url}/write`));
    assert.equal(server.writes(), before + 1);
  });

  test('commit-then-fail (reset) applies the write and loses the answer', async () => {
    const before = server.writes();
    server.faults.script('POST /write', [{ kind: 'commit-then-fail' }]);
    await assert.rejects(call(`${server.url}/write`));
    assert.equal(server.writes(), before + 1);
  });

  test('commit-then-fail (status) applies the write and answers 5xx', async () => {
    const before = server.writes();
    server.faults.script('POST /write', [{ kind: 'commit-then-fail', then: 'status', status: 500 }]);
    const res = await call(`${server.url}/write`);
    assert.equal(res.status, 500);
    assert.equal(server.writes(), before + 1);
  });

  test('scripts apply per endpoint and "none" lets a call through', async () => {
    server.faults.script('POST /write', [{ kind: 'none' }, { kind: 'status', status: 500 }]);
    assert.equal((await call(`${server.url}/read/1`, 'GET')).status, 200);
    assert.equal((await call(`${server.url}/write`)).status, 200);
    assert.equal((await call(`${server.url}/write`)).status, 500);
    const stats = server.faults.stats();
    assert.equal(stats.applied.status, 1);
    assert.deepEqual(stats.log.map((l) => l.fault), ['status']);
  });

  test('seeded random faults are reproducible', async () => {
    const rules = [{ endpoint: 'GET /read/*', random: [{ probability: 0.5, fault: { kind: 'status', status: 500 } as Fault }] }];
    const run = async (): Promise<number[]> => {
      server.faults.clear();
      server.faults.set(rules, 42);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await call(`${server.url}/read/${i}`, 'GET')).status);
      return statuses;
    };
    const first = await run();
    const second = await run();
    assert.deepEqual(first, second);
    assert.ok(first.includes(500) && first.includes(200), `expected a mix, got ${first.join(',')}`);
  });

  test('control route sets, shows and clears faults; control paths are never faulted', async () => {
    const put = await request(`${server.url}/__emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 3, rules: [{ endpoint: '* *', random: [{ probability: 1, fault: { kind: 'status', status: 500 } }] }] }),
    });
    assert.equal(put.statusCode, 200);
    await put.body.text();
    assert.equal((await call(`${server.url}/write`)).status, 500);
    const state = await request(`${server.url}/__emulator/faults`);
    const body = (await state.body.json()) as { seed: number; rules: unknown[] };
    assert.equal(body.seed, 3);
    assert.equal(body.rules.length, 1);
    const del = await request(`${server.url}/__emulator/faults`, { method: 'DELETE' });
    await del.body.text();
    assert.equal((await call(`${server.url}/write`)).status, 200);
    const bad = await request(`${server.url}/__emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ endpoint: 'x', random: [{ probability: 2, fault: { kind: 'hang' } }] }] }) });
    assert.equal(bad.statusCode, 400);
    await bad.body.text();
  });

  test('seededRandom is deterministic', () => {
    const a = seededRandom(9);
    const b = seededRandom(9);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
  });
});

test('close() finishes while a request hangs', async () => {
  const server = await startToyServer();
  server.faults.script('* *', [{ kind: 'hang' }]);
  const pending = call(`${server.url}/write`, 'POST', 5_000).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 1_000);
  assert.ok((await pending) instanceof Error);
});
