/**
 * `shopwire sync` takes each profile's discovery duty for its pass, as a running hub does: while a
 * `run` holds it, sync skips that profile's discovery and says so (the same pass never runs twice
 * at once), still exporting what is queued; with no hub, it runs the pass and leaves the duty free.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { configFor, PROFILE, startE2E, stopHub, until } from '../e2e/harness.ts';

test('sync skips the discovery a running hub holds, says so, and runs it once the hub has stopped', async () => {
  const e2e = await startE2E({ paperless: { orders: [], generated: { seed: 7, count: 2 } } });
  try {
    const hub = await e2e.startHub();
    const store = await e2e.store();
    await until('the hub to hold the discovery', async () => ((await store.listDuties()).some((d) => d.duty === `discovery:${PROFILE}`) ? true : undefined), 30_000);
    const held = (await store.listDuties()).find((d) => d.duty === `discovery:${PROFILE}`)!;

    const text = await e2e.cli(['sync']);
    assert.match(text.stdout, new RegExp(`^${PROFILE}: discovery skipped: another process \\(${held.owner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) is running it now`, 'm'), text.stdout + text.stderr);
    const json = await e2e.cli(['sync', '--json']);
    const out = JSON.parse(json.stdout) as { discovered: Record<string, number[]>; skipped: Record<string, string | null> };
    assert.deepEqual(out.discovered, {}, 'no discovery pass beside the hub\'s');
    assert.deepEqual(out.skipped, { [PROFILE]: held.owner });
    assert.equal((await store.listDuties()).find((d) => d.duty === `discovery:${PROFILE}`)?.owner, held.owner, 'the hub keeps its duty');

    // A clean stop releases the duty: sync runs the pass, and frees the duty when done.
    await stopHub(hub);
    const after = JSON.parse((await e2e.cli(['sync', '--json'])).stdout) as { discovered: Record<string, number[]>; skipped: Record<string, string | null> };
    assert.deepEqual(after.skipped, {});
    assert.ok(PROFILE in after.discovered, JSON.stringify(after));
    assert.deepEqual(await store.listDuties(), [], 'sync released the duty');
  } finally {
    await e2e.close();
  }
});

test('a profile whose Paperless Parts cannot be reached does not stop the other profiles\' pass: their orders are exported, its outage is recorded, and sync exits 3 naming it', async () => {
  const e2e = await startE2E({ paperless: { orders: [], generated: { seed: 11, count: 2 }, variants: false } });
  try {
    // `broken` comes first, so it is discovered first: its Paperless Parts is a closed loopback port.
    const config = configFor(e2e.cetec.url, e2e.paperless.url, {});
    const profiles = config.profiles as Record<string, Record<string, unknown>>;
    const good = profiles[PROFILE]!;
    const broken = { ...good, paperless: { ...(good.paperless as object), baseUrl: 'http://127.0.0.1:1' }, retry: { maxAttempts: 1 } };
    writeFileSync(e2e.configPath, stringify({ ...config, profiles: { broken, [PROFILE]: good } }));

    const run = await e2e.cli(['sync', '--json']);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const out = JSON.parse(run.stdout) as { discovered: Record<string, number[]>; failed: Record<string, { code: string; exitCode: number }>; jobs: Array<{ key: string; state: string }> };
    assert.deepEqual(Object.keys(out.failed), ['broken']);
    assert.equal(out.failed.broken!.exitCode, 3);
    assert.match(run.stderr, /^broken: discovery failed \(/m);
    const numbers = [...e2e.paperless.state.orders.keys()].map(String);
    assert.deepEqual(out.discovered[PROFILE]?.map(String).sort(), [...numbers].sort(), 'the other profile discovered its orders');
    const store = await e2e.store();
    for (const n of numbers) assert.equal((await store.findJob('order-export', PROFILE, n))?.state, 'done', `order ${n} exported`);
    // The outage is the profile's (status, the overview, /readyz read it), though its pass went on.
    const health = await store.listHealth();
    assert.notEqual(health.find((h) => h.profile === 'broken' && h.system === 'paperless')?.failingSince ?? null, null, JSON.stringify(health));
    assert.equal(health.find((h) => h.profile === PROFILE && h.system === 'paperless')?.failingSince ?? null, null, JSON.stringify(health));
  } finally {
    await e2e.close();
  }
});
