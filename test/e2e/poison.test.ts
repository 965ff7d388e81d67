/**
 * Poison records never stop discovery. Each test puts one record that discovery cannot read or act
 * on into the Paperless Parts emulator (the variants a real tenant shows, reference §5.3–5.4 and
 * Paperless Parts' help articles), then places a new, good order after it, and runs one
 * `shopwire sync` pass (the real CLI, real HTTP). The pass must not fail (exit 2), the new order
 * must be in Cetec, and the poison must be set aside with its reason (`status --json`) and never
 * handled again. Events and actions are quarantined; orders that cannot be fetched or translated
 * end in needs-attention on their own.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { generateBadOrder, generateOrder } from '../../emulators/paperless/generate-order.ts';
import { plannedOrders } from './expected-cetec.ts';
import { startE2E, type CliResult, type E2E } from './harness.ts';

const INTEGRATION = '712f4343-a29c-4263-be38-3c1694f53439';
let e2e: E2E;
let next = 10;

before(async () => {
  e2e = await startE2E({
    paperless: { integrationUuid: INTEGRATION, generated: { seed: 3100, count: 2, startNumber: 1 } },
    profile: { paperless: { integrationUuid: INTEGRATION }, discovery: { newOrders: true, integrationActions: true } },
  });
  // Orders 1 and 2 exported first, so each test's pass has only its own poison and its own new order.
  const first = await e2e.cli(['sync', '--json']);
  assert.equal(first.code, 0, first.stderr);
});

after(async () => {
  await e2e?.close();
});

type Quarantined = { profile: string; eventId: string; type: string; reason: string; message: string };

async function quarantined(): Promise<Quarantined[]> {
  const status = await e2e.cli(['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  return (JSON.parse(status.stdout) as { quarantined: Quarantined[] }).quarantined;
}

/** A good order placed in Paperless Parts after the poison; returns its number. */
async function placeGoodOrder(): Promise<number> {
  const number = next++;
  await e2e.paperless.addOrder({ ...generateOrder(4000 + number, { number }), number });
  return number;
}

function exported(number: number): boolean {
  const key = plannedOrders(e2e.planOf(number))[0]!.external_key;
  const [quote] = e2e.cetec.state.quotesByExternalKey(key);
  return quote !== undefined && quote.ordernum !== null;
}

async function passAfter(poison: string): Promise<{ run: CliResult; good: number }> {
  const good = await placeGoodOrder();
  const run = await e2e.cli(['sync', '--json']);
  assert.notEqual(run.code, 2, `${poison}: the pass must not fail\n${run.stderr}`);
  assert.ok(exported(good), `${poison}: order ${good}, placed after the poison, is in Cetec after the same pass\n${run.stdout}\n${run.stderr}`);
  return { run, good };
}

test('an export_order action with status requested and entity_id null (help article) is quarantined and marked failed; the next order is exported', async () => {
  const action = e2e.paperless.requestAction({ entity_id: null, status: 'requested' });
  await passAfter('null entity');
  const q = (await quarantined()).find((x) => x.message.includes(action.uuid));
  assert.equal(q?.reason, 'action-without-order', JSON.stringify(q));
  assert.equal(e2e.paperless.state.actions.get(action.uuid)!.status, 'failed', 'the shop sees it failed in Paperless Parts');
  assert.match(e2e.paperless.state.actions.get(action.uuid)!.status_message ?? '', /names no order/);
});

test('an action with a status no source documents is quarantined and left untouched; the next order is exported', async () => {
  const action = e2e.paperless.requestAction({ entity_id: '1', status: 'awaiting_approval' });
  await passAfter('unknown status');
  const q = (await quarantined()).find((x) => x.message.includes(action.uuid));
  assert.equal(q?.reason, 'action-status-unknown', JSON.stringify(q));
  assert.equal(e2e.paperless.state.actions.get(action.uuid)!.status, 'awaiting_approval', 'not changed on a guess');
});

test('an integration_action.requested event whose action answers 404 is quarantined; the next order is exported', async () => {
  const ghost = randomUUID();
  await e2e.paperless.injectEvent({
    type: 'integration_action.requested',
    data: { uuid: ghost, type: 'export_order', action_uuid: ghost, action_type: 'export_order', status: 'requested', status_message: null, entity_id: '1' },
    related_object_type: 'order',
  });
  await passAfter('action 404');
  const q = (await quarantined()).find((x) => x.message.includes(ghost));
  assert.equal(q?.reason, 'action-not-found', JSON.stringify(q));
});

test('an event type no source documents is quarantined (the tenant ignores the type filter); the next order is exported', async () => {
  e2e.paperless.behaviours.pollHonoursTypeFilter = false;
  try {
    const event = await e2e.paperless.injectEvent({ type: 'order.teleported', data: { number: 1, to: 'Mars' } });
    await e2e.paperless.injectEvent({ type: 'quote.sent', data: { number: 339 } });
    await passAfter('unknown event type');
    const q = (await quarantined()).find((x) => x.eventId === event.uuid);
    assert.equal(q?.reason, 'event-type-unknown', JSON.stringify(q));
    assert.equal(q?.type, 'order.teleported');
    assert.ok(!(await quarantined()).some((x) => x.type === 'quote.sent'), 'a documented type the export does not need is ignored, not quarantined');
  } finally {
    e2e.paperless.behaviours.pollHonoursTypeFilter = true;
  }
});

test('an order listed as new that answers 404 ends in needs-attention alone; the next order is exported', async () => {
  const missing = next++;
  await e2e.paperless.addOrder({ ...generateOrder(4000 + missing, { number: missing }), number: missing });
  e2e.paperless.faults.set([{ endpoint: `GET /orders/public/${missing}`, random: [{ probability: 1, fault: { kind: 'status', status: 404, body: 'Error: Not Found' } }] }]);
  try {
    const { run } = await passAfter('order 404');
    assert.equal(run.code, 1, 'exit 1: one order needs attention');
    const store = await e2e.store();
    const job = (await store.findJob('order-export', 'shop', String(missing)))!;
    assert.equal(job.state, 'needs-attention');
    assert.equal(job.lastError?.code, 'paperless.order_not_found');
  } finally {
    e2e.paperless.faults.clear();
  }
});

test('an order that fails validation ends in needs-attention alone, naming the order; the next order is exported', async () => {
  const bad = next++;
  await e2e.paperless.addOrder(generateBadOrder(77, bad, 'cycle').order);
  const { run } = await passAfter('invalid order');
  assert.equal(run.code, 1);
  const job = (await (await e2e.store()).findJob('order-export', 'shop', String(bad)))!;
  assert.equal(job.state, 'needs-attention');
  assert.match(job.lastError?.message ?? '', new RegExp(`order ${bad}\\b`));
});

test('quarantined records are acknowledged: the next pass fetches and handles none of them again', async () => {
  const store = await e2e.store();
  const before = await store.countQuarantined();
  const run = await e2e.cli(['sync', '--json']);
  assert.notEqual(run.code, 2, run.stderr);
  assert.deepEqual(await store.countQuarantined(), before);
  assert.deepEqual(await store.unhandledEvents('shop'), [], 'nothing waits in the inbox');
  const status = await e2e.cli(['status']);
  assert.match(status.stdout, /set aside by discovery \(quarantined, \d+ in all/);
  assert.match(status.stdout, /action-without-order/);
});
