/**
 * Failover (issue 14): three `run` processes of one config file on one PostgreSQL export 500 orders
 * of 20 shops while one process after another is SIGKILLed at seeded random moments and restarted
 * or not. What must hold, and is asserted:
 * - nothing doubled: one job per order, and at each shop's Cetec tenant one quote and (when the
 *   order is placed) one sales order per external key, nothing else;
 * - nothing lost: every job done, except where the tenant leaves an import's outcome unknowable
 *   (below), where it ends in needs-attention with `engine.import_outcome_unknown`, never in a
 *   second order;
 * - a killed process's running jobs are finished by the others within the job lease plus a
 *   generous margin (the figures are printed).
 *
 * The shops' Cetec tenants differ in what a reused external key does (emulators/cetec/behaviours.ts
 * `duplicateExternalKey`), each established by the self-test as an operator would:
 * - `reject` and `return-existing`: an import cut off by the kill is sent again; the tenant refuses
 *   or answers the existing order, so it can never create a second one: every job ends done;
 * - `allow` with the order lookup established: the hub looks the key up (after the cut-off call
 *   can no longer land) and sends only if absent: every job ends done;
 * - `allow` without a lookup: sending again could create a second order, so an import cut off by
 *   a kill ends in needs-attention (a person checks Cetec); the order exists at most once.
 *
 * Reproduce a failing run with SHOPWIRE_FAILOVER_SEED=<the printed seed>.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CetecBehaviours } from '../../emulators/cetec/behaviours.ts';
import { seededRandom } from '../../src/lib/random.ts';
import type { JobRecord } from '../../src/store/store.ts';
import { plannedOrders } from '../e2e/expected-cetec.ts';
import { everyJob, FINISHED, killHub, sleep, startCluster, stopHub, type Hub, type ProfileSpec, type TenantSpec } from './cluster.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;
const PROFILES = 20;
const ORDERS = 500;
const INSTANCES = 3;
const KILLS = 4;
/** Short, so that CI sees failover quickly; SHOPWIRE_FAILOVER_LEASE=15 measures the default lease. */
const LEASE_SECONDS = Number(process.env.SHOPWIRE_FAILOVER_LEASE || 6);
/**
 * Generous: the lease, the settle time of an import cut off mid-call (2 × timeout + 5 s), the
 * retry pauses, and a loaded machine (32.5 s was seen at a load average of 20 on 2 cores).
 */
const RESUME_LIMIT_MS = LEASE_SECONDS * 1000 + 90_000;

type Kind = { name: string; behaviours: Partial<CetecBehaviours>; unknownOutcomeAllowed: boolean };
const KINDS: Kind[] = [
  { name: 'reject', behaviours: { duplicateExternalKey: 'reject', orderLookup: false }, unknownOutcomeAllowed: false },
  { name: 'return-existing', behaviours: { duplicateExternalKey: 'return-existing', orderLookup: false }, unknownOutcomeAllowed: false },
  { name: 'allow + lookup', behaviours: { duplicateExternalKey: 'allow', orderLookup: true }, unknownOutcomeAllowed: false },
  { name: 'allow, no lookup', behaviours: { duplicateExternalKey: 'allow', orderLookup: false }, unknownOutcomeAllowed: true },
];

const placed = (o: { place_order?: unknown }): boolean => o.place_order === true || o.place_order === 1 || o.place_order === 'true' || o.place_order === '1';

