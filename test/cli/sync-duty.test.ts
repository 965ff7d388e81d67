/**
 * `shopwire sync` takes each profile's discovery duty for its pass, as a running hub does: while a
 * `run` holds it, sync skips that profile's discovery and says so (the same pass never runs twice
 * at once), still exporting what is queued; with no hub, it runs the pass and leaves the duty free.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILE, startE2E, stopHub, until } from '../e2e/harness.ts';

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
