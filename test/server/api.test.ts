/** The JSON API (/api/v1) over Fastify inject, with the bearer token. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { API_TOKEN, startHarness, type Harness } from './harness.ts';
import { designFixture, KEYED_CANARY, loadOrderTranslator, orderFixture, REGISTERED_CANARY } from './fixture-jobs.ts';

const auth = { authorization: `Bearer ${API_TOKEN}` };

describe('JSON API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const get = async (url: string) => {
    const res = await h.app.inject({ url, headers: auth });
    assert.doesNotMatch(res.body, new RegExp(`${REGISTERED_CANARY}|${KEYED_CANARY}`), `${url} leaked a token`);
    return res;
  };
  const post = (url: string, payload?: unknown) => h.app.inject({ method: 'POST', url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

  test('GET /api/v1/status: counts per profile, flow and state, times, oldest needing attention, history', async () => {
    const res = await get('/api/v1/status');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    const prod = body.profiles.find((p: { profile: string }) => p.profile === 'prod');
    assert.equal(prod.paused, false);
    assert.equal(prod.lastPollAt, '2026-03-02T11:58:00.000Z');
    const orders = prod.flows.find((f: { flow: string }) => f.flow === 'order-export');
    assert.deepEqual(orders.counts, { pending: 0, running: 0, done: 13, retrying: 1, 'needs-attention': 1, cancelled: 0 });
    assert.equal(orders.oldestNeedsAttention.id, 'j-180');
    assert.equal(orders.last24h.length, 24);
    assert.equal(orders.last7d.length, 7);
    // Finished in the last 24 h: 179 (2 h ago) done, 12 spread at 13 h steps (1 within 24 h), 180 failed.
    assert.equal(orders.last24h.reduce((n: number, b: { done: number }) => n + b.done, 0), 2);
    assert.equal(orders.last24h.reduce((n: number, b: { failed: number }) => n + b.failed, 0), 1);
    assert.equal(orders.last7d.reduce((n: number, b: { done: number }) => n + b.done, 0), 13);
    const designs = prod.flows.find((f: { flow: string }) => f.flow === 'design-import');
    assert.equal(designs.counts.done, 1);
    assert.equal(designs.oldestNeedsAttention, null);
    const sandbox = body.profiles.find((p: { profile: string }) => p.profile === 'sandbox');
    assert.ok(sandbox, 'a configured profile shows before it has any job');
    assert.equal(sandbox.lastPollAt, null);
    assert.equal(sandbox.flows[0].counts.done, 0);
  });

  test('GET /api/v1/jobs: filters by state, flow, text; newest first; paginated', async () => {
    const all = (await get('/api/v1/jobs')).json();
    assert.equal(all.total, 16);
    const times = all.jobs.map((j: { createdAt: string }) => j.createdAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.deepEqual((await get('/api/v1/jobs?state=needs-attention')).json().jobs.map((j: { id: string }) => j.id), ['j-180']);
    assert.deepEqual((await get('/api/v1/jobs?flow=design-import')).json().jobs.map((j: { key: string }) => j.key), ['CABLE_A/0']);
    assert.deepEqual((await get('/api/v1/jobs?text=181')).json().jobs.map((j: { id: string }) => j.id), ['j-181']);
    assert.deepEqual((await get('/api/v1/jobs?text=cable_a')).json().jobs.map((j: { id: string }) => j.id), ['j-cable-a'], 'text is case-insensitive');
    const page2 = (await get('/api/v1/jobs?limit=5&offset=5')).json();
    assert.equal(page2.jobs.length, 5);
    assert.equal(page2.total, 16);
    assert.deepEqual(page2.jobs, all.jobs.slice(5, 10));
    for (const bad of ['state=lost', 'limit=0', 'limit=500', 'offset=-1', 'flow=x']) {
      const res = await get(`/api/v1/jobs?${bad}`);
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.json().error.code, 'bad-query');
    }
  });

  test('GET /api/v1/jobs/:id: plan, transfers in order, redacted bodies; 404 for an unknown job', async () => {
    const res = await get('/api/v1/jobs/j-180');
    assert.equal(res.statusCode, 200);
    const job = res.json();
    assert.equal(job.state, 'needs-attention');
    assert.equal(job.lastError.code, 'http.server_error');
    assert.match(job.lastError.message, /\[redacted\]/);
    assert.ok(job.plan.steps.length >= 2);
    assert.deepEqual(job.transfers.map((t: { step: number }) => t.step), job.plan.steps.map((_: unknown, i: number) => i));
    const last = job.transfers.at(-1);
    assert.equal(last.endpoint, 'importjson');
    assert.equal(last.status, 502);
    assert.equal(last.requestBody.preshared_token, '[redacted]');
    assert.match(last.url, /preshared_token=\[redacted\]/);
    assert.equal(last.requestBody.orders[0].external_key, job.plan.steps.at(-1).body[0].external_key);
    assert.equal((await get('/api/v1/jobs/nope')).statusCode, 404);
  });

  test('POST retry, replay, cancel change the job through the port; wrong states are 409, unknown jobs 404', async () => {
    const retried = await post('/api/v1/jobs/j-180/retry');
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.json().job.state, 'pending');
    assert.equal((await get('/api/v1/jobs/j-180')).json().state, 'pending');
    const again = await post('/api/v1/jobs/j-179/retry');
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'invalid-state');
    const replayed = await post('/api/v1/jobs/j-179/replay');
    assert.equal(replayed.json().job.state, 'pending');
    const cancelled = await post('/api/v1/jobs/j-179/cancel');
    assert.equal(cancelled.json().job.state, 'cancelled');
    assert.equal((await post('/api/v1/jobs/nope/cancel')).statusCode, 404);
    assert.deepEqual(
      h.port.actions.map((a) => `${a.action} ${a.jobId} ${a.actor}`),
      ['retry j-180 api-token', 'replay j-179 api-token', 'cancel j-179 api-token'],
    );
  });

  test('POST /api/v1/preview: a CableBuilder design gives the golden plan; nothing reaches the port', async () => {
    const res = await post('/api/v1/preview', { kind: 'design', document: designFixture() });
    assert.equal(res.statusCode, 200);
    const golden = JSON.parse(readFileSync(new URL('../fixtures/cablebuilder/send-design-cable-a.plan.json', import.meta.url), 'utf8'));
    assert.deepEqual(res.json().plan, golden);
    assert.equal(res.json().ok, true);
  });

  test('POST /api/v1/preview: a Paperless order gives its plan (needs the order translator)', async (t) => {
    if ((await loadOrderTranslator()) === null) {
      t.skip('src/translate/order-to-cetec/plan.ts (toOrderPlan) is not present yet');
      return;
    }
    const res = await post('/api/v1/preview', { kind: 'order', profile: 'prod', document: orderFixture() });
    assert.equal(res.statusCode, 200, res.body);
    const plan = res.json().plan;
    assert.equal(plan.steps.at(-1).kind, 'importjson');
    assert.ok(plan.steps.filter((s: { kind: string }) => s.kind === 'partrevisiondefinition').length >= 1);
    assert.match(res.json().title, /^Order 179 for Outside Firm/);
    assert.equal(plan.steps.at(-1).body[0].external_key.includes('179'), true);
  });

  test('POST /api/v1/preview: the profile mapping decides (sandbox maps only CNC Milling: 422 naming each unmapped operation)', async (t) => {
    if ((await loadOrderTranslator()) === null) {
      t.skip('src/translate/order-to-cetec/plan.ts (toOrderPlan) is not present yet');
      return;
    }
    const res = await post('/api/v1/preview', { kind: 'order', profile: 'sandbox', document: orderFixture() });
    assert.equal(res.statusCode, 422);
    const problems = res.json().problems as { code: string; message: string; where: string }[];
    assert.ok(problems.length > 0);
    assert.ok(problems.every((p) => p.code === 'operation.unmapped'));
    assert.ok(problems.some((p) => p.message.includes('"Order Processing"')));
  });

  test('POST /api/v1/preview: bad requests are 400, untranslatable documents 422 with problems', async () => {
    assert.equal((await post('/api/v1/preview', { kind: 'poem', document: {} })).statusCode, 400);
    assert.equal((await post('/api/v1/preview', { kind: 'design' })).statusCode, 400);
    assert.equal((await post('/api/v1/preview', { kind: 'design', profile: 'nope', document: {} })).statusCode, 400);
    const bad = await post('/api/v1/preview', { kind: 'design', document: { detail: { design: 'X' } } });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().ok, false);
    assert.ok(bad.json().problems.length > 0);
  });

  test('GET /api/v1/mappings: the profile tables and values no table maps', async () => {
    const body = (await get('/api/v1/mappings?profile=prod')).json();
    const operations = body.tables.find((t: { name: string }) => t.name === 'operations');
    assert.equal(operations.source, 'profiles.prod.translation.routing.operations');
    assert.deepEqual(operations.entries.find((e: string[]) => e[0] === 'CNC Milling'), ['CNC Milling', 'cnc_milling']);
    assert.ok(body.tables.some((t: { name: string; source: string }) => t.name === 'resourceLocations' && t.source === 'cablebuilder.translation.resourceLocations'));
    assert.deepEqual(body.unmapped, [{ kind: 'operation', value: 'Chem Film', count: 2, jobIds: ['j-180'] }]);
    assert.equal((await get('/api/v1/mappings?profile=nope')).statusCode, 404);
  });

  test('GET /api/v1/settings: secret names and whether set, never values or hashes', async () => {
    const res = await get('/api/v1/settings');
    const body = res.json();
    assert.deepEqual(
      body.secrets.map((s: { name: string; set: boolean }) => `${s.name}=${s.set}`).sort(),
      ['ADMIN_HASH=true', 'CETEC_SANDBOX_TOKEN=false', 'CETEC_TOKEN=true', 'PAPERLESS_TOKEN=false', 'PAPERLESS_TOKEN=false', 'SHOPWIRE_API_TOKEN=true'],
    );
    assert.doesNotMatch(res.body, /scrypt\$/);
    assert.doesNotMatch(res.body, new RegExp(API_TOKEN));
    assert.equal(body.settings.profiles.prod.cetec.baseUrl, 'http://127.0.0.1:4010');
  });
});