describe('failover: SIGKILL of run processes on one PostgreSQL', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: run scripts/system-deps.sh, then npm test' : false }, () => {
  test(`${INSTANCES} processes, ${ORDERS} orders of ${PROFILES} shops, ${KILLS} kills: nothing doubled, nothing lost, a dead process's jobs resumed`, async () => {
    const seed = Number(process.env.SHOPWIRE_FAILOVER_SEED ?? Math.floor(Math.random() * 1_000_000));
    process.stdout.write(`# failover seed ${seed} (SHOPWIRE_FAILOVER_SEED=${seed} repeats the kill schedule)\n`);
    const random = seededRandom(seed);
    const tenants: TenantSpec[] = [];
    const profiles: ProfileSpec[] = [];
    for (let i = 0; i < PROFILES; i++) {
      tenants.push({ behaviours: KINDS[i % KINDS.length]!.behaviours, latencyMs: 15, concurrency: 4, establish: true });
      profiles.push({ name: `shop${String(i).padStart(2, '0')}`, tenant: i, orders: ORDERS / PROFILES, seed: 1000 + i * 100 });
    }
    const kindOf = (profile: string): Kind => KINDS[profiles.findIndex((p) => p.name === profile) % KINDS.length]!;
    const cluster = await startCluster({
      postgresUrl: url!,
      tenants,
      profiles,
      worker: { concurrency: 8, leaseSeconds: LEASE_SECONDS, dutyLeaseSeconds: 3 },
      cetecTimeoutMs: 2_000,
    });
    const { store } = cluster;
    try {
      // The self-test established each tenant's behaviour: the premise of this test.
      for (const p of profiles) {
        const facts = (await store.getTenantFacts(p.name, 'cetec'))?.facts as { reusedKey?: { behaviour?: string }; orderLookup?: { established?: boolean } } | undefined;
        const kind = kindOf(p.name);
        assert.equal(facts?.reusedKey?.behaviour, kind.behaviours.duplicateExternalKey, `${p.name}: established reuse behaviour`);
        assert.equal(facts?.orderLookup?.established === true, kind.behaviours.orderLookup, `${p.name}: lookup established`);
      }

      const hubs: Hub[] = [];
      for (let i = 0; i < INSTANCES; i++) hubs.push(await cluster.startHub());
      const alive = (): Hub[] => hubs.filter((h) => h.child.exitCode === null && h.child.signalCode === null);
      const unfinished = async (): Promise<number> => {
        const all = await everyJob(store);
        return all.filter((j) => !FINISHED.has(j.state)).length + ORDERS - all.length;
      };

      // Kills at random moments while jobs are running; each killed process restarted or not.
      const orphans: Array<{ kill: number; at: number; jobs: string[] }> = [];
      const schedule: string[] = [];
      const started = Date.now();
      for (let k = 0; k < KILLS; k++) {
        await sleep(1_000 + random() * 4_000);
        if ((await unfinished()) === 0) break;
        const candidates = alive();
        if (candidates.length < 2) {
          hubs.push(await cluster.startHub());
          schedule.push(`+${((Date.now() - started) / 1000).toFixed(1)} s: started a process (one alive)`);
          continue;
        }
        const victim = candidates[Math.floor(random() * candidates.length)]!;
        await killHub(victim);
        const at = Date.now();
        const running = (await everyJob(store)).filter((j) => j.state === 'running' && j.leaseOwner?.startsWith(victim.ownerPrefix));
        orphans.push({ kill: k, at, jobs: running.map((j) => j.id) });
        const restart = random() < 0.5;
        schedule.push(`+${((at - started) / 1000).toFixed(1)} s: SIGKILL pid ${victim.pid} with ${running.length} jobs running${restart ? ', restarted' : ''}`);
        if (restart) hubs.push(await cluster.startHub());
      }
      process.stdout.write(`# kills: ${schedule.join('; ')}\n`);

      let jobs: JobRecord[] = [];
      const deadline = Date.now() + 600_000;
      for (;;) {
        jobs = await everyJob(store);
        if (jobs.length >= ORDERS && jobs.every((j) => FINISHED.has(j.state))) break;
        if (Date.now() > deadline) {
          const stuck = jobs.filter((j) => !FINISHED.has(j.state)).slice(0, 5).map((j) => `${j.profile}/${j.key} ${j.state} ${JSON.stringify(j.lastError)}`);
          assert.fail(`not every order was exported within 600 s: ${jobs.length} jobs, e.g. ${stuck.join('; ')}`);
        }
        await sleep(250);
      }
      const seconds = (Date.now() - started) / 1000;

      // Nothing doubled, nothing lost.
      const byId = new Map(jobs.map((j) => [j.id, j]));
      const orphaned = new Set(orphans.flatMap((o) => o.jobs));
      let attention = 0;
      for (const p of profiles) {
        const emulator = cluster.tenantOf(p.name);
        const kind = kindOf(p.name);
        const numbers = [...cluster.paperless.get(p.name)!.state.orders.keys()].sort((a, b) => a - b);
        const mine = jobs.filter((j) => j.profile === p.name);
        assert.deepEqual(mine.map((j) => Number(j.key)).sort((a, b) => a - b), numbers, `${p.name}: one job per order`);
        let keys = 0;
        for (const n of numbers) {
          const job = mine.find((j) => j.key === String(n))!;
          const [order] = plannedOrders(cluster.planOf(p.name, n));
          const key = order!.external_key;
          const quotes = emulator.state.quotesByExternalKey(key).length;
          const orders = emulator.state.ordersByExternalKey(key).length;
          const where = `${p.name} (${kind.name}) order ${n}, key ${key}`;
          if (job.state === 'done') {
            assert.equal(quotes, 1, `${where}: done, quotes in Cetec`);
            assert.equal(orders, placed(order!) ? 1 : 0, `${where}: done, sales orders in Cetec`);
          } else {
            assert.equal(job.state, 'needs-attention', `${where}: ${job.state}`);
            assert.ok(kind.unknownOutcomeAllowed, `${where}: needs-attention on a tenant where the outcome can be established: ${JSON.stringify(job.lastError)}`);
            assert.equal(job.lastError?.code, 'engine.import_outcome_unknown', `${where}: ${JSON.stringify(job.lastError)}`);
            assert.ok(quotes <= 1 && orders <= 1, `${where}: never a second order (quotes ${quotes}, orders ${orders})`);
            attention++;
            if (!orphaned.has(job.id)) process.stdout.write(`# ${where}: needs-attention although not running on a killed process (its lease ran out on a live one)\n`);
          }
          keys += quotes;
        }
        assert.equal(emulator.state.quotes().length, keys, `${p.name}: no other quotes in Cetec`);
      }

      // A killed process's running jobs were finished by the others within the lease and a margin.
      const resumed = orphans.flatMap((o) => o.jobs.map((id) => byId.get(id)!.finishedAt! - o.at));
      const worst = resumed.length === 0 ? null : Math.max(...resumed);
      const peaks = cluster.cetec.map((c) => c.load().peak);
      process.stdout.write(
        `# ${ORDERS} orders in ${seconds.toFixed(0)} s; ${jobs.filter((j) => j.state === 'done').length} done, ${attention} needs-attention (outcome unknown, tenants that allow a reused key without a lookup); ` +
          `${resumed.length} jobs of killed processes, finished ${resumed.length === 0 ? '-' : `${(Math.min(...resumed) / 1000).toFixed(1)}–${(worst! / 1000).toFixed(1)} s`} after the kill (lease ${LEASE_SECONDS} s); ` +
          `peak Cetec calls in flight per tenant ${Math.max(...peaks)} (limit 4)\n`,
      );
      if (worst !== null) assert.ok(worst <= RESUME_LIMIT_MS, `a killed process's job was finished ${worst} ms after the kill (lease ${LEASE_SECONDS} s, limit ${RESUME_LIMIT_MS} ms)`);

      for (const hub of alive()) assert.equal((await stopHub(hub)).code, 0, hub.stderr().slice(-2000));
    } finally {
      await cluster.close();
    }
  });
});
