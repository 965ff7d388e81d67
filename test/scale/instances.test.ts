/**
 * Three `run` processes of one config file on one PostgreSQL, against the emulators on loopback,
 * the way an operator scales out (docs/scaling.md):
 * - every order is exported once: one job per order, one quote and sales order per external key;
 * - discovery runs on one process at a time: one process took the duty, the others never ran it;
 *   when that process is killed, one other takes it and orders added afterwards are still found;
 * - the Cetec tenant's concurrency limit (4) holds across the three processes together: the
 *   emulator never sees more than 4 calls in flight (each process alone would allow 4).
 * Skipped without PostgreSQL (SHOPWIRE_TEST_PG_URL, written to .shopwire/test-env by
 * scripts/system-deps.sh).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import type { Store } from '../../src/store/store.ts';
import { plannedOrders } from '../e2e/expected-cetec.ts';
import { allJobs, configFor, killHard, startE2E, stopHub, until, variantOrders, withoutVariants, type E2E, type HubProcess } from '../e2e/harness.ts';
import { dropSchema, freshSchemaName } from '../store/pg-schema.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;
const ORDERS = 60;
const LATER = 6;
const CONCURRENCY = 4;
const INSTANCES = 3;
/** What a process logs when it takes the discovery duty (src/engine/duty.ts). */
const HOLDS = /this process now holds the duty|took over the duty from a process/;

/**
 * One job per order, each done (the emulator's seeded on-hold and cancelled orders skipped); one
 * quote and one sales order per external key; nothing else in Cetec.
 */
async function assertExactlyOnce(e2e: E2E, store: Store): Promise<void> {
  const every = await allJobs(store);
  assert.deepEqual(every.map((j) => Number(j.key)).sort((a, b) => a - b), [...e2e.paperless.state.orders.keys()].sort((a, b) => a - b), 'one job per order');
  const jobs = withoutVariants(e2e, every);
  const numbers = jobs.map((j) => Number(j.key)).sort((a, b) => a - b);
  for (const n of numbers) {
    const job = jobs.find((j) => j.key === String(n))!;
    assert.equal(job.state, 'done', `order ${n}: ${job.state} ${JSON.stringify(job.lastError)}`);
    const key = plannedOrders(e2e.planOf(n))[0]!.external_key;
    assert.equal(e2e.cetec.state.quotesByExternalKey(key).length, 1, `order ${n}: quotes with external key ${key}`);
    assert.equal(e2e.cetec.state.ordersByExternalKey(key).length, 1, `order ${n}: sales orders with external key ${key}`);
  }
  assert.equal(e2e.cetec.state.quotes().length, numbers.length, 'no other quotes');
}

describe('several run processes on one PostgreSQL', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: run scripts/system-deps.sh, then npm test' : false }, () => {
  test(`${INSTANCES} processes, ${ORDERS} orders, Cetec concurrency ${CONCURRENCY}: exported once, discovery on one process at a time, the tenant's limit held across all`, async () => {
    // Every Cetec call takes 40 ms, so calls of different processes overlap.
    const latency = { random: [{ probability: 1, fault: { kind: 'latency' as const, ms: 40 } }] };
    const e2e = await startE2E({
      cetec: { faults: { seed: 14, rules: [{ endpoint: '* /api/*', ...latency }, { endpoint: 'POST /importjson/quotes', ...latency }] } },
      paperless: { orders: [], generated: { seed: 14, count: ORDERS } },
    });
    const schema = freshSchemaName();
    const config = configFor(e2e.cetec.url, e2e.paperless.url, { cetec: { concurrency: CONCURRENCY } });
    // One file for every process: the store, and short leases (defaults: 30 s discovery, 60 s jobs).
    writeFileSync(e2e.configPath, stringify({ ...config, store: { postgres: { urlEnv: 'SHOPWIRE_PG_URL', schema } }, worker: { dutyLeaseSeconds: 3, leaseSeconds: 5 } }));
    const env = { SHOPWIRE_PG_URL: url!, SHOPWIRE_LOG_LEVEL: 'info' };
    const store = openPostgresStore({ url: url!, schema });
    const hubs: HubProcess[] = [];
    try {
      for (let i = 0; i < INSTANCES; i++) hubs.push(await e2e.startHub({ env, readyTimeoutMs: 60_000 }));
      await store.migrate();
      await until('every order to be exported', async () => {
        const jobs = await allJobs(store);
        const skipped = variantOrders(e2e).map(String);
        return jobs.length === ORDERS + skipped.length && jobs.every((j) => (skipped.includes(j.key) ? j.state === 'cancelled' : j.state === 'done' || j.state === 'needs-attention'));
      }, 120_000, 200);
      await assertExactlyOnce(e2e, store);

      const holders = hubs.filter((h) => HOLDS.test(h.stderr()));
      assert.equal(holders.length, 1, `one process took the discovery duty; took it: ${holders.map((h) => h.pid).join(', ')}`);
      const peak = e2e.cetec.load().peak;
      assert.ok(peak <= CONCURRENCY, `Cetec saw ${peak} calls in flight at once; the tenant's limit is ${CONCURRENCY}`);
      process.stdout.write(`# ${INSTANCES} processes: ${ORDERS} orders, ${e2e.cetec.load().calls} Cetec calls, peak ${peak} in flight (limit ${CONCURRENCY})\n`);

      // The holder dies: one of the others takes discovery over, and orders added now are found.
      const holder = holders[0]!;
      await killHard(holder);
      const template = structuredClone(e2e.paperless.state.orders.get(Math.min(...e2e.paperless.state.orders.keys()))!.doc) as Record<string, unknown>;
      delete template.number;
      for (let i = 0; i < LATER; i++) await e2e.paperless.addOrder(template);
      await until('the orders added after the kill to be exported', async () => {
        const jobs = await allJobs(store);
        const skipped = variantOrders(e2e).map(String);
        return jobs.length === ORDERS + LATER + skipped.length && jobs.every((j) => (skipped.includes(j.key) ? j.state === 'cancelled' : j.state === 'done' || j.state === 'needs-attention'));
      }, 120_000, 200);
      await assertExactlyOnce(e2e, store);
      const survivors = hubs.filter((h) => h !== holder);
      assert.equal(survivors.filter((h) => HOLDS.test(h.stderr())).length, 1, 'one of the other processes took discovery over');
      assert.ok(e2e.cetec.load().peak <= CONCURRENCY, `Cetec saw ${e2e.cetec.load().peak} calls in flight at once`);
      for (const hub of survivors) assert.equal((await stopHub(hub)).code, 0, hub.stderr().slice(-2000));
    } finally {
      for (const hub of hubs) await killHard(hub);
      await store.close();
      await e2e.close();
      await dropSchema(url!, schema);
    }
  });
});
