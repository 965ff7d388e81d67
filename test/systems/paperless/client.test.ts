/**
 * The Paperless Parts client against the emulator on loopback: each method, typed errors, 429
 * waits, and a canary token that must never appear in errors or transfer records.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPaperlessEmulator } from '../../../emulators/paperless/server.ts';
import type { PaperlessEmulator } from '../../../emulators/paperless/server.ts';
import { createPaperlessClient, statusMessage } from '../../../src/systems/paperless/client.ts';
import type { PaperlessClient } from '../../../src/systems/paperless/client.ts';
import { PaperlessAuthError, PaperlessNotFoundError, PaperlessRejectedError, PaperlessUnavailableError } from '../../../src/systems/paperless/errors.ts';
import { ShopwireError } from '../../../src/lib/errors.ts';
import type { TransferEnd, TransferRecorder, TransferStart } from '../../../src/lib/transfer.ts';

const CANARY = 'canary-paperless-token-7f1e2d3c';
let emu: PaperlessEmulator;
let client: PaperlessClient;
const records: unknown[] = [];
const recorder: TransferRecorder = {
  start: (t: TransferStart) => {
    records.push(t);
    return String(records.length);
  },
  end: (_id: string, r: TransferEnd) => {
    records.push(r);
  },
};

const fast = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 };

before(async () => {
  emu = await startPaperlessEmulator({ token: CANARY, variants: false });
  client = createPaperlessClient({ baseUrl: emu.url, token: CANARY, timeoutMs: 5_000, recorder, retry: fast, breaker: false });
});
after(async () => {
  await client.close();
  await emu.close();
  // The canary: nothing recorded in this file's run holds the token.
  assert.ok(!JSON.stringify(records).includes(CANARY), 'token leaked into a transfer record');
});
beforeEach(async () => {
  await emu.reset();
});

describe('orders', () => {
  test('getOrder returns the raw order, null for a missing number', async () => {
    const order = (await client.getOrder(179)) as { number: number; order_items: { unit_price: string }[] };
    assert.equal(order.number, 179);
    assert.equal(order.order_items[0]!.unit_price, '551.56');
    assert.equal(await client.getOrder(999), null);
  });

  test('calls made for a job go to the job\'s recorder, redacted: fetching the order, erp_code, action updates', async () => {
    const jobRecords: TransferStart[] = [];
    const ends: TransferEnd[] = [];
    const job: TransferRecorder = {
      start: (t) => String(jobRecords.push(t)),
      end: (_id, r) => void ends.push(r),
    };
    const before = records.length;
    await client.getOrder(179, { recorder: job });
    await client.setOrderErpCode(179, 'SO-43', { recorder: job });
    const action = emu.requestExport(179);
    await client.updateIntegrationAction(action.uuid, { status: 'in_progress' }, { recorder: job });
    assert.deepEqual(jobRecords.map((t) => `${t.method} ${t.endpoint}`), ['GET orders.get', 'PATCH orders.set_erp_code', 'PATCH integration_actions.update']);
    assert.deepEqual(ends.map((e) => [e.status, e.outcome]), [[200, 'ok'], [200, 'ok'], [200, 'ok']]);
    assert.equal(records.length, before, 'not recorded by the client\'s own recorder');
    assert.ok(!JSON.stringify([jobRecords, ends]).includes(CANARY), 'the token is in no record');
  });

  test('newOrderNumbers and newestOrderNumber see past a gap', async () => {
    await emu.addOrder({ ...((await client.getOrder(72)) as object), number: 180 });
    await emu.addOrder({ ...((await client.getOrder(72)) as object), number: 182 });
    assert.deepEqual(await client.newOrderNumbers(179), [180, 182]);
    assert.deepEqual(await client.newOrderNumbers(), [72, 179, 180, 182]);
    assert.equal(await client.newestOrderNumber(emu.groupSlug), 182);
  });

  test('setOrderErpCode writes back; a missing order is a typed not-found', async () => {
    await client.setOrderErpCode(179, 'SO-42');
    assert.equal(((await client.getOrder(179)) as { erp_code: string }).erp_code, 'SO-42');
    await assert.rejects(client.setOrderErpCode(999, 'X'), PaperlessNotFoundError);
  });
});

describe('managed integration and events', () => {
  test('getManagedIntegration; an unknown uuid is a config error', async () => {
    const mi = await client.getManagedIntegration(emu.integrationUuid);
    assert.equal(mi.is_active, true);
    await assert.rejects(client.getManagedIntegration('0000'), (e: unknown) => e instanceof PaperlessNotFoundError && e.kind === 'config');
  });

  test('pollEvents normalises both key spellings and pages with hasMore', async () => {
    const action = emu.requestExport(179);
    await emu.emitOrderCreated(72);
    const page = await client.pollEvents(emu.integrationUuid, ['integration_action.requested', 'order.created']);
    assert.equal(page.hasMore, false);
    assert.deepEqual(page.invalid, []);
    const requested = page.results.find((e) => e.type === 'integration_action.requested')!;
    assert.equal(requested.actionUuid, action.uuid);
    assert.equal(requested.actionType, 'export_order');
    assert.equal(requested.entityId, '179');
    assert.equal(requested.orderNumber, 179);
    assert.equal(page.results.find((e) => e.type === 'order.created')!.orderNumber, 72);
    assert.equal((await client.pollEvents(emu.integrationUuid, [])).results.length, 0);
  });

  test('the fixture spelling alone (action_uuid/action_type) is read the same', async () => {
    const fixtureStyle = await startPaperlessEmulator({ behaviours: { requestedEventKeys: 'fixture', pollPageSize: 1 }, variants: false });
    const c = createPaperlessClient({ baseUrl: `${fixtureStyle.url}/v1`, token: fixtureStyle.token(), retry: fast });
    try {
      const a = fixtureStyle.requestExport(72);
      fixtureStyle.requestExport(179);
      const first = await c.pollEvents(fixtureStyle.integrationUuid, ['integration_action.requested']);
      assert.equal(first.hasMore, true);
      assert.equal(first.results[0]!.actionUuid, a.uuid);
      assert.equal(first.results[0]!.data.uuid, undefined);
      assert.equal(first.results[0]!.orderNumber, 72);
    } finally {
      await c.close();
      await fixtureStyle.close();
    }
  });

  test('listEvents pages the account events with was_dispatched', async () => {
    await emu.emitOrderCreated(72);
    const page = await client.listEvents({ types: ['order.created'], wasDispatched: false });
    assert.equal(page.count, 1);
    assert.equal(page.results[0]!.orderNumber, 72);
  });

  test('heartbeat is recorded', async () => {
    await client.heartbeat(emu.integrationUuid, 600);
    assert.equal(emu.state.heartbeats.at(-1)!.interval, 600);
  });
});

describe('integration actions', () => {
  test('create, get, update through to completed; a late change is rejected', async () => {
    const created = await client.createIntegrationAction(emu.integrationUuid, { type: 'export_order', entity_id: 179 });
    assert.equal(created.status, 'queued');
    assert.equal(created.entity_id, '179');
    assert.equal((await client.getIntegrationAction(created.uuid)).uuid, created.uuid);
    await client.updateIntegrationAction(created.uuid, { status: 'in_progress', current_record_count: 1 });
    const done = await client.updateIntegrationAction(created.uuid, { status: 'completed', status_message: 'exported' });
    assert.equal(done.status, 'completed');
    await assert.rejects(client.updateIntegrationAction(created.uuid, { status: 'failed', status_message: 'x' }), PaperlessRejectedError);
    const list = await client.listIntegrationActions(emu.integrationUuid, { statuses: ['completed'] });
    assert.deepEqual(list.results.map((a) => a.uuid), [created.uuid]);
  });

  test('a long status message is cut to 250 characters and accepted', async () => {
    const action = emu.requestExport(179);
    const updated = await client.updateIntegrationAction(action.uuid, { status: 'failed', status_message: 'é'.repeat(400) });
    assert.equal(Array.from(updated.status_message!).length, 250);
    assert.ok(updated.status_message!.endsWith('…'));
    assert.equal(statusMessage('short'), 'short');
  });

  test('reportActionErrors returns the created error records', async () => {
    const action = emu.requestExport(179);
    const errs = await client.reportActionErrors(action.uuid, [{ reference_id: '179', error_message: 'no part number' }]);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.integration_action_uuid, action.uuid);
  });

  test('a missing action is a typed not-found', async () => {
    await assert.rejects(client.getIntegrationAction('missing'), PaperlessNotFoundError);
  });
});

describe('lookups', () => {
  test('paymentTerms and custom tables', async () => {
    const terms = await client.paymentTerms();
    assert.deepEqual(terms.map((t) => [t.label, t.period, t.erp_code]), [['Net 30 days', 30, 'test1'], ['Net 31 days', 31, null]]);
    assert.equal(await client.getCustomTable('Operations_Mapping'), null);
  });
});

describe('failures', () => {
  test('401 is a PaperlessAuthError of kind auth, without the token in it', async () => {
    const wrong = createPaperlessClient({ baseUrl: emu.url, token: `${CANARY}-wrong`, recorder, retry: fast });
    try {
      const error = await wrong.getOrder(179).then(() => null, (e: unknown) => e);
      assert.ok(error instanceof PaperlessAuthError);
      assert.equal(error.kind, 'auth');
      assert.ok(!JSON.stringify({ m: error.message, j: error.toJSON(), s: error.stack }).includes(CANARY));
    } finally {
      await wrong.close();
    }
  });

  test('429 with Retry-After is waited out, then the call succeeds', async () => {
    emu.faults.script('GET /orders/public/new', [{ kind: 'rate-limit', retryAfter: 1 }]);
    const started = performance.now();
    assert.deepEqual(await client.newOrderNumbers(), [72, 179]);
    assert.ok(performance.now() - started >= 900, 'waited for Retry-After');
  });

  test('429 without the header: the wait comes from the message ("available in N seconds")', async () => {
    const throttled = { kind: 'status' as const, status: 429, body: { code: 'throttled', message: 'Request was throttled. Expected available in 1 seconds.' } };
    emu.faults.script('GET /orders/public/new', [throttled, throttled, throttled]);
    const started = performance.now();
    assert.deepEqual(await client.newOrderNumbers(), [72, 179]);
    assert.ok(performance.now() - started >= 900, 'waited for the message');
  });

  test('5xx on a read is transient; on creating an action it is ambiguous', async () => {
    emu.faults.script('GET /orders/public/:number', [{ kind: 'status', status: 500 }]);
    await assert.rejects(client.getOrder(179), (e: unknown) => e instanceof PaperlessUnavailableError && e.kind === 'transient');
    emu.faults.script('POST /managed_integrations/public/:uuid/integration_actions', [{ kind: 'commit-then-fail' }]);
    await assert.rejects(
      client.createIntegrationAction(emu.integrationUuid, { type: 'export_order', entity_id: '72' }),
      (e: unknown) => e instanceof ShopwireError && e.kind === 'ambiguous',
    );
    assert.equal([...emu.state.actions.values()].length, 1, 'the write happened although the answer was lost');
  });

  test('a 502 burst on a read is retried through', async () => {
    emu.faults.script('GET /orders/public/:number', [{ kind: 'status', status: 502 }, { kind: 'status', status: 502 }]);
    assert.equal(((await client.getOrder(72)) as { number: number }).number, 72);
  });
});
