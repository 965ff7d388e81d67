/**
 * Plan execution against the Cetec emulator over HTTP, with the real Cetec client and a real
 * SQLite file: checkpoints, resume after a crash, and the sales order import whose answer was lost,
 * under each tenant behaviour for a reused external key, and with a lookup.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { startCetecEmulator } from '../../emulators/cetec/server.ts';
import type { CetecEmulator } from '../../emulators/cetec/server.ts';
import { cetecPort } from '../../src/engine/ports.ts';
import type { CetecPort, DuplicateKeyBehaviour } from '../../src/engine/ports.ts';
import { runPlan } from '../../src/engine/run-plan.ts';
import { UNESTABLISHED } from '../../src/engine/cetec-tenant.ts';
import type { CetecTenantBehaviour } from '../../src/engine/cetec-tenant.ts';
import { resolveImport } from '../../src/engine/resolve-import.ts';
import { createPayloadPlanHandler } from '../../src/engine/order-export.ts';
import { createWorker } from '../../src/engine/worker.ts';
import type { Store } from '../../src/store/store.ts';
import { createCetecClient } from '../../src/systems/cetec/client.ts';
import type { CetecClient } from '../../src/systems/cetec/client.ts';
import type { CetecImportOrder } from '../../src/systems/cetec/schemas.ts';

type CetecImportOrderList = CetecImportOrder[];
import { orderPlan, tempStore, testClock } from './helpers.ts';
import type { TestClock } from './helpers.ts';

const TOKEN = 'engine-test-token';
const LEASE = 30_000;

/** Thrown to stand for the process dying at that point: nothing after it runs. */
class SimulatedCrash extends Error {}

/** The store as seen by a process that is dying: once `crashed.now`, no write reaches the database. */
function dying(store: Store, crashed: { now: boolean }): Store {
  return {
    ...store,
    markStep: async (...args) => {
      if (crashed.now) throw new SimulatedCrash('no writes after the crash');
      return store.markStep(...args);
    },
  };
}

