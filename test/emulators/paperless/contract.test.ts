/**
 * The Paperless Parts emulator's contract, over real HTTP on loopback: what shopwire's client and
 * engine rely on (auth, 404s, discovery with gaps, poll dispatch, action lifecycle, heartbeats,
 * version prefixes, control endpoints, rate limiting, faults). These tests start the emulator
 * without its real variants (`variants: false`) to know the account exactly; the last one checks
 * what the default seed adds.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPaperlessEmulator } from '../../../emulators/paperless/server.ts';
import type { PaperlessEmulator } from '../../../emulators/paperless/server.ts';
import { findFixturesDir } from '../../../emulators/paperless/seed.ts';

const fixture = JSON.parse(readFileSync(join(findFixturesDir(), 'minimal_order.json'), 'utf8')) as Record<string, unknown>;
const orderWith = (number: number) => ({ ...structuredClone(fixture), number });

let emu: PaperlessEmulator;

async function api(path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  if (init.token !== null) headers.authorization = `API-Token ${init.token ?? emu.token()}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(emu.url + path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json, headers: res.headers };
}

const control = (path: string, body?: unknown, method = 'POST') => api(`/__emulator${path}`, { method, body, token: null });

before(async () => {
  emu = await startPaperlessEmulator({ variants: false });
});
after(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.reset();
});

describe('authentication', () => {
  test('a missing or wrong token gets 401 authentication_failed in the JSON envelope', async () => {
    for (const token of [null, 'wrong-token']) {
      const r = await api('/orders/public/179', { token });
      assert.equal(r.status, 401);
      assert.equal(r.json.error, true);
      assert.equal(r.json.code, 'authentication_failed');
      assert.equal(typeof r.json.message, 'string');
      assert.equal(r.json.extra, null);
    }
  });

  test('Bearer instead of API-Token is refused', async () => {
    const res = await fetch(`${emu.url}/orders/public/179`, { headers: { authorization: `Bearer ${emu.token()}` } });
    assert.equal(res.status, 401);
  });

  test('after a token rotation the old token is refused', async () => {
    const old = emu.token();
    assert.equal((await control('/token', { token: 'rotated-token-123' })).status, 204);
    assert.equal((await api('/orders/public/new', { token: old })).status, 401);
    assert.equal((await api('/orders/public/new', { token: 'rotated-token-123' })).status, 200);
  });
});

describe('orders', () => {
  test('a fixture order is served byte for byte, money as strings', async () => {
    const r = await api('/orders/public/179');
    assert.equal(r.status, 200);
    assert.equal(r.text, readFileSync(join(findFixturesDir(), 'order.json'), 'utf8'));
    assert.equal(typeof r.json.order_items[0].unit_price, 'string');
  });

  test('an unknown number gets 404 text/plain "Error: Not Found"', async () => {
    const r = await api('/orders/public/999');
    assert.equal(r.status, 404);
    assert.match(r.type, /^text\/plain/);
    assert.equal(r.text, 'Error: Not Found');
  });

  test('new order numbers list everything after the cursor, across a gap', async () => {
    for (const n of [180, 181, 182]) assert.equal((await control('/orders', orderWith(n))).status, 201);
    assert.equal((await control('/orders/181', undefined, 'DELETE')).status, 204);
    assert.deepEqual((await api('/orders/public/new?last_order=179')).json, [180, 182]);
    assert.deepEqual((await api('/orders/public/new')).json, [72, 179, 180, 182]);
    assert.equal((await api('/orders/public/181')).status, 404);
    assert.equal((await api('/orders/public/new?last_order=abc')).status, 400);
  });

  test('the group listing sorts newest first and pages', async () => {
    const r = await api(`/orders/groups/${emu.groupSlug}?o=-number`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.results.map((o: { number: number }) => o.number), [179, 72]);
    assert.equal(r.json.count, 2);
    assert.equal(r.json.next, null);
    assert.equal((await api('/orders/groups/some-other-shop')).status, 404);
  });

  test('PATCH erp_code writes back, is recorded, and refuses other fields', async () => {
    const r = await api('/orders/public/179', { method: 'PATCH', body: { erp_code: 'SO-1001' } });
    assert.equal(r.status, 200);
    assert.equal(r.json.erp_code, 'SO-1001');
    assert.equal((await api('/orders/public/179')).json.erp_code, 'SO-1001');
    assert.deepEqual(emu.state.erpCodeWrites.map((w) => [w.number, w.erp_code]), [[179, 'SO-1001']]);
    const bad = await api('/orders/public/179', { method: 'PATCH', body: { erp_code: 'X', status: 'completed' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 'invalid');
  });

  test('an added order emits order.created', async () => {
    await control('/orders', orderWith(200));
    const created = emu.state.events.filter((e) => e.type === 'order.created');
    assert.deepEqual(created.map((e) => e.data.number), [200]);
  });
});

describe('poll and dispatch records', () => {
  const poll = (query = '') => api(`/managed_integrations/public/${emu.integrationUuid}/poll${query}`);

  test('reading marks delivered; pages of 100 oldest first; has_more_events until drained', async () => {
    for (let i = 0; i < 105; i++) await emu.emitOrderCreated(179);
    const first = await poll('?event_type_in=order.created');
    assert.equal(first.json.results.length, 100);
    assert.equal(first.json.has_more_events, true);
    const createdTimes = first.json.results.map((e: { created: string }) => e.created);
    assert.deepEqual(createdTimes, [...createdTimes].sort());
    const second = await poll('?event_type_in=order.created');
    assert.equal(second.json.results.length, 5);
    assert.equal(second.json.has_more_events, false);
    const seen = new Set([...first.json.results, ...second.json.results].map((e: { uuid: string }) => e.uuid));
    assert.equal(seen.size, 105);
    assert.deepEqual((await poll('?event_type_in=order.created')).json, { results: [], has_more_events: false });
  });

  test('create_dispatch_records=false leaves events undelivered', async () => {
    await emu.emitOrderCreated(179);
    const a = await poll('?create_dispatch_records=false');
    const b = await poll('?create_dispatch_records=false');
    assert.equal(a.json.results.length, 1);
    assert.deepEqual(b.json.results, a.json.results);
    assert.equal((await poll()).json.results.length, 1);
    assert.equal((await poll()).json.results.length, 0);
  });

  test('event_type_in filters and leaves other types for a later poll', async () => {
    await emu.emitOrderCreated(179);
    emu.setIntegrationActive(false);
    const onOff = await poll('?event_type_in=integration.turned_on,integration.turned_off');
    assert.deepEqual(onOff.json.results.map((e: { type: string }) => e.type), ['integration.turned_off']);
    const rest = await poll();
    assert.deepEqual(rest.json.results.map((e: { type: string }) => e.type), ['order.created']);
  });

  test('events/public lists all events newest first with was_dispatched', async () => {
    await emu.emitOrderCreated(72);
    await emu.emitOrderCreated(179);
    await poll('?event_type_in=order.created&create_dispatch_records=true');
    const all = await api('/events/public');
    assert.equal(all.json.count, 2);
    assert.deepEqual(all.json.results.map((e: { data: { number: number } }) => e.data.number), [179, 72]);
    assert.equal((await api('/events/public?was_dispatched=false')).json.count, 0);
  });

  test('an unknown integration gets 404', async () => {
    assert.equal((await api('/managed_integrations/public/no-such-uuid/poll')).status, 404);
  });
});

describe('integration actions', () => {
  test('an export request made in the UI creates a requested action (help article) and an event with both key sets', async () => {
    const r = await control('/orders/179/export');
    assert.equal(r.status, 201);
    assert.equal(r.json.status, 'requested');
    assert.equal(r.json.entity_id, '179');
    const events = (await api(`/managed_integrations/public/${emu.integrationUuid}/poll?event_type_in=integration_action.requested`)).json.results;
    assert.equal(events.length, 1);
    const data = events[0].data;
    assert.equal(data.uuid, r.json.uuid);
    assert.equal(data.action_uuid, r.json.uuid);
    assert.equal(data.type, 'export_order');
    assert.equal(data.action_type, 'export_order');
    assert.equal(data.entity_id, '179');
    assert.equal(events[0].related_object_type, 'order');
  });

  test('lifecycle: queued → in_progress → completed; terminal refuses change; exact repeat is a no-op', async () => {
    const action = emu.requestExport(179);
    const path = `/integration_actions/public/${action.uuid}`;
    assert.equal((await api(path, { method: 'PATCH', body: { status: 'in_progress', current_record_count: 1 } })).json.status, 'in_progress');
    const done = await api(path, { method: 'PATCH', body: { status: 'completed', status_message: 'Cetec order 5001' } });
    assert.equal(done.status, 200);
    assert.equal(done.json.status_message, 'Cetec order 5001');
    const refused = await api(path, { method: 'PATCH', body: { status: 'failed', status_message: 'late' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 'invalid');
    const repeat = await api(path, { method: 'PATCH', body: { status: 'completed', status_message: 'Cetec order 5001' } });
    assert.equal(repeat.status, 200);
    assert.deepEqual(emu.state.actions.get(action.uuid)!.history.map((h) => h.status), ['requested', 'in_progress', 'completed']);
    assert.equal((await api(path)).json.status, 'completed');
  });

  test('status_message over 250 characters and unknown statuses get 400', async () => {
    const action = emu.requestExport(179);
    const path = `/integration_actions/public/${action.uuid}`;
    assert.equal((await api(path, { method: 'PATCH', body: { status: 'failed', status_message: 'x'.repeat(251) } })).status, 400);
    assert.equal((await api(path, { method: 'PATCH', body: { status: 'done' } })).status, 400);
    assert.equal((await api(path, { method: 'PATCH', body: { status: 'failed', status_message: 'x'.repeat(250) } })).status, 200);
  });

  test('create, list with filters in both spellings, batch, errors', async () => {
    const base = `/managed_integrations/public/${emu.integrationUuid}/integration_actions`;
    const created = await api(base, { method: 'POST', body: { type: 'export_order', entity_id: '72' } });
    assert.equal(created.status, 201);
    assert.equal(created.json.status, 'queued');
    const batch = await api(`${base}/batch`, { method: 'POST', body: { integration_actions: [{ type: 'export_quote', entity_id: 5000 }, { type: 'export_quote', entity_id: '5001' }] } });
    assert.equal(batch.status, 201);
    assert.deepEqual(batch.json.map((a: { entity_id: string }) => a.entity_id), ['5000', '5001']);
    await api(`/integration_actions/public/${created.json.uuid}`, { method: 'PATCH', body: { status: 'in_progress' } });
    assert.equal((await api(`${base}?status=queued`)).json.count, 2);
    assert.equal((await api(`${base}?status_in=queued,in_progress`)).json.count, 3);
    assert.equal((await api(`${base}?type_in=export_order`)).json.count, 1);
    assert.equal((await api(`${base}?type=export_quote&status=queued`)).json.count, 2);
    const patched = await api(`${base}/batch`, { method: 'PATCH', body: { integration_actions: batch.json.map((a: { uuid: string }) => ({ uuid: a.uuid, status: 'cancelled' })) } });
    assert.deepEqual(patched.json.map((a: { status: string }) => a.status), ['cancelled', 'cancelled']);
    const errors = await api(`/integration_actions/public/${created.json.uuid}/errors`, {
      method: 'POST',
      body: { errors: [{ reference_id: '179', error_message: 'no part number', cause: null }] },
    });
    assert.equal(errors.status, 201);
    assert.equal(errors.json[0].integration_action_uuid, created.json.uuid);
    assert.equal(emu.state.actions.get(created.json.uuid)!.errors.length, 1);
  });

  test('an unknown action gets 404', async () => {
    assert.equal((await api('/integration_actions/public/nope')).status, 404);
    assert.equal((await api('/integration_actions/public/nope', { method: 'PATCH', body: { status: 'failed' } })).status, 404);
  });
});

describe('managed integration, heartbeat, lookups', () => {
  test('heartbeat answers 201 {} and is readable as last seen', async () => {
    const r = await api(`/managed_integrations/public/${emu.integrationUuid}/heartbeat`, { method: 'POST', body: { interval: 600 } });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json, {});
    const state = (await control('/state', undefined, 'GET')).json;
    assert.equal(state.heartbeats[0].interval, 600);
    assert.equal(typeof state.lastHeartbeat[emu.integrationUuid], 'string');
  });

  test('turning the integration off and on flips is_active and emits events', async () => {
    assert.equal((await control('/integration', { is_active: false })).json.is_active, false);
    assert.equal((await api(`/managed_integrations/public/${emu.integrationUuid}`)).json.is_active, false);
    await control('/integration', { is_active: true });
    assert.deepEqual(emu.state.events.map((e) => e.type), ['integration.turned_off', 'integration.turned_on']);
    const patched = await api(`/managed_integrations/public/${emu.integrationUuid}`, { method: 'PATCH', body: { integration_version: 'shopwire 0.1' } });
    assert.equal(patched.json.integration_version, 'shopwire 0.1');
    assert.equal((await api(`/managed_integrations/public/${emu.integrationUuid}`, { method: 'PATCH', body: { erp_name: 'cetec' } })).status, 400);
  });

  test('payment terms, accounts and contacts come from the fixtures', async () => {
    const terms = await api('/customers/public/payment_terms');
    assert.deepEqual(terms.json.map((t: { label: string }) => t.label), ['Net 30 days', 'Net 31 days']);
    assert.equal((await api('/accounts/public/1')).json.erp_code, 'ARUE');
    assert.equal((await api('/accounts/public/1986')).json.erp_code, 'OUTFIRM');
    assert.equal((await api('/accounts/public?null_erp_code=true')).json.count, 1);
    assert.equal((await api('/contacts/public/1')).json.email, 'john.smith@paperlessparts.com');
    assert.equal((await api('/suppliers/public/custom_tables/Operations_Mapping')).status, 404);
  });
});

describe('paths, limits, faults', () => {
  test('/v1 and /v2 serve the same as the bare root, trailing slash or not', async () => {
    const bare = await api('/orders/public/new');
    for (const p of ['/v1/orders/public/new', '/v2/orders/public/new', '/v1/orders/public/new/']) assert.deepEqual((await api(p)).json, bare.json);
    assert.equal((await api('/v2/orders/public/179')).text.length, (await api('/orders/public/179')).text.length);
  });

  test('the control state reports actions with history, events with dispatch', async () => {
    emu.requestExport(72);
    await api(`/managed_integrations/public/${emu.integrationUuid}/poll`);
    const state = (await control('/state', undefined, 'GET')).json;
    assert.equal(state.actions[0].entity_id, '72');
    assert.equal(state.actions[0].history[0].status, 'requested');
    assert.deepEqual(state.events[0].dispatched_to, [emu.integrationUuid]);
    assert.deepEqual(state.orderNumbers, [72, 179]);
  });

  test('reset restores the seeded account', async () => {
    await control('/orders', orderWith(300));
    await control('/reset');
    assert.deepEqual((await api('/orders/public/new')).json, [72, 179]);
    assert.equal(emu.state.events.length, 0);
  });

  test('faults scripted over the control route hit the next matching call only', async () => {
    const put = await api('/__emulator/faults', { method: 'PUT', token: null, body: { scripts: { 'GET /orders/public/:number': [{ kind: 'status', status: 502 }] } } });
    assert.equal(put.status, 200);
    assert.equal((await api('/orders/public/179')).status, 502);
    assert.equal((await api('/orders/public/179')).status, 200);
  });
});

describe('rate limit (opt-in behaviour)', () => {
  test('over the limit: 429 throttled with Retry-After and the wait in the message', async () => {
    const limited = await startPaperlessEmulator({ behaviours: { rateLimitPerMinute: 3 }, variants: false });
    try {
      const h = { authorization: `API-Token ${limited.token()}` };
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${limited.url}/orders/public/new`, { headers: h })).status, 200);
      const res = await fetch(`${limited.url}/orders/public/new`, { headers: h });
      assert.equal(res.status, 429);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'throttled');
      const n = Number(res.headers.get('retry-after'));
      assert.ok(n >= 1 && n <= 60);
      assert.equal(body.message, `Request was throttled. Expected available in ${n} seconds.`);
    } finally {
      await limited.close();
    }
  });
});

describe('generated orders', () => {
  test('seeded and control-generated orders continue the numbering upward', async () => {
    const calls: [number, number | undefined][] = [];
    const generateOrder = (seed: number, options?: { number?: number }) => {
      calls.push([seed, options?.number]);
      return { ...structuredClone(fixture), number: options?.number };
    };
    const gen = await startPaperlessEmulator({ generated: { seed: 10, count: 2 }, generateOrder, variants: false });
    try {
      const h = { authorization: `API-Token ${gen.token()}` };
      assert.deepEqual(await (await fetch(`${gen.url}/orders/public/new?last_order=179`, { headers: h })).json(), [180, 181]);
      assert.equal(gen.state.events.length, 0, 'seeded orders are history: no events');
      const res = await fetch(`${gen.url}/__emulator/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ generate: { seed: 5, count: 2 } }) });
      assert.deepEqual(await res.json(), { numbers: [182, 183] });
      assert.deepEqual(calls, [[10, 180], [11, 181], [5, 182], [6, 183]]);
      assert.deepEqual(gen.state.events.map((e) => e.data.number), [182, 183]);
    } finally {
      await gen.close();
    }
  });
});

test('the default seed holds the real variants: on-hold and cancelled orders, a request without a record, a request whose action is gone, an undocumented event type', async () => {
  const emu = await startPaperlessEmulator();
  try {
    const v = emu.variants!;
    const auth = { authorization: `API-Token ${emu.token()}` };
    const get = async (path: string) => {
      const res = await fetch(`${emu.url}${path}`, { headers: auth });
      const text = await res.text();
      return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { text }) as Record<string, unknown> };
    };
    // The fixture orders keep their numbers; the two variants come after them.
    assert.deepEqual([v.onHold, v.cancelled], [180, 181]);
    assert.equal((await get(`/orders/public/${v.onHold}`)).body.status, 'on_hold');
    assert.equal((await get(`/orders/public/${v.cancelled}`)).body.status, 'cancelled');
    const newOrders = await fetch(`${emu.url}/orders/public/new?last_order=179`, { headers: auth });
    assert.deepEqual(await newOrders.json(), [180, 181], 'listed as new orders (newOrdersIncludeCancelled)');
    const request = await get(`/integration_actions/public/${v.requestWithoutRecord}`);
    assert.equal(request.status, 200);
    assert.equal(request.body.status, 'requested');
    assert.equal(request.body.entity_id, null);
    assert.equal((await get(`/integration_actions/public/${v.missingAction}`)).status, 404);
    const types = emu.state.events.map((e) => e.type);
    for (const type of ['order.status_changed', 'integration_action.requested', v.unknownEventType, 'quote.created', 'quote.status_changed', 'quote.sent', 'integration.turned_on']) {
      assert.ok(types.includes(type), `an event of type ${type}`);
    }
    assert.equal(types.filter((t) => t === 'integration_action.requested').length, 2);
    await emu.reset();
    assert.notEqual(emu.variants, null, 'a reset seeds them again');
  } finally {
    await emu.close();
  }
});
