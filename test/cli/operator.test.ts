/**
 * The command line as an operator uses it against the emulators: exit codes for cron and
 * monitoring (`sync`, `status --check`), one identity for a job (order number or job id, with
 * `--profile` when ambiguous) for `replay`, `resolve` and `cancel`, and a mistyped order number
 * that creates nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { generateBadOrder } from '../../emulators/paperless/generate-order.ts';
import { findJobByRef } from '../../src/cli/job-ref.ts';
import { parseConfig } from '../../src/config/load.ts';
import { openStore } from '../../src/store/open.ts';
import { allJobs, startE2E, type E2E } from '../e2e/harness.ts';

// Not a small number: job ids are small numbers too, and a ref that is both is refused as ambiguous (cli/job-ref.ts).
const BAD = 101;
let e2e: E2E;

before(async () => {
  e2e = await startE2E({
    paperless: { orders: [generateBadOrder(8, BAD, 'unmapped-operation').order], generated: { seed: 41, count: 2, startNumber: 2 } },
  });
});

after(async () => {
  await e2e?.close();
});

test('sync exits 1 while a job needs attention, also on a pass that did not touch it; status --check says so too', async () => {
  const first = await e2e.cli(['sync']);
  assert.equal(first.code, 1, first.stdout + first.stderr);
  const second = await e2e.cli(['sync', '--json']);
  assert.equal(second.code, 1, 'the job still needs a person: cron keeps reporting it');
  assert.equal(JSON.parse(second.stdout).needsAttention, 1);

  const check = await e2e.cli(['status', '--check']);
  assert.equal(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /needs attention \(1\):/);
  assert.match(check.stdout, /last poll \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+ s ago\)/, 'local time for people');
  assert.ok(!/\d{4}-\d\d-\d\dT\d\d:\d\d/.test(check.stdout), 'no ISO stamps in the human output');
  assert.match(check.stdout, /ok {4}profiles\.shop\.cetec: .* answered with the token/);
  const json = await e2e.cli(['status', '--json']);
  assert.equal(json.code, 0, 'without --check, status only reports');
  assert.match(JSON.parse(json.stdout).profiles[0].lastPollAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test('a mistyped order number says the order does not exist and creates nothing', async () => {
  const run = await e2e.cli(['order', '99999']);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /order 99999 does not exist in Paperless Parts \(profile shop\); nothing was created/);
  const jobs = await allJobs(await e2e.store());
  assert.ok(!jobs.some((j) => j.key === '99999'));
});

test('cancel, replay and resolve take the order number as well as the job id', async () => {
  const store = await e2e.store();
  const job = (await allJobs(store)).find((j) => j.key === String(BAD))!;
  assert.equal(job.state, 'needs-attention');

  const cancelled = await e2e.cli(['cancel', String(BAD), '--json']);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(JSON.parse(cancelled.stdout).state, 'cancelled');
  assert.equal(JSON.parse(cancelled.stdout).id, job.id);
  const again = await e2e.cli(['cancel', job.id]);
  assert.equal(again.code, 2, 'a cancelled job cannot be cancelled again');

  const replayed = await e2e.cli(['replay', String(BAD), '--profile', 'shop', '--json']);
  assert.equal(replayed.code, 1, 'the order still cannot be translated');
  assert.equal(JSON.parse(replayed.stdout).state, 'needs-attention');

  const resolved = await e2e.cli(['resolve', String(BAD), '--not-created', '--json']);
  assert.equal(resolved.code, 2, 'nothing to resolve: the job is not waiting on an unknown import');
  assert.match(resolved.stderr, /^shopwire: resolve: /);

  const wrongProfile = await e2e.cli(['replay', String(BAD), '--profile', 'nope']);
  assert.equal(wrongProfile.code, 2);
  assert.match(wrongProfile.stderr, /no profile named "nope"/);
  const unknown = await e2e.cli(['cancel', '424242']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no job "424242"/);
});

test('every operator action from the command line is in the audit log: who (the OS user), when, what', async () => {
  const started = Date.now();
  const store = await e2e.store();
  // Earlier tests' actions are in the log too: only what this test does counts.
  const earlier = new Set((await store.listAudit({ limit: 1000 })).map((e) => e.id));
  const bad = (await allJobs(store)).find((j) => j.key === String(BAD))!;
  const good = (await allJobs(store)).find((j) => j.key === '2')!;
  assert.equal(good.state, 'done');

  assert.equal((await e2e.cli(['order', String(BAD)])).code, 1, 'the order still cannot be translated');
  assert.equal((await e2e.cli(['order', '2'])).code, 0);
  assert.equal((await e2e.cli(['cancel', String(BAD), '--reason', 'customer withdrew it'])).code, 0);
  assert.equal((await e2e.cli(['replay', String(BAD)])).code, 1);
  await store.updateProfile('shop', { paused: true, pausedReason: 'credentials refused (cetec.auth_failed): test' });
  assert.equal((await e2e.cli(['resume'])).code, 0);

  const who = `cli:${userInfo().username}`;
  const entries = (await store.listAudit({ limit: 1000 })).filter((e) => !earlier.has(e.id)).reverse();
  const seen = entries.map((e) => [e.action, e.actor, e.jobId, e.detail]);
  assert.deepEqual(seen, [
    ['order', who, bad.id, `shopwire order ${BAD}: retried now (was needs-attention)`],
    ['order', who, good.id, 'shopwire order 2: already exported: nothing done'],
    ['cancel', who, bad.id, 'shopwire cancel: customer withdrew it'],
    ['replay', who, bad.id, 'shopwire replay'],
    ['resume', who, null, 'resumed by hand (was paused: credentials refused (cetec.auth_failed): test)'],
  ]);
  for (const e of entries) assert.ok(e.at >= started - 1000 && e.at <= Date.now(), 'when');
  assert.ok(entries.every((e) => e.profile === 'shop'));
});

test('status --check exits 3 when a system does not answer', async () => {
  e2e.writeConfig({ cetec: { baseUrl: 'http://127.0.0.1:9' } });
  const check = await e2e.cli(['status', '--check', '--json']);
  assert.equal(check.code, 3, check.stdout + check.stderr);
  const body = JSON.parse(check.stdout);
  assert.equal(body.check.exitCode, 3);
  assert.ok(body.check.systems.some((f: { level: string; text: string }) => f.level === 'error' && f.text.startsWith('profiles.shop.cetec')));
});

test('an order number that names jobs in two profiles needs --profile; a number that is both a job id and an order is refused until job: or order: says which', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shopwire-jobref-'));
  const config = parseConfig('profiles:\n  prod: { cetec: { baseUrl: https://a.example } }\n  sandbox: { cetec: { baseUrl: https://b.example } }\n', path.join(dir, 'shopwire.yaml'), {});
  const store = openStore({ sqlite: path.join(dir, 'store.db') });
  await store.migrate();
  try {
    const prod = (await store.enqueueJob({ flow: 'order-export', profile: 'prod', key: '179', trigger: { kind: 'cli' } })).job;
    const sandbox = (await store.enqueueJob({ flow: 'order-export', profile: 'sandbox', key: '179', trigger: { kind: 'cli' } })).job;
    const design = (await store.enqueueJob({ flow: 'design-import', profile: 'prod', key: 'CABLE_A/0', trigger: { kind: 'cli' } })).job;
    await assert.rejects(findJobByRef(store, config, '179', undefined, 'replay'), (e: Error & { code?: string }) => e.code === 'cli.ambiguous' && /add --profile/.test(e.message) && e.message.includes(prod.id) && e.message.includes(sandbox.id));
    assert.equal((await findJobByRef(store, config, '179', 'sandbox', 'replay')).id, sandbox.id);
    assert.equal((await findJobByRef(store, config, sandbox.id, undefined, 'replay')).id, sandbox.id);
    assert.equal((await findJobByRef(store, config, 'CABLE_A', undefined, 'replay')).id, design.id, 'a design without alternative is alternative 0');
    assert.equal((await findJobByRef(store, config, 'CABLE_A/0', undefined, 'replay')).id, design.id);
    assert.equal((await findJobByRef(store, config, 'design:CABLE_A', undefined, 'replay')).id, design.id);

    // An order whose number is another job's id: a bare number names both, so nothing is guessed.
    const clash = (await store.enqueueJob({ flow: 'order-export', profile: 'prod', key: String(prod.id), trigger: { kind: 'cli' } })).job;
    await assert.rejects(
      findJobByRef(store, config, String(prod.id), 'prod', 'cancel'),
      (e: Error & { code?: string }) => e.code === 'cli.ambiguous' && e.message.includes(`job ${prod.id} (prod, order 179`) && e.message.includes(`job ${clash.id} (prod, order ${prod.id}`) && /job:<id>/.test(e.message),
    );
    assert.equal((await findJobByRef(store, config, `job:${prod.id}`, undefined, 'cancel')).id, prod.id);
    assert.equal((await findJobByRef(store, config, `order:${prod.id}`, 'prod', 'cancel')).id, clash.id);
    await assert.rejects(findJobByRef(store, config, 'job:999999', undefined, 'cancel'), (e: Error & { code?: string }) => e.code === 'cli.not_found');
  } finally {
    await store.close();
  }
});
