/**
 * A mapping fix without a restart: `shopwire run` reloads its config file on SIGHUP. A file with a
 * problem is refused whole (the running config is kept, the log says why); a good one puts the new
 * mapping in force for the next run of a job, in the same process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateBadOrder } from '../../emulators/paperless/generate-order.ts';
import { allJobs, startE2E, stopHub, until, type E2E } from '../e2e/harness.ts';

let e2e: E2E;

before(async () => {
  e2e = await startE2E({ paperless: { orders: [generateBadOrder(8, 1, 'unmapped-operation').order], generated: { seed: 41, count: 1, startNumber: 2 } } });
});

after(async () => {
  await e2e?.close();
});

test('run reloads its config on SIGHUP: a broken file is refused, a mapping fix applies without a restart', async () => {
  const hub = await e2e.startHub({ env: { SHOPWIRE_LOG_LEVEL: 'info' } });
  try {
    const store = await e2e.store();
    const job = await until('the bad order to need attention', async () => (await allJobs(store)).find((j) => j.key === '1' && j.state === 'needs-attention'), 60_000);

    e2e.writeConfig({ translation: { routing: { operations: { Levitation: 'assembly' } } }, retry: { maxAttempts: 'eight' as unknown as number } });
    hub.child.kill('SIGHUP');
    await until('the refusal in the log', () => (/config not reloaded/.test(hub.stderr()) ? true : undefined), 30_000);
    assert.match(hub.stderr(), /profiles\.shop\.retry\.maxAttempts/);
    const retried = await store.retryJob(job.id);
    assert.ok(retried.ok);
    const since = retried.job.updatedAt;
    const again = await until('the job to fail again on the old mapping', async () => {
      const j = await store.getJob(job.id);
      return j && j.state === 'needs-attention' && j.updatedAt > since ? j : undefined;
    }, 60_000);
    assert.match(again.lastError!.message, /"Levitation" has no Cetec location/);

    e2e.writeConfig({ translation: { routing: { operations: { Levitation: 'assembly' } } } });
    hub.child.kill('SIGHUP');
    await until('the reload in the log', () => (/config reloaded/.test(hub.stderr()) ? true : undefined), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${hub.stderr().slice(-3000)}`);
    });
    assert.match(hub.stderr(), /"applied":\["profiles\.shop\.translation"\]/);
    assert.ok((await store.retryJob(job.id)).ok);
    const done = await until('the job to be done with the new mapping', async () => ((await store.getJob(job.id))?.state === 'done' ? (await store.getJob(job.id))! : undefined), 60_000);
    assert.equal(done.state, 'done');
    assert.equal(hub.child.exitCode, null, 'the same process, never restarted');

    // Both reloads are in the audit log, who asked and what came of it.
    const reloads = await until('both reloads in the audit log', async () => {
      const entries = (await store.listAudit()).filter((e) => e.action === 'config-reload');
      return entries.length >= 2 ? entries : undefined;
    }, 30_000);
    assert.ok(reloads.every((e) => e.actor === 'SIGHUP'));
    assert.ok(reloads.some((e) => /^refused .*1 problem/.test(e.detail ?? '')), JSON.stringify(reloads));
    assert.ok(reloads.some((e) => /^reloaded .*applied: profiles\.shop\.translation/.test(e.detail ?? '')), JSON.stringify(reloads));

    // At info, HTTP requests (the dashboard's auto-refresh) are not logged.
    const url = /dashboard (http:\/\/\S+)\//.exec(hub.stdout())![1]!;
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}/healthz`)).status, 200);
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(hub.stderr(), /incoming request|request completed|"msg":"request"/);
    assert.doesNotMatch(hub.stderr(), /Deprecation|FSTDEP/, 'no deprecation warning on stderr');
  } finally {
    await stopHub(hub);
  }
});
