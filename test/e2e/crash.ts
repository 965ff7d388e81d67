/**
 * The crash scenario behind crash-*.test.ts: `shopwire run` exporting generated orders is killed
 * with SIGKILL at seeded random moments and restarted each time, then left to finish. What must
 * hold afterwards is checked by `checkExactlyOnce`.
 */
import assert from 'node:assert/strict';
import { seededRandom } from '../../src/lib/random.ts';
import type { JobRecord } from '../../src/store/store.ts';
import { plannedOrders } from './expected-cetec.ts';
import { allJobs, killHard, sleep, startE2E, stopHub, until, variantOrders, type E2E } from './harness.ts';

export type DuplicateKey = 'reject' | 'return-existing' | 'allow';

export type CrashScenario = {
  /** The emulated tenant's answer to a reused external key (the hub learns it from the self-test). */
  duplicateExternalKey: DuplicateKey;
  /** The tenant answers `GET /api/order?external_key=` (the self-test establishes it for the hub). */
  orderLookup: boolean;
  orders: number;
  /** Kills that must land while work is unfinished. */
  kills: number;
  seed: number;
};

export type CrashReport = {
  e2e: E2E;
  jobs: JobRecord[];
  kills: number;
  killsMidWork: number;
  /** Jobs running (leased) at the moment of each kill, summed. */
  runningAtKills: number;
  /** Jobs done when the last kill landed. */
  doneAtLastKill: number;
  /** Time to the last kill, and from the final start until every job had ended. */
  killPhaseMs: number;
  drainMs: number;
  ms: number;
  /**
   * From the Cetec journal: import calls beyond one per quote created (a resend after a proof, or a
   * call cut off by a kill before Cetec acted on it), and order lookups.
   */
  importResends: number;
  lookups: number;
};

const TERMINAL = new Set(['done', 'needs-attention', 'cancelled']);

export async function runCrashScenario(s: CrashScenario): Promise<CrashReport> {
  const started = Date.now();
  const e2e = await startE2E({
    cetec: {
      behaviours: { duplicateExternalKey: s.duplicateExternalKey, orderLookup: s.orderLookup },
      // Every Cetec call takes 20–80 ms, so most kills land while calls are in flight.
      faults: {
        seed: s.seed,
        rules: [
          { endpoint: '* /api/*', random: [{ probability: 0.5, fault: { kind: 'latency', ms: 20 } }, { probability: 0.5, fault: { kind: 'latency', ms: 80 } }] },
          { endpoint: 'POST /importjson/quotes', random: [{ probability: 0.5, fault: { kind: 'latency', ms: 20 } }, { probability: 0.5, fault: { kind: 'latency', ms: 80 } }] },
        ],
      },
    },
    paperless: { orders: [], generated: { seed: s.seed, count: s.orders } },
    // A killed hub's jobs wait out their lease like in production, only a shorter one: the next
    // hub takes them over when it expires (renewed every third of it while a job runs).
    leaseSeconds: 2,
    // The hub relies only on tenant behaviour the self-test established (src/engine/cetec-tenant.ts).
    establish: true,
    profile: {
      cetec: { duplicateExternalKey: s.duplicateExternalKey, orderLookup: s.orderLookup },
      // Each kill costs the jobs it interrupts one attempt; this many are never reached.
      retry: { maxAttempts: 1000, baseDelayMs: 20, maxDelayMs: 200 },
    },
  });
  const random = seededRandom(s.seed);
  const store = await e2e.store();
  const unfinished = async (): Promise<JobRecord[]> => (await allJobs(store)).filter((j) => !TERMINAL.has(j.state));
  let kills = 0;
  let killsMidWork = 0;
  let runningAtKills = 0;
  let drainMs = 0;
  try {
    // Bounded: at most twice the kills asked for, each at most ~0.4 s after the hub is ready.
    while (killsMidWork < s.kills && kills < s.kills * 2) {
      const hub = await e2e.startHub();
      await sleep(100 + Math.floor(random() * 300));
      const jobs = await allJobs(store);
      const open = jobs.length < s.orders + variantOrders(e2e).length || jobs.some((j) => !TERMINAL.has(j.state));
      runningAtKills += jobs.filter((j) => j.state === 'running').length;
      await killHard(hub);
      kills++;
      if (open) killsMidWork++;
    }
    const killPhaseMs = Date.now() - started;
    const doneAtLastKill = (await allJobs(store)).filter((j) => j.state === 'done').length;
    const hub = await e2e.startHub();
    const drainStarted = Date.now();
    try {
      await until(
        'every job to end',
        async () => {
          const jobs = await allJobs(store);
          return jobs.length === s.orders + variantOrders(e2e).length && (await unfinished()).length === 0 ? true : undefined;
        },
        90_000,
        100,
      );
      drainMs = Date.now() - drainStarted;
    } finally {
      const stopped = await stopHub(hub);
      assert.equal(stopped.code, 0, `the hub stops cleanly on SIGTERM:\n${hub.stderr().slice(-2000)}`);
    }
    const journal = e2e.cetec.journal();
    const importResends = journal.filter((j) => j.path === '/importjson/quotes').length - e2e.cetec.state.quotes().length;
    const lookups = journal.filter((j) => j.path === '/api/order').length;
    return { e2e, jobs: await allJobs(store), kills, killsMidWork, runningAtKills, doneAtLastKill, killPhaseMs, drainMs, ms: Date.now() - started, importResends, lookups };
  } catch (error) {
    await e2e.close();
    throw error;
  }
}

