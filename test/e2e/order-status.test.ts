/**
 * Only orders in an exported status reach Cetec, and orders that change after their export are
 * noticed, never acted on in Cetec without the operator. One environment, `shopwire sync` passes
 * in sequence (the real CLI over HTTP against both emulators):
 * 1. a pending, an on-hold and a cancelled order: only the pending one is exported; the others are
 *    skipped (cancelled jobs) with their reason, nothing of them in Cetec;
 * 2. the on-hold order is confirmed (`order.status_changed`): the next pass exports it;
 * 3. an exported order is cancelled in Paperless: its job goes to needs-attention saying to cancel
 *    the sales order in Cetec; Cetec is not touched;
 * 4. an exported order is edited without any event: the periodic re-check notices and says what changed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateOrder } from '../../emulators/paperless/generate-order.ts';
import { plannedOrders } from './expected-cetec.ts';
import { startE2E, type E2E } from './harness.ts';

const INTEGRATION = '712f4343-a29c-4263-be38-3c1694f53439';
let e2e: E2E;

const order = (number: number, status: string) => ({ ...generateOrder(5200 + number, { number }), number, status });

before(async () => {
  e2e = await startE2E({
    paperless: { integrationUuid: INTEGRATION, orders: [order(1, 'pending'), order(2, 'on_hold'), order(3, 'cancelled'), order(4, 'confirmed')] },
    profile: { paperless: { integrationUuid: INTEGRATION }, discovery: { newOrders: true, integrationActions: true, recheckDays: 14, recheckPerPass: 10 } },
  });
});

after(async () => {
  await e2e?.close();
});

function inCetec(number: number): boolean {
  const key = plannedOrders(e2e.planOf(number))[0]!.external_key;
  return e2e.cetec.state.quotesByExternalKey(key).length > 0;
}

async function job(number: number) {
  return (await (await e2e.store()).findJob('order-export', 'shop', String(number)))!;
}

test('only orders in an exported status are exported; the others are skipped with their reason', async () => {
  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 0, `skipped orders are not failures\n${run.stderr}`);
  assert.ok(inCetec(1), 'pending order exported');
  assert.ok(inCetec(4), 'confirmed order exported');
  for (const [n, status] of [[2, 'on_hold'], [3, 'cancelled']] as const) {
    assert.equal(inCetec(n), false, `order ${n} (${status}) must not reach Cetec`);
    const j = await job(n);
    assert.equal(j.state, 'cancelled');
    assert.equal(j.lastError?.code, 'paperless.order_not_exportable');
    assert.match(j.lastError?.message ?? '', new RegExp(`order ${n} is "${status}".*exports orders in status pending, confirmed, in_process`));
  }
});

/** An order placed later, numbered past the emulator's seeded variant orders (which follow orders 1–4). */
const LATE = 10;

test('the sales order number is written back to the Paperless order (erp_code); a failed write-back heals on a later pass', async () => {
  for (const n of [1, 4]) {
    const key = plannedOrders(e2e.planOf(n))[0]!.external_key;
    const [quote] = e2e.cetec.state.quotesByExternalKey(key);
    assert.equal(e2e.paperless.state.orders.get(n)!.doc.erp_code, String(quote!.ordernum), `order ${n}`);
  }
  await e2e.paperless.addOrder(order(LATE, 'pending'));
  e2e.paperless.faults.set([{ endpoint: `PATCH /orders/public/${LATE}`, random: [{ probability: 1, fault: { kind: 'status', status: 503 } }] }]);
  try {
    const run = await e2e.cli(['sync', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(inCetec(LATE));
    assert.equal(e2e.paperless.state.orders.get(LATE)!.doc.erp_code, undefined, 'the write-back failed');
  } finally {
    e2e.paperless.faults.clear();
  }
  const again = await e2e.cli(['sync', '--json']);
  assert.equal(again.code, 0, again.stderr);
  const [quote] = e2e.cetec.state.quotesByExternalKey(plannedOrders(e2e.planOf(LATE))[0]!.external_key);
  assert.equal(e2e.paperless.state.orders.get(LATE)!.doc.erp_code, String(quote!.ordernum), 'written by the re-check');
  const done = await job(LATE);
  assert.equal(done.state, 'done', 'the job was done all along');
  // Both write-backs are among the job's transfers: the failed one in its run, the healing one after it.
  const writes = (await (await e2e.store()).listTransfers(done.id)).filter((t) => t.endpoint === 'orders.set_erp_code');
  assert.deepEqual(writes.map((t) => t.status), [503, 503, 503, 200], JSON.stringify(writes.map((t) => [t.status, t.outcome])));
  assert.ok(writes.every((t) => t.run === 1 && t.execution === done.executions));
});

test('a skipped order whose status changes to an exported one is exported on the next pass', async () => {
  await e2e.paperless.setOrderStatus(2, 'confirmed');
  const run = await e2e.cli(['sync', '--json']);
  assert.notEqual(run.code, 2, run.stderr);
  assert.ok(inCetec(2), 'order 2 exported once confirmed');
  assert.equal((await job(2)).state, 'done');
  assert.equal(inCetec(3), false, 'the cancelled order stays out');
});

test('an exported order cancelled in Paperless lands in needs-attention saying what to do in Cetec; Cetec is not touched', async () => {
  const cetecBefore = JSON.stringify([e2e.cetec.state.quotes(), e2e.cetec.state.orders(), e2e.cetec.state.parts()]);
  await e2e.paperless.setOrderStatus(1, 'cancelled');
  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 1, `exit 1: an order needs attention\n${run.stderr}`);
  const j = await job(1);
  assert.equal(j.state, 'needs-attention');
  assert.equal(j.lastError?.code, 'paperless.order_changed_after_export');
  assert.match(j.lastError?.message ?? '', /order 1 is now "cancelled" in Paperless Parts/);
  assert.match(j.lastError?.message ?? '', /cancel sales order \d+ .*in Cetec/);
  assert.match(j.lastError?.message ?? '', /Nothing was changed in Cetec/);
  assert.equal(JSON.stringify([e2e.cetec.state.quotes(), e2e.cetec.state.orders(), e2e.cetec.state.parts()]), cetecBefore, 'Cetec holds exactly what it held before');
});

test('an exported order edited without any event is noticed by the periodic re-check, naming what changed', async () => {
  e2e.paperless.changeOrder(4, (doc) => {
    const item = (doc.order_items as { quantity: number }[])[0]!;
    item.quantity += 2;
  });
  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 1, run.stderr);
  const j = await job(4);
  assert.equal(j.state, 'needs-attention');
  assert.equal(j.lastError?.code, 'paperless.order_changed_after_export');
  assert.match(j.lastError?.message ?? '', /changed in Paperless Parts \(periodic re-check/);
  assert.match(j.lastError?.message ?? '', /qty: \d+ → \d+/);
  // Flagged once: the next pass does not flag or export it again.
  const again = await e2e.cli(['sync', '--json']);
  assert.notEqual(again.code, 2);
  assert.equal((await job(4)).updatedAt, j.updatedAt);
});
