/**
 * A short Cetec outage (five 503s in a row) opens the Cetec client's circuit breaker for 30 s. While
 * it is open every call fails at once without reaching Cetec, so those failures say nothing about
 * the job: they must not use up its attempts. Expected: the job waits for the circuit to let a probe
 * through and is then delivered. (Found by faults.test.ts, where a 30 % fault rate sent many orders
 * to needs-attention with "circuit open … gave up after 6 attempts" within two seconds; fixed in
 * 6b930d0.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { allJobs, sleep, startE2E, stopHub, until, variantOrders, type E2E, type HubProcess } from './harness.ts';

let e2e: E2E;
let hub: HubProcess | undefined;

before(async () => {
  e2e = await startE2E({
    paperless: { orders: [], generated: { seed: 5, count: 1 } },
    profile: { retry: { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 200 } },
  });
  e2e.cetec.faults.script('POST /api/partrevisiondefinition', Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })));
});

after(async () => {
  if (hub) await stopHub(hub);
  await e2e?.close();
});

test('an open circuit breaker does not use up a job’s attempts; the order is delivered once Cetec is back', async () => {
  hub = await e2e.startHub();
  const store = await e2e.store();
  await until('five failed Cetec calls (the breaker opens)', () => (e2e.cetec.journal().length >= 5 ? true : undefined), 20_000);
  // Cetec is healthy again from here on; the breaker stays open for its 30 s.
  await sleep(3_000);
  // The generated order's job (the emulator's seeded on-hold and cancelled orders are skipped by the hub).
  const ours = async () => (await allJobs(store)).find((j) => !variantOrders(e2e).includes(Number(j.key)));
  const job = await ours();
  assert.ok(job, 'the order was discovered');
  assert.notEqual(
    job.state,
    'needs-attention',
    `the job gave up while the circuit was open: attempts ${job.attempts}, ${job.lastError?.message}`,
  );
  const done = await until('the order to be delivered', async () => {
    const j = await ours();
    return j?.state === 'done' || j?.state === 'needs-attention' ? j : undefined;
  }, 45_000, 200);
  assert.equal(done.state, 'done', JSON.stringify(done.lastError));
});
