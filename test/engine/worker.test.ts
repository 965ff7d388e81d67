/**
 * Failure classification, backoff, paused profiles and part serialisation, with a small real
 * in-process Cetec port (it keeps BOMs and orders in memory and fails on request).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ShopwireError } from '../../src/lib/errors.ts';
import type { ErrorKind } from '../../src/lib/errors.ts';
import { createPayloadPlanHandler } from '../../src/engine/order-export.ts';
import { UNESTABLISHED } from '../../src/engine/cetec-tenant.ts';
import type { CetecPort } from '../../src/engine/ports.ts';
import { createWorker } from '../../src/engine/worker.ts';
import type { Store } from '../../src/store/store.ts';
import type { Plan } from '../../src/translate/plan.ts';
import { orderPlan, tempStore, testClock } from './helpers.ts';
import type { TestClock } from './helpers.ts';

/** An in-memory Cetec: records calls, fails the next calls with the queued errors. */
function memoryCetec() {
  const failures: Error[] = [];
  const orders = new Map<string, number>();
  let inFlight = new Map<string, number>();
  let overlaps = 0;
  const port: CetecPort = {
    async defineBom(node) {
      const n = (inFlight.get(node.prcpart) ?? 0) + 1;
      inFlight.set(node.prcpart, n);
      if (n > 1) overlaps++;
      await new Promise((r) => setTimeout(r, 5));
      inFlight.set(node.prcpart, n - 1);
      const f = failures.shift();
      if (f) throw f;
    },
    async importOrders(list) {
      const f = failures.shift();
      if (f) throw f;
      for (const o of list) orders.set(o.external_key, 5000 + orders.size);
      return { quotes: list.map((_, i) => 1000 + i), orders: list.map((o) => orders.get(o.external_key)!), success: 1 };
    },
  };
  return {
    port,
    orders,
    fail: (e: Error) => failures.push(e),
    overlaps: () => overlaps,
    reset: () => {
      inFlight = new Map();
    },
  };
}

const err = (kind: ErrorKind, message: string, where?: string) =>
  new ShopwireError(message, { code: `test.${kind}`, kind, ...(where ? { where } : {}) });

