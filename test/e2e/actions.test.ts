/**
 * Paperless Parts integration actions against `shopwire run`: the shop presses "Export Order"
 * (the emulator's requestExport), and the action must follow the export: in_progress, then
 * completed with the Cetec quote and sales order numbers, or failed with a short readable reason.
 * Turning the integration off pauses the profile and cancels open actions; turning it on resumes.
 * Discovery of new orders is off here, so only actions start exports.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IntegrationAction } from '../../emulators/paperless/state.ts';
import { generateBadOrder } from '../../emulators/paperless/generate-order.ts';
import { plannedOrders } from './expected-cetec.ts';
import { PROFILE, sleep, startE2E, stopHub, until, type E2E, type HubProcess } from './harness.ts';

const INTEGRATION = '712f4343-a29c-4263-be38-3c1694f53439';
let e2e: E2E;
let hub: HubProcess;

before(async () => {
  e2e = await startE2E({
    paperless: { integrationUuid: INTEGRATION, orders: [generateBadOrder(8, 1, 'unmapped-operation').order], generated: { seed: 41, count: 4, startNumber: 2 } },
    profile: {
      paperless: { integrationUuid: INTEGRATION },
      discovery: { newOrders: false, integrationActions: true },
      schedule: { everyMinutes: 0.01 },
      // Attempts are never exhausted here: the pause test keeps Cetec down for a while.
      retry: { maxAttempts: 1000, baseDelayMs: 100, maxDelayMs: 300 },
    },
  });
  hub = await e2e.startHub();
});

after(async () => {
  if (hub) await stopHub(hub);
  await e2e?.close();
});

const action = (uuid: string): IntegrationAction => e2e.paperless.state.actions.get(uuid)!;
const settled = (uuid: string) => () => (['completed', 'failed', 'cancelled', 'timed_out'].includes(action(uuid).status) ? action(uuid) : undefined);

test('an export requested in Paperless goes in_progress, then completed with the Cetec quote and sales order numbers', async () => {
  const { uuid } = e2e.paperless.requestExport(2);
  const done = await until('the action to settle', settled(uuid), 20_000);
  assert.equal(done.status, 'completed', done.status_message ?? '');
  assert.deepEqual(done.history.map((h) => h.status).filter((s, i, all) => s !== all[i - 1]), ['requested', 'in_progress', 'completed']);
  const key = plannedOrders(e2e.planOf(2))[0]!.external_key;
  const [quote] = e2e.cetec.state.quotesByExternalKey(key);
  assert.ok(quote && quote.ordernum !== null, 'the order is in Cetec');
  assert.match(done.status_message!, new RegExp(`\\bquote ${quote.quotenum}\\b`));
  assert.match(done.status_message!, new RegExp(`\\bsales order ${quote.ordernum}\\b`));
});

test('a bad order’s action fails with a short, readable reason naming the order and the problem', async () => {
  const { uuid } = e2e.paperless.requestExport(1);
  const failed = await until('the action to settle', settled(uuid), 20_000);
  assert.equal(failed.status, 'failed');
  const message = failed.status_message!;
  assert.ok(message.length <= 250, `${message.length} characters`);
  assert.match(message, /order 1\b/);
  assert.match(message, /Levitation/, message);
  assert.doesNotMatch(message, /[{}]|\bat .*\.ts:\d+/, 'no JSON or stack trace');
  assert.equal(e2e.cetec.state.quotes().length, 1, 'nothing of order 1 reached Cetec');
});

test('turning the integration off pauses the profile and cancels open actions; turning it on resumes', async () => {
  const store = await e2e.store();
  // Cetec down: the export of order 3 keeps retrying, so its action stays open.
  e2e.cetec.faults.set([{ endpoint: '*', random: [{ probability: 1, fault: { kind: 'status', status: 503 } }] }]);
  const open = e2e.paperless.requestExport(3);
  await until('the action to be in progress', () => (action(open.uuid).status === 'in_progress' ? true : undefined), 20_000);

  e2e.paperless.setIntegrationActive(false);
  const cancelled = await until('the open action to be cancelled', settled(open.uuid), 20_000);
  assert.equal(cancelled.status, 'cancelled');
  assert.ok((cancelled.status_message ?? '').length > 0, 'with a message');
  const profile = await store.getProfile(PROFILE);
  assert.equal(profile.paused, true);
  assert.ok(profile.pausedReason);

  // A request while off is cancelled at once; Cetec is back, but nothing runs while paused.
  const whileOff = e2e.paperless.requestExport(4);
  assert.equal((await until('the request made while off to settle', settled(whileOff.uuid), 20_000)).status, 'cancelled');
  // A run already under way when the profile paused ends on its own (stopping it mid-import would
  // leave its outcome unknown); the pause keeps any new run from starting.
  await until('the run under way to end', async () => ((await store.findJob('order-export', PROFILE, '3'))?.state === 'running' ? undefined : true), 60_000);
  e2e.cetec.faults.clear();
  const calls = e2e.cetec.journal().length;
  await sleep(1_500);
  assert.equal(e2e.cetec.journal().length, calls, 'no Cetec call while the profile is paused');
  assert.notEqual((await store.findJob('order-export', PROFILE, '3'))?.state, 'done');

  e2e.paperless.setIntegrationActive(true);
  await until('the profile to resume', async () => ((await store.getProfile(PROFILE)).paused ? undefined : true), 20_000);
  const job = await until('order 3 to be exported after resuming', async () => {
    const j = await store.findJob('order-export', PROFILE, '3');
    return j?.state === 'done' ? j : undefined;
  }, 20_000);
  assert.equal(job.state, 'done');
  assert.equal(e2e.cetec.state.quotesByExternalKey(plannedOrders(e2e.planOf(3))[0]!.external_key).length, 1);
  assert.equal(action(open.uuid).status, 'cancelled', 'a cancelled action stays cancelled');
});
