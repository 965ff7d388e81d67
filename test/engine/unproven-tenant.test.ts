/**
 * Safety under every plausible real Cetec behaviour: the emulator is switched into stand-ins for
 * tenants whose lookup and reused-key answer differ from the hub's assumptions (lookup ignoring the
 * filter, lookup with other field names, a refusal of a reused key in other words, a silent second
 * order for a reused key). In each, a sales order import whose answer is lost (applied, then the
 * connection reset) never becomes a second sales order: without established behaviour the job
 * stops for a person with the first answer shown; with behaviour the self-test established, the
 * engine uses exactly that.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { startCetecEmulator } from '../../emulators/cetec/server.ts';
import type { CetecEmulator } from '../../emulators/cetec/server.ts';
import type { CetecBehaviours } from '../../emulators/cetec/behaviours.ts';
import { mergeFacts, runCetecSelftest } from '../../src/engine/cetec-selftest.ts';
import { parseTenantFacts, tenantBehaviour } from '../../src/engine/cetec-tenant.ts';
import { createPayloadPlanHandler } from '../../src/engine/order-export.ts';
import { cetecPort } from '../../src/engine/ports.ts';
import { createWorker } from '../../src/engine/worker.ts';
import type { Store } from '../../src/store/store.ts';
import { createCetecClient } from '../../src/systems/cetec/client.ts';
import type { CetecClient } from '../../src/systems/cetec/client.ts';
import { bom, orderPlan, tempStore, testClock } from './helpers.ts';
import type { TestClock } from './helpers.ts';

const TOKEN = 'unproven-tenant-token';
const TEST_ORDER = { location: 'MN', internalCustomerId: '1', internalVendorId: '1', partPrefix: 'ZZZ ' };

describe('an import whose answer was lost, against stand-ins for other real Cetec behaviours', () => {
  let emu: CetecEmulator;
  let client: CetecClient;
  let clock: TestClock;
  let store: Store;
  let cleanup: () => Promise<void>;

  before(async () => {
    emu = await startCetecEmulator({ tokens: [TOKEN] });
    client = createCetecClient({ baseUrl: emu.url, token: TOKEN, timeoutMs: 5_000, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }, breaker: false });
  });
  after(async () => {
    await client.close();
    await emu.close();
  });
  beforeEach(async () => {
    emu.reset();
    emu.faults.set([]);
    clock = testClock();
    ({ store, cleanup } = await tempStore(clock));
  });
  afterEach(() => cleanup());

  const worker = (plan = (key: string) => orderPlan(key)) =>
    createWorker({
      store,
      workerId: 'w1',
      leaseMs: 30_000,
      clock: clock.read,
      random: () => 0.5,
      retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      handlers: {
        'order-export': createPayloadPlanHandler({
          cetec: () => cetecPort(client),
          translate: (_payload, job) => plan(job.key),
          tenant: async (profile) => tenantBehaviour((await store.getTenantFacts(profile, 'cetec'))?.facts),
        }),
      },
    });

  /** Runs the self-test as on a sandbox profile and records its findings, as `shopwire cetec selftest` does. */
  const selftest = async () => {
    const report = await runCetecSelftest({ client, profile: 'prod', sandbox: true, known: null, testOrder: TEST_ORDER, now: clock.read });
    await store.saveTenantFacts('prod', 'cetec', mergeFacts(parseTenantFacts(null), report));
    return report;
  };

  /** Order 200: the import is applied, its answer lost; the worker runs twice (the second run must establish the outcome). */
  const loseAnswerAndRun = async () => {
    emu.faults.script('POST /importjson/quotes', [{ kind: 'commit-then-fail', then: 'reset' }]);
    const { job } = await store.enqueueJob({ flow: 'order-export', profile: 'prod', key: '200', trigger: { kind: 'cli' } });
    const w = worker();
    await w.runOnce();
    const first = (await store.getJob(job.id))!;
    assert.equal(first.state, 'retrying');
    clock.advance(first.nextAttemptAt - clock.now);
    await w.runOnce();
    return (await store.getJob(job.id))!;
  };

  const imports = () => emu.journal().filter((e) => e.path === '/importjson/quotes').length;

  type Case = { name: string; tenant: Partial<CetecBehaviours>; selftest: boolean; state: 'done' | 'needs-attention'; established?: { lookup: boolean; reuse: string } };
  const cases: Case[] = [
    { name: 'lookup ignores the filter, reused key makes a second order; nothing established', tenant: { orderLookupShape: 'ignores-filter', duplicateExternalKey: 'allow' }, selftest: false, state: 'needs-attention' },
    { name: 'lookup ignores the filter, reused key makes a second order; self-test run', tenant: { orderLookupShape: 'ignores-filter', duplicateExternalKey: 'allow' }, selftest: true, state: 'needs-attention', established: { lookup: false, reuse: 'allow' } },
    { name: 'lookup with other field names; nothing established', tenant: { orderLookupShape: 'other-field-names' }, selftest: false, state: 'needs-attention' },
    { name: 'lookup with other field names, reused key refused; self-test run', tenant: { orderLookupShape: 'other-field-names' }, selftest: true, state: 'done', established: { lookup: false, reuse: 'reject' } },
    { name: 'reused key refused in other words; nothing established', tenant: { orderLookup: false, duplicateKeyWords: 'Order reference {key} exists' }, selftest: false, state: 'needs-attention' },
    { name: 'reused key refused in other words; self-test run', tenant: { orderLookup: false, duplicateKeyWords: 'Order reference {key} exists' }, selftest: true, state: 'done', established: { lookup: false, reuse: 'reject' } },
    { name: 'reused key silently makes a second order, no lookup; nothing established', tenant: { orderLookup: false, duplicateExternalKey: 'allow' }, selftest: false, state: 'needs-attention' },
    { name: 'reused key silently makes a second order, no lookup; self-test run', tenant: { orderLookup: false, duplicateExternalKey: 'allow' }, selftest: true, state: 'needs-attention', established: { lookup: false, reuse: 'allow' } },
    { name: 'the assumed tenant (lookup, refusal), nothing established', tenant: {}, selftest: false, state: 'needs-attention' },
    { name: 'the assumed tenant (lookup, refusal); self-test run', tenant: {}, selftest: true, state: 'done', established: { lookup: true, reuse: 'reject' } },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.state}, never a second sales order`, async () => {
      emu.setBehaviours({ ...emu.behaviours(), orderLookup: true, orderLookupShape: 'as-assumed', duplicateExternalKey: 'reject', duplicateKeyWords: 'external_key {key} has already been used (quote {quote})', ...c.tenant });
      if (c.selftest) {
        await selftest();
        const b = tenantBehaviour((await store.getTenantFacts('prod', 'cetec'))?.facts);
        assert.equal(b.orderLookup, c.established!.lookup, 'lookup established only when it works as the hub reads it');
        assert.equal(b.duplicateExternalKey, c.established!.reuse);
      }
      const importsBefore = imports();
      const job = await loseAnswerAndRun();
      assert.equal(emu.state.ordersByExternalKey('prod-200').length, 1, 'exactly one sales order');
      assert.equal(emu.state.quotesByExternalKey('prod-200').length, 1, 'exactly one quote');
      assert.equal(job.state, c.state, job.lastError?.message);
      if (c.state === 'needs-attention') {
        assert.equal(imports() - importsBefore, 1, 'not posted again');
        assert.match(job.lastError!.message, /may exist in Cetec/);
        assert.match(job.lastError!.message, /First answer: .+/, 'the first answer is shown');
        assert.match(job.lastError!.message, /external key prod-200/, 'what to look for in Cetec');
      }
    });
  }

  it('a reused-key refusal whose words were never established is not taken as "the order exists"', async () => {
    // Established: the tenant refuses reused keys with "Order reference … exists". Then its
    // wording changes; a resend's refusal in the new words proves nothing: needs a person.
    emu.setBehaviours({ orderLookup: false, duplicateKeyWords: 'Order reference {key} exists' });
    await selftest();
    emu.setBehaviours({ duplicateKeyWords: 'Request could not be processed' });
    const job = await loseAnswerAndRun();
    assert.equal(job.state, 'needs-attention');
    assert.match(job.lastError!.message, /not this tenant's known answer/);
    assert.equal(emu.state.ordersByExternalKey('prod-200').length, 1);
  });

  it('PUT /api/part refused with 400 for a part that exists: the design finishes, with a warning saying what Cetec kept', async () => {
    emu.setBehaviours({ partPutExisting: 'refuse' });
    const designPlan = () => ({
      steps: [
        { kind: 'partrevisiondefinition' as const, body: bom('CBL HARNESS-7') },
        { kind: 'part' as const, body: { prcpart: 'CBL HARNESS-7', description: 'Harness, 7 wires' } },
      ],
      warnings: [],
    });
    const { job } = await store.enqueueJob({ flow: 'order-export', profile: 'prod', key: '7', trigger: { kind: 'cli' } });
    await worker(designPlan).runOnce();
    const done = (await store.getJob(job.id))!;
    assert.equal(done.state, 'done', done.lastError?.message);
    const warnings = (done.result as { warnings?: string[] }).warnings ?? [];
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /refused to change the description of existing part CBL HARNESS-7/);
    assert.equal(emu.state.part('CBL HARNESS-7')?.description, '', 'Cetec keeps what the definition created');
  });
});