describe('worker: failures, retries, pauses, part locks', () => {
  let clock: TestClock;
  let store: Store;
  let cleanup: () => Promise<void>;
  let cetec: ReturnType<typeof memoryCetec>;
  let plans: Record<string, Plan>;

  beforeEach(async () => {
    clock = testClock();
    ({ store, cleanup } = await tempStore(clock));
    cetec = memoryCetec();
    plans = {};
  });
  afterEach(() => cleanup());

  const worker = (opts: { concurrency?: number; maxAttempts?: number; prepare?: () => Plan } = {}) =>
    createWorker({
      store,
      workerId: 'w',
      concurrency: opts.concurrency ?? 1,
      leaseMs: 30_000,
      clock: clock.read,
      random: () => 1,
      retry: { maxAttempts: opts.maxAttempts ?? 3, baseDelayMs: 1_000, maxDelayMs: 10_000 },
      handlers: {
        'order-export': createPayloadPlanHandler({
          cetec: () => cetec.port,
          translate: (_p, job) => (opts.prepare ? opts.prepare() : (plans[job.key] ?? orderPlan(job.key))),
          tenant: async () => UNESTABLISHED,
        }),
      },
    });
  const enqueue = async (key: string) => (await store.enqueueJob({ flow: 'order-export', profile: 'prod', key, trigger: { kind: 'cli' } })).job;

  it('a data error needs attention at once, with the order, item and component in the message', async () => {
    const job = await enqueue('179');
    await worker({
      prepare: () => {
        throw err('data', 'material "Unobtainium" has no Cetec raw part mapping', 'order 179 › item 0 › component 114390 › material');
      },
    }).runOnce();
    const after = (await store.getJob(job.id))!;
    assert.equal(after.state, 'needs-attention');
    assert.equal(after.attempts, 1);
    assert.equal(after.lastError?.where, 'order 179 › item 0 › component 114390 › material');
    assert.match(after.lastError!.message, /Unobtainium/);
  });

  it('a transient error retries with growing delays, then needs attention when attempts run out', async () => {
    const job = await enqueue('180');
    for (let i = 0; i < 3; i++) cetec.fail(err('transient', 'Cetec unavailable (503)'));
    const w = worker({ maxAttempts: 3 });
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      await w.runOnce();
      const j = (await store.getJob(job.id))!;
      assert.equal(j.state, 'retrying');
      delays.push(j.nextAttemptAt - clock.now);
      clock.advance(j.nextAttemptAt - clock.now);
    }
    assert.deepEqual(delays, [1_000, 2_000], 'random 1 → the full ceiling: 1 s, then 2 s');
    await w.runOnce();
    const last = (await store.getJob(job.id))!;
    assert.equal(last.state, 'needs-attention');
    assert.match(last.lastError!.message, /gave up after 3 attempts/);
    assert.equal(cetec.orders.size, 0);
  });

  it('an auth error pauses the profile with the reason and puts the job back; resuming runs it', async () => {
    const job = await enqueue('181');
    cetec.fail(err('auth', 'Cetec refused the preshared token'));
    const w = worker();
    await w.runOnce();
    const paused = await store.getProfile('prod');
    assert.equal(paused.paused, true);
    assert.match(paused.pausedReason!, /credentials refused.*Cetec refused the preshared token/);
    const back = (await store.getJob(job.id))!;
    assert.equal(back.state, 'pending');
    assert.equal(back.attempts, 0);
    assert.equal(await w.runOnce(), 0, 'nothing runs while the profile is paused');
    await store.updateProfile('prod', { paused: false });
    await w.runOnce();
    assert.equal((await store.getJob(job.id))!.state, 'done');
  });

  it('unreadable stored plan → needs attention, nothing sent', async () => {
    const job = await enqueue('182');
    const claimed = (await store.claimJob('x', 1_000))!;
    await store.savePlan(claimed.id, 'x', { steps: [{ kind: 'importjson', body: [] }] }, []);
    await store.finishJob(claimed.id, 'x', { state: 'pending', countAttempt: false });
    await worker().runOnce();
    const after = (await store.getJob(job.id))!;
    assert.equal(after.state, 'needs-attention');
    assert.equal(after.lastError?.code, 'engine.stored_plan_invalid');
    assert.equal(cetec.orders.size, 0);
  });

  it('orders sharing a top-level part never run at the same time; others do', async () => {
    plans['1'] = orderPlan('1', 'PRT SHARED');
    plans['2'] = orderPlan('2', 'PRT SHARED');
    plans['3'] = orderPlan('3', 'PRT OTHER');
    for (const k of ['1', '2', '3']) await enqueue(k);
    const ended = await worker({ concurrency: 3 }).runOnce();
    assert.ok(ended >= 3);
    const states = (await store.listJobs({ limit: 10, offset: 0 })).jobs.map((j) => [j.key, j.state]);
    assert.deepEqual(states.sort(), [['1', 'done'], ['2', 'done'], ['3', 'done']]);
    assert.equal(cetec.overlaps(), 0, 'no two BOM definitions of one part overlapped');
    assert.equal(cetec.orders.size, 3);
  });

  it('start() and stop(): runs jobs in the background and stops cleanly', async () => {
    await enqueue('190');
    const w = createWorker({
      store,
      workerId: 'bg',
      idleMs: 5,
      handlers: {
        'order-export': createPayloadPlanHandler({ cetec: () => cetec.port, translate: (_p, job) => orderPlan(job.key), tenant: async () => UNESTABLISHED }),
      },
    });
    w.start();
    for (let i = 0; i < 200 && cetec.orders.size === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await w.stop();
    assert.equal(cetec.orders.size, 1);
  });
});