describe('runPlan with the Cetec emulator', () => {
  let emu: CetecEmulator;
  let client: CetecClient;
  let clock: TestClock;
  let store: Store;
  let reopen: () => Promise<Store>;
  let cleanup: () => Promise<void>;

  before(async () => {
    emu = await startCetecEmulator({ tokens: [TOKEN] });
    client = createCetecClient({
      baseUrl: emu.url,
      token: TOKEN,
      timeoutMs: 2_000,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 100 },
      breaker: false,
    });
  });
  after(async () => {
    await client.close();
    await emu.close();
  });
  beforeEach(async () => {
    emu.reset();
    emu.faults.set([]);
    clock = testClock();
    ({ store, reopen, cleanup } = await tempStore(clock));
  });
  afterEach(() => cleanup());

  const port = (_lookup: boolean): CetecPort => cetecPort(client);
  const tenant = (behaviour: DuplicateKeyBehaviour, lookup: boolean): CetecTenantBehaviour => ({ orderLookup: lookup, duplicateExternalKey: behaviour });

  /** A worker whose handler returns the given plan (as a design-import would, from its payload). */
  const worker = (s: Store, behaviour: DuplicateKeyBehaviour, lookup: boolean, id = 'w1') =>
    createWorker({
      store: s,
      workerId: id,
      leaseMs: LEASE,
      clock: clock.read,
      random: () => 0.5,
      retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      handlers: {
        'order-export': createPayloadPlanHandler({
          cetec: () => port(lookup),
          translate: (_payload, job) => orderPlan(job.key),
          tenant: async () => tenant(behaviour, lookup),
        }),
      },
    });

  const enqueue = (key: string) => store.enqueueJob({ flow: 'order-export', profile: 'prod', key, trigger: { kind: 'cli' } });

  it('runs a plan to done with the Cetec numbers, one sales order', async () => {
    const { job } = await enqueue('179');
    assert.equal(await worker(store, 'unknown', false).runOnce(), 1);
    const done = (await store.getJob(job.id))!;
    assert.equal(done.state, 'done');
    const orders = emu.state.ordersByExternalKey('prod-179');
    assert.equal(orders.length, 1);
    assert.deepEqual((done.result as { orders: number[] }).orders, [orders[0]!.ordernum]);
    const cps = await store.getCheckpoints(job.id);
    assert.deepEqual(cps.map((c) => c.status), ['done', 'done']);
    assert.deepEqual(done.parts, ['PRT ORDER-179']);
  });

  it('after a crash between "sent" and "done" of the import, a fresh worker finds the order (lookup) and does not import again', async () => {
    const { job } = await enqueue('180');
    const claimed = (await store.claimJob('doomed', LEASE))!;
    const plan = orderPlan('180');
    await store.savePlan(job.id, 'doomed', plan, ['PRT ORDER-180']);
    const crashed = { now: false };
    const crashing: CetecPort = {
      ...port(true),
      importOrders: async (orders, ctx) => {
        await client.importOrders(orders, ctx);
        crashed.now = true;
        throw new SimulatedCrash('process died after Cetec answered');
      },
    };
    await assert.rejects(
      runPlan({ store: dying(store, crashed), job: claimed, workerId: 'doomed', plan, cetec: crashing, tenant: tenant('allow', true) }),
      SimulatedCrash,
    );
    assert.deepEqual((await store.getCheckpoints(job.id)).map((c) => c.status), ['done', 'sent']);

    // The process is gone; its lease runs out; a new process (new connection) takes over.
    clock.advance(LEASE + 1);
    const restarted = await reopen();
    assert.equal(await worker(restarted, 'allow', true, 'w2').runOnce(), 1);
    const done = (await restarted.getJob(job.id))!;
    assert.equal(done.state, 'done');
    assert.equal(done.attempts, 1, 'the lost run counts as an attempt');
    const orders = emu.state.ordersByExternalKey('prod-180');
    assert.equal(orders.length, 1, 'exactly one sales order');
    assert.deepEqual((done.result as { orders: number[] }).orders, [orders[0]!.ordernum]);
  });

  it('a lookup that finds nothing while an earlier send may still take effect proves nothing: the job waits (no attempt used), then finds the late order, one sales order', async () => {
    const { job } = await enqueue('182');
    // A short lease: the dead hub's job is taken over long before its import call's deadline.
    const claimed = (await store.claimJob('doomed', 500))!;
    const plan = orderPlan('182');
    await store.savePlan(job.id, 'doomed', plan, ['PRT ORDER-182']);
    let inFlight: CetecImportOrderList | undefined;
    const crashed = { now: false };
    const slow: CetecPort = {
      ...port(true),
      importOrders: async (orders) => {
        inFlight = orders; // on its way to Cetec when the hub stops
        crashed.now = true;
        throw new SimulatedCrash('process died with the import in flight');
      },
    };
    await assert.rejects(runPlan({ store: dying(store, crashed), job: claimed, workerId: 'doomed', plan, cetec: slow, tenant: tenant('allow', true), clock: clock.read }), SimulatedCrash);
    assert.equal((await store.getCheckpoints(job.id)).find((c) => c.stepKey.startsWith('importjson:'))?.status, 'sent');

    clock.advance(1_000);
    const w = worker(store, 'allow', true, 'w2');
    assert.equal(await w.runOnce(), 1);
    const waiting = (await store.getJob(job.id))!;
    assert.equal(waiting.state, 'retrying');
    assert.equal(waiting.attempts, 1, "only the dead hub's run counts as an attempt, not the wait");
    assert.match(waiting.lastError!.message, /may still be taking effect/);
    assert.equal(emu.state.ordersByExternalKey('prod-182').length, 0, 'nothing imported while the first send may land');

    // The first send reaches Cetec late.
    await client.importOrders(inFlight!);
    clock.advance(waiting.nextAttemptAt - clock.now);
    assert.equal(await w.runOnce(), 1);
    const done = (await store.getJob(job.id))!;
    assert.equal(done.state, 'done');
    const orders = emu.state.ordersByExternalKey('prod-182');
    assert.equal(orders.length, 1, 'exactly one sales order');
    assert.deepEqual((done.result as { orders: number[] }).orders, [orders[0]!.ordernum]);
  });

  it('once the earlier send can no longer take effect, a lookup that finds nothing lets the import go out once', async () => {
    const { job } = await enqueue('183');
    const claimed = (await store.claimJob('doomed', 500))!;
    const plan = orderPlan('183');
    await store.savePlan(job.id, 'doomed', plan, ['PRT ORDER-183']);
    const crashed = { now: false };
    const lost: CetecPort = {
      ...port(true),
      importOrders: async () => {
        crashed.now = true;
        throw new SimulatedCrash('died before the call left');
      },
    };
    await assert.rejects(runPlan({ store: dying(store, crashed), job: claimed, workerId: 'doomed', plan, cetec: lost, tenant: tenant('allow', true), clock: clock.read }), SimulatedCrash);
    clock.advance(client.importSettleMs + 1);
    assert.equal(await worker(store, 'allow', true, 'w2').runOnce(), 1);
    assert.equal((await store.getJob(job.id))!.state, 'done');
    assert.equal(emu.state.ordersByExternalKey('prod-183').length, 1);
  });

  it('repeats a BOM definition left "sent" by a crash, then imports once', async () => {
    const { job } = await enqueue('181');
    const claimed = (await store.claimJob('doomed', LEASE))!;
    const plan = orderPlan('181');
    await store.savePlan(job.id, 'doomed', plan, ['PRT ORDER-181']);
    const crashed = { now: false };
    const crashing: CetecPort = {
      ...port(false),
      defineBom: async (node, ctx) => {
        await client.defineBom(node, ctx);
        crashed.now = true;
        throw new SimulatedCrash('died after the BOM call');
      },
    };
    await assert.rejects(
      runPlan({ store: dying(store, crashed), job: claimed, workerId: 'doomed', plan, cetec: crashing, tenant: UNESTABLISHED }),
      SimulatedCrash,
    );
    // An idempotent step records only 'done': the crashed one left no checkpoint, so it is sent again.
    assert.deepEqual((await store.getCheckpoints(job.id)).map((c) => c.status), []);
    clock.advance(LEASE + 1);
    assert.equal(await worker(await reopen(), 'unknown', false, 'w2').runOnce(), 1);
    assert.equal((await store.getJob(job.id))!.state, 'done');
    const bomCalls = emu.journal().filter((e) => e.method === 'POST' && e.path.startsWith('/api/partrevisiondefinition'));
    assert.equal(bomCalls.length, 2, 'the BOM was defined again (idempotent)');
    assert.equal(emu.state.ordersByExternalKey('prod-181').length, 1);
  });

  /** The import is applied by Cetec, then its answer is lost (connection reset). */
  const loseImportAnswer = () => emu.faults.script('POST /importjson/quotes', [{ kind: 'commit-then-fail', then: 'reset' }]);

  const cases: Array<{ tenant: 'reject' | 'return-existing' | 'allow'; config: DuplicateKeyBehaviour; lookup: boolean; state: string; numbers: boolean }> = [
    { tenant: 'reject', config: 'reject', lookup: false, state: 'done', numbers: false },
    { tenant: 'return-existing', config: 'return-existing', lookup: false, state: 'done', numbers: true },
    { tenant: 'allow', config: 'allow', lookup: false, state: 'needs-attention', numbers: false },
    { tenant: 'reject', config: 'unknown', lookup: false, state: 'needs-attention', numbers: false },
    { tenant: 'allow', config: 'allow', lookup: true, state: 'done', numbers: true },
  ];
  for (const c of cases) {
    it(`lost import answer: tenant ${c.tenant}, configured ${c.config}, lookup ${c.lookup} → ${c.state}, one order`, async () => {
      emu.setBehaviours({ duplicateExternalKey: c.tenant });
      loseImportAnswer();
      const { job } = await enqueue('200');
      const w = worker(store, c.config, c.lookup);
      await w.runOnce();
      const first = (await store.getJob(job.id))!;
      assert.equal(first.state, 'retrying', 'an ambiguous import is retried later, not at once');
      assert.equal(first.lastError?.kind, 'ambiguous');
      assert.equal((await store.getCheckpoints(job.id)).find((x) => x.stepKey.startsWith('importjson:'))?.status, 'unknown');

      clock.advance(first.nextAttemptAt - clock.now);
      await w.runOnce();
      const second = (await store.getJob(job.id))!;
      assert.equal(second.state, c.state);
      assert.equal(emu.state.ordersByExternalKey('prod-200').length, 1, 'never a second sales order');
      if (c.state === 'done') {
        const result = second.result as { imports: Array<{ numbersKnown: boolean; orders: number[] }> };
        assert.equal(result.imports[0]!.numbersKnown, c.numbers);
        if (c.numbers) assert.deepEqual(result.imports[0]!.orders, [emu.state.ordersByExternalKey('prod-200')[0]!.ordernum]);
      } else {
        assert.match(second.lastError!.message, /may exist in Cetec/);
        assert.match(second.lastError!.message, /prod-200/);
      }
    });
  }

  for (const created of [true, false]) {
    it(`an operator resolves an unknown import as ${created ? 'created' : 'not created'}; the job then ${created ? 'finishes without importing' : 'imports once'}`, async () => {
      emu.setBehaviours({ duplicateExternalKey: 'allow' });
      if (created) loseImportAnswer();
      else emu.faults.script('POST /importjson/quotes', [{ kind: 'reset' }]);
      const { job } = await enqueue('400');
      const w = worker(store, 'allow', false);
      await w.runOnce();
      clock.advance((await store.getJob(job.id))!.nextAttemptAt - clock.now);
      await w.runOnce();
      assert.equal((await store.getJob(job.id))!.state, 'needs-attention');
      const existing = emu.state.ordersByExternalKey('prod-400');
      assert.equal(existing.length, created ? 1 : 0);
      const resolved = await resolveImport(
        store,
        job.id,
        created ? { created: true, quotes: [existing[0]!.quote ?? 0], orders: [existing[0]!.ordernum] } : { created: false },
      );
      assert.equal(resolved.ok && resolved.job.state, 'pending');
      await w.runOnce();
      const done = (await store.getJob(job.id))!;
      assert.equal(done.state, 'done');
      assert.equal(emu.state.ordersByExternalKey('prod-400').length, 1, 'exactly one sales order either way');
    });
  }

  it('a replayed job finds the import of its earlier run instead of importing again', async () => {
    const { job } = await enqueue('300');
    const w = worker(store, 'allow', false);
    await w.runOnce();
    assert.equal((await store.getJob(job.id))!.state, 'done');
    const replay = await store.replayJob(job.id);
    assert.equal(replay.ok, true);
    await w.runOnce();
    const again = (await store.getJob(job.id))!;
    assert.equal(again.state, 'done');
    assert.equal(again.run, 2);
    assert.equal(emu.state.ordersByExternalKey('prod-300').length, 1);
    const bomCalls = emu.journal().filter((e) => e.method === 'POST' && e.path.startsWith('/api/partrevisiondefinition'));
    assert.equal(bomCalls.length, 2, 'BOMs are defined again on replay');
  });
});