/**
 * Exactly once: per Paperless order one job; per external key at most one quote and sales order in
 * Cetec; a done job has its order in Cetec (never done without it). `lost` lists the orders that
 * neither ended done nor were stopped for a person with the "may exist" reason.
 */
export function checkExactlyOnce(report: CrashReport): { done: number; attention: JobRecord[] } {
  const { e2e, jobs } = report;
  const numbers = [...e2e.paperless.state.orders.keys()].sort((a, b) => a - b);
  assert.deepEqual(jobs.map((j) => Number(j.key)).sort((a, b) => a - b), numbers, 'one job per order');
  let done = 0;
  const attention: JobRecord[] = [];
  const skipped = variantOrders(e2e);
  for (const n of numbers) {
    const job = jobs.find((j) => j.key === String(n))!;
    const [planned] = plannedOrders(e2e.planOf(n));
    if (skipped.includes(n)) {
      // The seeded on-hold and cancelled orders: skipped whatever the kills did, never in Cetec.
      assert.equal(job.state, 'cancelled', `order ${n} (${e2e.paperless.state.orders.get(n)!.doc.status}): ended ${job.state}`);
      assert.equal(e2e.cetec.state.quotesByExternalKey(planned!.external_key).length, 0, `order ${n}: skipped but in Cetec`);
      continue;
    }
    const key = planned!.external_key;
    const quotes = e2e.cetec.state.quotesByExternalKey(key);
    const orders = e2e.cetec.state.ordersByExternalKey(key);
    assert.ok(quotes.length <= 1, `order ${n}: ${quotes.length} quotes with external key ${key} (duplicate)`);
    assert.ok(orders.length <= 1, `order ${n}: ${orders.length} sales orders with external key ${key} (duplicate)`);
    if (job.state === 'done') {
      done++;
      assert.equal(quotes.length, 1, `order ${n}: job done but no quote in Cetec`);
      assert.equal(orders.length, 1, `order ${n}: job done but no sales order in Cetec`);
      const result = job.result as { quotes: number[]; orders: number[]; imports: Array<{ numbersKnown: boolean }> };
      if (result.imports.every((i) => i.numbersKnown)) {
        assert.deepEqual(result.quotes, [quotes[0]!.quotenum], `order ${n}: the job's quote number`);
        assert.deepEqual(result.orders, [orders[0]!.ordernum], `order ${n}: the job's order number`);
      }
    } else {
      assert.equal(job.state, 'needs-attention', `order ${n}: ended ${job.state}`);
      attention.push(job);
    }
  }
  // Nothing in Cetec that is not one of these orders.
  assert.equal(e2e.cetec.state.quotes().length, new Set(e2e.cetec.state.quotes().map((q) => q.external_key)).size, 'no duplicate quotes at all');
  return { done, attention };
}
