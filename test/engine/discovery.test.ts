/**
 * Discovery against the Paperless Parts emulator over HTTP with the real Paperless client: the
 * cursor, integration actions following their job, turning the integration off and on, heartbeats.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { startPaperlessEmulator } from '../../emulators/paperless/server.ts';
import type { PaperlessEmulator } from '../../emulators/paperless/server.ts';
import { createActionReporter } from '../../src/engine/action-status.ts';
import { createDiscovery, TURNED_OFF_REASON } from '../../src/engine/discovery.ts';
import { createOrderExportHandler } from '../../src/engine/order-export.ts';
import type { CetecPort, PaperlessPort } from '../../src/engine/ports.ts';
import { createWorker } from '../../src/engine/worker.ts';
import { ShopwireError } from '../../src/lib/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { createPaperlessClient } from '../../src/systems/paperless/client.ts';
import type { PaperlessClient } from '../../src/systems/paperless/client.ts';
import { orderPlan, tempStore, testClock } from './helpers.ts';
import type { TestClock } from './helpers.ts';

describe('discovery with the Paperless Parts emulator', () => {
  let emu: PaperlessEmulator;
  let client: PaperlessClient;
  let clock: TestClock;
  let store: Store;
  let cleanup: () => Promise<void>;
  let imported: string[];

  before(async () => {
    emu = await startPaperlessEmulator({ generated: { seed: 7, count: 3, startNumber: 200 }, variants: false });
    client = createPaperlessClient({ baseUrl: emu.url, token: emu.token(), timeoutMs: 5_000, breaker: false, retry: { maxAttempts: 1 } });
  });
  after(async () => {
    await client.close();
    await emu.close();
  });
  beforeEach(async () => {
    await emu.reset();
    clock = testClock();
    ({ store, cleanup } = await tempStore(clock));
    imported = [];
  });
  afterEach(() => cleanup());

  const cetec: CetecPort = {
    async defineBom() {},
    async importOrders(orders) {
      imported.push(...orders.map((o) => o.external_key));
      return { quotes: [1001], orders: [5001], success: 1 };
    },
  };
  const reporter = () => createActionReporter({ store, paperless: () => client });
  const discovery = (paperless: PaperlessPort = client, startAfterOrder = 0) =>
    createDiscovery({
      store,
      profile: 'prod',
      paperless,
      reporter: reporter(),
      integrationUuid: emu.integrationUuid,
      startAfterOrder,
      heartbeatEveryMs: 180_000,
      clock: clock.read,
    });
  const worker = (translate: (order: unknown) => ReturnType<typeof orderPlan>) => {
    const r = reporter();
    return createWorker({
      store,
      workerId: 'w',
      clock: clock.read,
      handlers: {
        'order-export': createOrderExportHandler({
          paperless: () => client,
          cetec: () => cetec,
          translate: (order) => translate(order),
          tenant: async () => ({ orderLookup: false, duplicateExternalKey: 'reject' }),
          onStateChange: (job) => r.reportJob(job),
        }),
      },
    });
  };

  it('enqueues one job per new order after the configured start, then advances the cursor', async () => {
    const all = await client.newOrderNumbers(0);
    const start = all[1]!;
    const found = await discovery(client, start).discoverNewOrders();
    assert.deepEqual(found, all.filter((n) => n > start));
    assert.equal((await store.getProfile('prod')).cursor, all[all.length - 1]);
    assert.deepEqual((await store.listJobs({ limit: 50, offset: 0 })).jobs.map((j) => Number(j.key)).sort((a, b) => a - b), found);
    assert.deepEqual(await discovery(client, start).discoverNewOrders(), [], 'nothing new on the next pass');
  });

  it('stores a page of new orders in one transaction; a second pass stores none', async () => {
    const all = await client.newOrderNumbers(0);
    const batches: number[] = [];
    const counting: Store = {
      ...store,
      enqueueJobs: async (inputs) => {
        batches.push(inputs.length);
        return store.enqueueJobs(inputs);
      },
      enqueueJob: async () => assert.fail('one order at a time'),
    };
    const d = createDiscovery({ store: counting, profile: 'prod', paperless: client, reporter: reporter(), startAfterOrder: 0, clock: clock.read });
    assert.deepEqual(await d.discoverNewOrders(), all);
    assert.deepEqual(batches, [all.length], 'one enqueueJobs call for the page');
    assert.equal((await store.listJobs({ limit: 50, offset: 0 })).total, all.length, 'one job per order');
    // The same page stored again (a pass repeated after a crash before the cursor moved) makes no job.
    const again = await store.enqueueJobs(all.map((n) => ({ flow: 'order-export', profile: 'prod', key: String(n), trigger: { kind: 'schedule' } })));
    assert.deepEqual(again.map((r) => r.created), all.map(() => false));
    assert.deepEqual(await d.discoverNewOrders(), [], 'nothing new on the next pass');
    assert.equal((await store.listJobs({ limit: 50, offset: 0 })).total, all.length);
  });

  it('an order the store refuses does not stop the others: they are stored, it is tried again next pass', async () => {
    const all = await client.newOrderNumbers(0);
    const bad = String(all[1]!);
    const refuse = () => new ShopwireError('value too long', { code: 'store.sql_failed', kind: 'internal' });
    const refusing: Store = {
      ...store,
      enqueueJobs: async (inputs) => {
        if (inputs.some((i) => i.key === bad)) throw refuse();
        return store.enqueueJobs(inputs);
      },
      enqueueJob: async (input) => {
        if (input.key === bad) throw refuse();
        return store.enqueueJob(input);
      },
    };
    const d = createDiscovery({ store: refusing, profile: 'prod', paperless: client, reporter: reporter(), startAfterOrder: 0, clock: clock.read });
    assert.deepEqual(await d.discoverNewOrders(), all.filter((n) => String(n) !== bad));
    assert.deepEqual((await store.listJobs({ limit: 50, offset: 0 })).jobs.map((j) => j.key).sort(), all.filter((n) => String(n) !== bad).map(String).sort());
    assert.equal((await store.getProfile('prod')).cursor, Number(bad) - 1, 'the cursor stops before the refused order');
    // The store takes it now: the next pass stores it, and the others are not doubled.
    assert.deepEqual(await discovery().discoverNewOrders(), all.filter((n) => n >= Number(bad)));
    assert.equal((await store.listJobs({ limit: 50, offset: 0 })).total, all.length);
    assert.equal((await store.getProfile('prod')).cursor, all[all.length - 1]);
  });

  it('does not advance the cursor when storing a job fails; the next pass enqueues them all', async () => {
    const all = await client.newOrderNumbers(0);
    let calls = 0;
    const failing: Store = {
      ...store,
      enqueueJob: async (input) => {
        if (++calls === 2) throw new ShopwireError('disk full', { code: 'store.unavailable', kind: 'transient' });
        return store.enqueueJob(input);
      },
      enqueueJobs: async () => {
        throw new ShopwireError('disk full', { code: 'store.unavailable', kind: 'transient' });
      },
    };
    const d = createDiscovery({ store: failing, profile: 'prod', paperless: client, reporter: reporter(), startAfterOrder: 0, clock: clock.read });
    await assert.rejects(d.discoverNewOrders(), { code: 'store.unavailable' });
    assert.equal((await store.getProfile('prod')).cursor, null, 'cursor unchanged');
    assert.deepEqual(await discovery().discoverNewOrders(), all);
    assert.equal((await store.listJobs({ limit: 50, offset: 0 })).total, all.length);
  });

  it('an integration action attaches to the order job, goes in_progress, then completed with the Cetec numbers', async () => {
    const number = (await client.newOrderNumbers(0))[0]!;
    const action = emu.requestExport(number);
    const d = discovery();
    const polled = await d.pollIntegration();
    assert.equal(polled.actions, 1);
    const job = (await store.findJob('order-export', 'prod', String(number)))!;
    assert.equal(job.triggers.some((t) => t.actionUuid === action.uuid), true);
    assert.equal(emu.state.actions.get(action.uuid)!.status, 'in_progress');

    // A second request for the same order (the shop clicked again) joins the same job.
    const again = emu.requestExport(number);
    await d.pollIntegration();
    assert.equal((await store.listJobs({ limit: 10, offset: 0 })).total, 1);

    await worker(() => orderPlan(String(number))).runOnce();
    for (const uuid of [action.uuid, again.uuid]) {
      const a = emu.state.actions.get(uuid)!;
      assert.equal(a.status, 'completed');
      assert.match(a.status_message ?? '', /quote 1001, sales order 5001/);
    }
    assert.deepEqual(imported, [`prod-${number}`]);
  });

  it('a new action for an order already exported completes at once, without exporting again', async () => {
    const number = (await client.newOrderNumbers(0))[0]!;
    emu.requestExport(number);
    const d = discovery();
    await d.pollIntegration();
    await worker(() => orderPlan(String(number))).runOnce();
    const again = emu.requestExport(number);
    await d.pollIntegration();
    assert.equal(emu.state.actions.get(again.uuid)!.status, 'completed');
    assert.equal(await worker(() => orderPlan(String(number))).runOnce(), 0);
    assert.deepEqual(imported, [`prod-${number}`]);
  });

  it('a failing job marks its action failed with a short readable reason', async () => {
    const number = (await client.newOrderNumbers(0))[0]!;
    const action = emu.requestExport(number);
    await discovery().pollIntegration();
    await worker(() => {
      throw new ShopwireError(`material "Unobtainium" has no Cetec part mapping; ${'add it to mappings.materials. '.repeat(20)}`, {
        code: 'translate.material_unmapped',
        kind: 'data',
        where: `order ${number} › item 0 › component 1 › material`,
      });
    }).runOnce();
    const a = emu.state.actions.get(action.uuid)!;
    assert.equal(a.status, 'failed');
    assert.ok((a.status_message ?? '').length <= 250);
    assert.match(a.status_message ?? '', new RegExp(`^order ${number} › item 0 › component 1 › material: material "Unobtainium"`));
  });

  it('turning the integration off pauses the profile and cancels every open action; on resumes', async () => {
    const numbers = (await client.newOrderNumbers(0)).slice(0, 2);
    const actions = numbers.map((n) => emu.requestExport(n));
    const d = discovery();
    await d.pollIntegration();
    emu.setIntegrationActive(false);
    await d.pollIntegration();
    const p = await store.getProfile('prod');
    assert.equal(p.paused, true);
    assert.equal(p.pausedReason, TURNED_OFF_REASON);
    for (const a of actions) assert.equal(emu.state.actions.get(a.uuid)!.status, 'cancelled');
    assert.equal(await worker(() => orderPlan('x')).runOnce(), 0, 'nothing runs while off');
    emu.setIntegrationActive(true);
    await d.pollIntegration();
    assert.equal((await store.getProfile('prod')).paused, false);
  });

  it('stores polled events before acting: a crash while handling them loses nothing', async () => {
    const number = (await client.newOrderNumbers(0))[0]!;
    const action = emu.requestExport(number);
    const broken: PaperlessPort = { ...client, getIntegrationAction: async () => { throw new Error('crash'); } } as PaperlessPort;
    // An unexpected failure may pass: the event stays in the inbox and the pass goes on.
    await discovery(broken).pollIntegration();
    assert.equal((await store.unhandledEvents('prod')).length, 1, 'the event is in the inbox');
    // The emulator will not deliver it again (reading acknowledged it); the inbox still has it.
    await discovery().pollIntegration();
    assert.equal(emu.state.actions.get(action.uuid)!.status, 'in_progress');
    assert.deepEqual(await store.unhandledEvents('prod'), []);
  });

  it('sends a heartbeat at most every heartbeatEveryMs', async () => {
    const d = discovery();
    const before = emu.state.heartbeats.length;
    assert.equal(await d.heartbeat(), true);
    assert.equal(await d.heartbeat(), false);
    clock.advance(180_000);
    assert.equal(await d.heartbeat(), true);
    assert.equal(emu.state.heartbeats.length - before, 2);
    assert.notEqual((await store.getProfile('prod')).lastHeartbeatAt, null);
  });

  it('a signed webhook push of integration_action.requested (an envelope, not a polled event) is handled like a polled one', async () => {
    const number = (await client.newOrderNumbers(0))[0]!;
    const action = emu.requestExport(number);
    // As the webhook route stores it: the envelope Paperless pushes, keyed by the signature.
    const envelope = { type: 'integration_action.requested', created: action.created, object: 'event', data: { action_uuid: action.uuid, action_type: 'export_order', entity_id: String(number), status: 'requested' } };
    await store.saveEvents('prod', [{ uuid: 'webhook:abc', type: envelope.type, created: envelope.created, body: envelope }]);
    const d = createDiscovery({ store, profile: 'prod', paperless: client, reporter: reporter(), startAfterOrder: 0, clock: clock.read });
    const pass = await d.handleInbox();
    assert.deepEqual(pass, { handled: 1, actions: 1, quarantined: 0, deferred: 0 });
    assert.equal(emu.state.actions.get(action.uuid)!.status, 'in_progress');
    assert.ok(await store.findJob('order-export', 'prod', String(number)));
  });

  it('a failure that may pass leaves only that event in the inbox; the others are handled in the same pass', async () => {
    const [a, b] = await client.newOrderNumbers(0);
    const first = emu.requestExport(a!);
    const second = emu.requestExport(b!);
    const flaky: PaperlessPort = {
      ...client,
      getIntegrationAction: async (uuid) => {
        if (uuid === first.uuid) throw new ShopwireError('Paperless down', { code: 'paperless.unavailable', kind: 'transient' });
        return client.getIntegrationAction(uuid);
      },
    } as PaperlessPort;
    const pass = await discovery(flaky).pollIntegration();
    assert.equal(pass.actions, 1);
    assert.equal(emu.state.actions.get(second.uuid)!.status, 'in_progress');
    assert.deepEqual((await store.unhandledEvents('prod')).map((e) => (e.body as { actionUuid: string }).actionUuid), [first.uuid]);
    await discovery().pollIntegration();
    assert.equal(emu.state.actions.get(first.uuid)!.status, 'in_progress');
  });

  it('refused credentials end the pass (every later call would fail too); nothing is quarantined for them', async () => {
    emu.requestExport((await client.newOrderNumbers(0))[0]!);
    emu.rotateToken('another');
    try {
      await assert.rejects(discovery().runOnce(), { code: 'paperless.auth_failed' });
      assert.deepEqual(await store.countQuarantined(), []);
    } finally {
      await emu.reset();
    }
  });
});
