/**
 * Fairness (issue 14): one shop with 10,000 queued orders must not hold back another shop's single
 * new order. Two `run` processes of one config file on one PostgreSQL; the big shop's 10,000 orders
 * are all queued (one job each) before the small shop places one order, which the processes
 * discover and export. Asserted: the small
 * order is exported while most of the backlog is still waiting (fewer than a fifth of the
 * remaining backlog exported meanwhile; claims in arrival order would export all of it first).
 * The small order's latency unloaded and under the backlog is printed, not asserted (a loaded
 * machine decides timings); `npm run bench:scale` measures the ratio.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobRecord, Store } from '../../src/store/store.ts';
import { until } from '../wait.ts';
import { generatedOrders, jobCounts, killHub, startCluster, stopHub, type Hub } from './cluster.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;
const BACKLOG = 10_000;
const INSTANCES = 2;

const finishedJob = async (store: Store, profile: string, key: string): Promise<JobRecord | undefined> => {
  const job = (await store.listJobs({ profile, text: key, limit: 10, offset: 0 })).jobs.find((j) => j.key === key);
  return job !== undefined && job.finishedAt !== null ? job : undefined;
};

describe('fairness across shops on one PostgreSQL', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: run scripts/system-deps.sh, then npm test' : false }, () => {
  test(`a shop's one new order is exported while another shop's ${BACKLOG} queued orders mostly wait`, async () => {
    const cluster = await startCluster({
      postgresUrl: url!,
      tenants: [
        { latencyMs: 10, concurrency: 4 },
        { latencyMs: 10, concurrency: 4 },
      ],
      profiles: [
        { name: 'big', tenant: 0, orders: 0, seed: 1 },
        { name: 'small', tenant: 1, orders: 0, seed: 2 },
      ],
      worker: { concurrency: 4 },
      logLevel: 'warn',
    });
    const { store } = cluster;
    const hubs: Hub[] = [];
    try {
      // Generated first (seconds of this process's time, while no hub runs yet).
      const backlog = generatedOrders(BACKLOG, 100_000, 1_000_000);
      for (let i = 0; i < INSTANCES; i++) hubs.push(await cluster.startHub());

      // Unloaded: the small shop's order alone.
      const placedAlone = Date.now();
      const alone = String(await cluster.addOrder('small', 7));
      const aloneJob = await until('the small shop\'s first order to be exported', () => finishedJob(store, 'small', alone), 60_000, 100);
      assert.equal(aloneJob.state, 'done', JSON.stringify(aloneJob.lastError));

      for (const hub of hubs.splice(0)) assert.equal((await stopHub(hub)).code, 0, hub.stderr().slice(-2000));

      // The backlog, accumulated while the processes were stopped: 10,000 orders in the big shop,
      // queued as discovery queues them (one job per order) but several at once (discovery enqueues
      // one job per transaction in turn: minutes for 10,000 on a busy 2-core machine).
      const t0 = Date.now();
      await cluster.queueBacklog('big', backlog);
      const queuedMs = Date.now() - t0;
      for (let i = 0; i < INSTANCES; i++) hubs.push(await cluster.startHub());
      // Under the backlog: the small shop's second order.
      const doneBefore = (await jobCounts(store, 'big')).done ?? 0;
      const placedLoaded = Date.now();
      const loaded = String(await cluster.addOrder('small', 8));
      const loadedJob = await until('the small shop\'s order under the backlog to be exported', () => finishedJob(store, 'small', loaded), 120_000, 100);
      const doneAfter = (await jobCounts(store, 'big')).done ?? 0;
      assert.equal(loadedJob.state, 'done', JSON.stringify(loadedJob.lastError));

      const waiting = BACKLOG - doneBefore;
      const meanwhile = doneAfter - doneBefore;
      const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
      process.stdout.write(
        `# small shop's order: unloaded ${s(aloneJob.finishedAt! - placedAlone)} from placing (${s(aloneJob.finishedAt! - aloneJob.createdAt)} from its job), ` +
          `under ${waiting} queued orders of another shop ${s(loadedJob.finishedAt! - placedLoaded)} (${s(loadedJob.finishedAt! - loadedJob.createdAt)}); ` +
          `${meanwhile} of the backlog exported meanwhile (the backlog was queued in ${s(queuedMs)})\n`,
      );
      assert.ok(waiting >= BACKLOG / 2, `the backlog was mostly still queued when the small order was placed (${waiting} of ${BACKLOG})`);
      assert.ok(meanwhile < waiting / 5, `${meanwhile} of the ${waiting} queued orders of the big shop were exported before the small shop's one order`);
    } finally {
      for (const hub of hubs) await killHub(hub);
      await cluster.close();
    }
  });
});
