/**
 * `shopwire cetec selftest` through the real CLI against the Cetec emulator: on a profile that is
 * not a sandbox it only reads (and checks the lookup against an order the hub exported); on a
 * sandbox profile it imports one marked test order twice and records what a reused key did. What
 * it establishes is stored per profile with its time and is what the hub then relies on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDashboardPort } from '../../src/cli/dashboard-port.ts';
import { tenantBehaviour } from '../../src/engine/cetec-tenant.ts';
import { PROFILE, startE2E, type E2E } from './harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E({});
});
after(async () => {
  await e2e?.close();
});

type SelftestJson = {
  report: { orderLookup: { established: boolean; detail: string } | null; reusedKey: { behaviour: string; words: string | null } | null; testOrders: unknown[]; notes: string[] };
  established: { orderLookup: { established: boolean; at: number } | null; reusedKey: { behaviour: string; at: number } | null };
};

const selftest = async (): Promise<SelftestJson> => {
  const run = await e2e.cli(['cetec', 'selftest', '--json']);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as SelftestJson;
};

const writes = () => e2e.cetec.journal().filter((j) => j.method !== 'GET');

test('not a sandbox, nothing exported yet: reads nothing, writes nothing, establishes nothing', async () => {
  const out = await selftest();
  assert.equal(writes().length, 0, 'no write on a profile that is not a sandbox');
  assert.equal(out.report.orderLookup, null);
  assert.equal(out.report.reusedKey, null);
  assert.ok(out.report.notes.some((n) => /not a sandbox/.test(n)));
  const stored = await (await e2e.store()).getTenantFacts(PROFILE, 'cetec');
  assert.deepEqual(tenantBehaviour(stored?.facts), { orderLookup: false, duplicateExternalKey: 'unknown' });
});

test('not a sandbox, after an export: the lookup is checked against that order with reads only, and established', async () => {
  const [number] = [...e2e.paperless.state.orders.keys()];
  const exported = await e2e.cli(['order', String(number)]);
  assert.equal(exported.code, 0, exported.stderr);
  const writesBefore = writes().length;
  const out = await selftest();
  assert.equal(writes().length, writesBefore, 'the lookup check only reads');
  assert.equal(out.report.orderLookup?.established, true, out.report.orderLookup?.detail);
  assert.equal(out.established.reusedKey, null, 'what a reused key does is still unknown');
  assert.equal(tenantBehaviour((await (await e2e.store()).getTenantFacts(PROFILE, 'cetec'))?.facts).orderLookup, true);
});

test('a sandbox profile: one marked test order imported twice shows what a reused key does, in its words; the text report says so', async () => {
  e2e.writeConfig({ cetec: { sandbox: true } });
  const importsBefore = e2e.cetec.journal().filter((j) => j.path === '/importjson/quotes').length;
  const out = await selftest();
  assert.equal(e2e.cetec.journal().filter((j) => j.path === '/importjson/quotes').length - importsBefore, 2);
  assert.equal(out.report.reusedKey?.behaviour, 'reject');
  assert.ok(out.report.reusedKey?.words, 'the refusal words are recorded');
  const marked = e2e.cetec.state.quotes().filter((q) => q.external_key.startsWith('shopwire-selftest-'));
  assert.equal(marked.length, 1, 'one test order, not two (the tenant refused the reused key)');
  assert.match(String(marked[0]!.header.customer_name), /SELF-TEST/);
  const behaviour = tenantBehaviour((await (await e2e.store()).getTenantFacts(PROFILE, 'cetec'))?.facts);
  assert.equal(behaviour.duplicateExternalKey, 'reject');
  assert.equal(behaviour.orderLookup, true);

  // The dashboard's Settings page reads the same through the real port over the store.
  const lines = await createDashboardPort(await e2e.store()).cetecTenant!(PROFILE);
  assert.match(lines.join('\n'), /order lookup by external key: established .*\nreused external key: reject \(/);

  const text = await e2e.cli(['cetec', 'selftest']);
  assert.match(text.stdout, /test order left in the sandbox: external key shopwire-selftest-/);
  assert.match(text.stdout, /reused external key: reject \(\d{4}-\d\d-\d\dT/);
  assert.match(text.stdout, /order lookup by external key: established/);
});
