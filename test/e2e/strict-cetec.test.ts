/**
 * The emulator's defaults accept whatever production sent; the hub must not lean on that. Here
 * every strict Cetec assumption is switched on (Version header required, revision_text required,
 * null quantities, zero repetitions and unknown ship/terms keys refused, build lines without a
 * definition refused) and `shopwire sync` exports the fixture orders and generated ones: every
 * order is done, exactly once, and Cetec holds what the plans describe.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertDefinitions, assertSalesOrders } from './expected-cetec.ts';
import { allJobs, startE2E, withoutVariants, type E2E } from './harness.ts';

const GENERATED = 20;
let e2e: E2E;

before(async () => {
  e2e = await startE2E({
    cetec: {
      behaviours: {
        requireVersionHeader: true,
        requireRevisionText: true,
        rejectNullQuantity: true,
        acceptZeroRepetitions: false,
        rejectUnknownCodes: true,
        buildLineNeedsDefinition: 'reject',
      },
    },
    paperless: { generated: { seed: 5, count: GENERATED } },
  });
});

after(async () => {
  await e2e?.close();
});

test('under every strict Cetec assumption, every order is exported exactly once as planned', async () => {
  const run = await e2e.cli(['sync', '--json']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const jobs = withoutVariants(e2e, await allJobs(await e2e.store()));
  assert.equal(jobs.length, GENERATED + 2);
  for (const job of jobs) assert.equal(job.state, 'done', `order ${job.key}: ${JSON.stringify(job.lastError)}`);
  const plans = jobs.map((j) => ({ order: Number(j.key), plan: e2e.planOf(Number(j.key)) }));
  assert.ok(assertDefinitions(e2e.cetec, plans) > 0);
  for (const { order, plan } of plans) assert.equal(assertSalesOrders(e2e.cetec, order, plan).length, 1, `order ${order}`);
  assert.equal(e2e.cetec.journal().filter((j) => j.status !== null && j.status >= 400).length, 0, 'no call refused');
});
