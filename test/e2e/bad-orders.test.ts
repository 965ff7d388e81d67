/**
 * Bad orders mixed into a batch: orders with known defects (`generateBadOrder`: money as a float, a
 * BOM cycle, a dangling child, an unmapped operation, an impossible date, a bad part number, ...)
 * numbered before twenty good ones. One `shopwire sync` pass must export every good order, and each
 * bad one must fail alone: needs-attention at once (no retries, nothing sent to Cetec), with a
 * message naming the order and the broken field.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BAD_ORDER_DEFECTS, generateBadOrder, type BadOrder } from '../../emulators/paperless/generate-order.ts';
import { assertSalesOrders } from './expected-cetec.ts';
import { allJobs, startE2E, variantOrders, withoutVariants, type E2E } from './harness.ts';

const GOOD = 20;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const bad: BadOrder[] = BAD_ORDER_DEFECTS.map((d, i) => generateBadOrder(500 + i, i + 1, d.defect));
let e2e: E2E;

before(async () => {
  e2e = await startE2E({
    paperless: { orders: bad.map((b) => b.order), generated: { seed: 900, count: GOOD, startNumber: bad.length + 1 } },
  });
});

after(async () => {
  await e2e?.close();
});

test('each bad order fails alone with its reason; every good order is exported in the same pass', async (t) => {
  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 1, `exit 1: some orders need attention\n${run.stderr}`);
  const store = await e2e.store();
  const everyJob = await allJobs(store);
  assert.equal(everyJob.length, bad.length + GOOD + variantOrders(e2e).length, 'the seeded on-hold and cancelled orders are jobs too');
  const jobs = withoutVariants(e2e, everyJob);
  assert.equal(jobs.length, bad.length + GOOD);

  for (const [i, b] of bad.entries()) {
    const n = i + 1;
    const job = jobs.find((j) => j.key === String(n))!;
    assert.equal(job.state, 'needs-attention', `order ${n} (${b.defect})`);
    assert.equal(job.attempts, 1, `order ${n} (${b.defect}): failed once, not retried`);
    assert.equal(job.lastError?.code, b.code, `order ${n} (${b.defect}): ${job.lastError?.message}`);
    assert.equal(job.lastError?.kind, 'data');
    assert.match(job.lastError!.message, new RegExp(`^order ${n} `), `order ${n} (${b.defect}) is named`);
    // A collision is between two components: the message may name either one's part_number.
    const field = b.defect === 'part-number-collision' ? new RegExp(escape(b.path).replace(/\\\[\d+\\\]/g, '\\[\\d+\\]')) : new RegExp(escape(b.path));
    assert.match(job.lastError!.message, field, `order ${n} (${b.defect}): the message names ${b.path}`);
    assert.deepEqual((await store.listTransfers(job.id)).filter((t) => t.system !== 'paperless'), [], `order ${n} (${b.defect}): nothing sent to Cetec`);
    t.diagnostic(`${b.defect}: ${job.lastError!.message.split('\n').slice(0, 2).join(' ')}`);
  }
  for (let n = bad.length + 1; n <= bad.length + GOOD; n++) {
    const job = jobs.find((j) => j.key === String(n))!;
    assert.equal(job.state, 'done', `good order ${n}: ${JSON.stringify(job.lastError)}`);
    assertSalesOrders(e2e.cetec, n, e2e.planOf(n));
  }
  // The command's own output lists the failures with their reasons.
  const out = JSON.parse(run.stdout) as { jobs: Array<{ key: string; state: string; error: { message: string } | null }> };
  assert.equal(out.jobs.filter((j) => j.state === 'needs-attention').length, bad.length);
  assert.equal(out.jobs.filter((j) => j.state === 'done').length, GOOD);
  assert.equal(e2e.cetec.state.quotes().length, GOOD, 'nothing of a bad order reached Cetec');
});
