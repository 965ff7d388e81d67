/**
 * The order export end to end: `shopwire sync` (a child process, as cron runs it) discovers the
 * fixture orders 72 and 179 and 30 generated orders in the Paperless Parts emulator and exports
 * them into the Cetec emulator. Cetec must then hold exactly what the real translator's plans
 * describe: every BOM tree and routing, and one quote and sales order per Paperless order with
 * the planned lines, quantities and prices; and nothing else. The emulator's real variants (an
 * on-hold and a cancelled order, a request without a record, a request whose action is gone, an
 * undocumented event type) are met on the way: the two orders are skipped with their reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertDefinitions, assertSalesOrders, plannedOrders } from './expected-cetec.ts';
import { allJobs, PROFILE, startE2E, variantOrders, type E2E } from './harness.ts';

const GENERATED = 30;
let e2e: E2E;

before(async () => {
  e2e = await startE2E({ paperless: { generated: { seed: 1, count: GENERATED } } });
});

after(async () => {
  await e2e?.close();
});

test('sync exports the fixture and generated orders; Cetec holds exactly the planned BOMs, routings, quotes and orders', async () => {
  const all = [...e2e.paperless.state.orders.keys()].sort((a, b) => a - b);
  const skipped = variantOrders(e2e);
  assert.equal(skipped.length, 2, 'the emulator seeds its real variants by default');
  const numbers = all.filter((n) => !skipped.includes(n));
  assert.equal(numbers.length, GENERATED + 2);
  assert.ok(numbers.includes(72) && numbers.includes(179));

  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { discovered: Record<string, number[]>; jobs: Array<{ key: string; state: string; result: { quotes: number[]; orders: number[] } }> };
  assert.deepEqual(out.discovered[PROFILE], all);

  const store = await e2e.store();
  const jobs = await allJobs(store);
  assert.equal(jobs.length, all.length);
  // The on-hold and cancelled orders are skipped with their reason; nothing of them reaches Cetec.
  for (const order of skipped) {
    const job = jobs.find((j) => j.key === String(order));
    assert.equal(job?.state, 'cancelled', `order ${order}`);
    assert.match(job!.lastError?.message ?? '', /on_hold|cancelled/, `order ${order}: the reason names the status`);
  }
  // The request without a record and the request whose action is gone were set aside, not acted on.
  const quarantined = await store.quarantinedEvents({ profile: PROFILE, limit: 50 });
  const reasons = quarantined.map((e) => e.outcome ?? '').join('\n');
  assert.equal(quarantined.length, 2, reasons);
  const v = e2e.paperless.variants!;
  assert.ok(quarantined.some((e) => JSON.stringify(e.body).includes(v.requestWithoutRecord)), reasons);
  assert.ok(quarantined.some((e) => JSON.stringify(e.body).includes(v.missingAction)), reasons);
  const plans = numbers.map((order) => ({ order, plan: e2e.planOf(order) }));
  for (const { order, plan } of plans) {
    const job = jobs.find((j) => j.key === String(order));
    assert.equal(job?.state, 'done', `order ${order}: ${JSON.stringify(job?.lastError)}`);
    const held = assertSalesOrders(e2e.cetec, order, plan);
    // The job reports the numbers Cetec gave.
    const result = job.result as { quotes: number[]; orders: number[] };
    assert.deepEqual(result.quotes, held.map((h) => h.quote), `order ${order}: quote numbers in the job`);
    assert.deepEqual(result.orders, held.flatMap((h) => (h.ordernum === null ? [] : [h.ordernum])), `order ${order}: order numbers in the job`);
  }
  const checked = assertDefinitions(e2e.cetec, plans);
  assert.ok(checked >= numbers.length, `${checked} part definitions checked`);

  // Nothing but the planned orders: no stray or duplicate quotes.
  const plannedKeys = plans.flatMap(({ plan }) => plannedOrders(plan).map((o) => o.external_key)).sort();
  assert.deepEqual(e2e.cetec.state.quotes().map((q) => q.external_key).sort(), plannedKeys);
  assert.equal(new Set(plannedKeys).size, plannedKeys.length, 'external keys are distinct');

  // Exactly one import call per order, and one definition call per planned BOM step.
  const journal = e2e.cetec.journal();
  assert.equal(journal.filter((j) => j.path === '/importjson/quotes').length, numbers.length);
  const bomSteps = plans.reduce((n, { plan }) => n + plan.steps.filter((s) => s.kind === 'partrevisiondefinition').length, 0);
  assert.equal(journal.filter((j) => j.path === '/api/partrevisiondefinition').length, bomSteps);
  assert.ok(journal.every((j) => j.status === 200), 'every Cetec call succeeded');
});

test('a second sync finds nothing new and sends nothing to Cetec', async () => {
  const calls = e2e.cetec.journal().length;
  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { discovered: Record<string, number[]>; jobs: unknown[] };
  assert.deepEqual(out.discovered[PROFILE], []);
  assert.deepEqual(out.jobs, []);
  assert.equal(e2e.cetec.journal().length, calls);
});
