/**
 * A profile's discovery as a once-only duty: of two processes ticking together, one runs the pass;
 * when the holder stops renewing, the other takes over after the lease; a clean stop hands it on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDuty } from '../../src/engine/duty.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import { testClock } from '../store/contract.ts';

test('two processes ticking together: the pass runs on the holder only, moves on when its lease runs out, and at once on release', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopwire-duty-'));
  const clock = testClock();
  const [storeA, storeB] = [openSqliteStore({ path: join(dir, 'db'), clock: clock.read }), openSqliteStore({ path: join(dir, 'db'), clock: clock.read })];
  try {
    await storeA.migrate();
    const a = createDuty({ store: storeA, duty: 'discovery:prod', owner: 'A', leaseMs: 30_000 });
    const b = createDuty({ store: storeB, duty: 'discovery:prod', owner: 'B', leaseMs: 30_000 });
    const ran: string[] = [];
    const tick = async () => {
      const results = await Promise.all([a.runIfHeld(async () => ran.push('A')), b.runIfHeld(async () => ran.push('B'))]);
      return results;
    };
    for (let i = 0; i < 5; i++) {
      await tick();
      clock.advance(10_000);
    }
    assert.deepEqual(ran, ['A', 'A', 'A', 'A', 'A'], 'one pass per tick, on the holder');
    const [, skipped] = await tick();
    assert.deepEqual(skipped, { ran: false, holder: 'A' });

    // A dies (stops ticking): B takes over once A's lease has run out, not before.
    ran.length = 0;
    await b.runIfHeld(async () => ran.push('B'));
    clock.advance(29_000);
    await b.runIfHeld(async () => ran.push('B'));
    clock.advance(1_001);
    await b.runIfHeld(async () => ran.push('B'));
    assert.deepEqual(ran, ['B']);

    // B stops cleanly: A takes it at its next tick.
    await b.release();
    ran.length = 0;
    await tick();
    assert.deepEqual(ran, ['A']);
  } finally {
    await storeA.close();
    await storeB.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restarted process takes the duty at once from the process of this machine it replaces, never from a live one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopwire-duty-'));
  const clock = testClock();
  const store = openSqliteStore({ path: join(dir, 'db'), clock: clock.read });
  try {
    await store.migrate();
    const old = createDuty({ store, duty: 'discovery:prod', owner: 'host:111:aa', leaseMs: 30_000 });
    assert.equal((await old.runIfHeld(async () => 1)).ran, true);
    const alive = createDuty({ store, duty: 'discovery:prod', owner: 'host:222:bb', leaseMs: 30_000, holderGone: () => false });
    assert.deepEqual(await alive.runIfHeld(async () => 2), { ran: false, holder: 'host:111:aa' });
    const restarted = createDuty({ store, duty: 'discovery:prod', owner: 'host:333:cc', leaseMs: 30_000, holderGone: (o) => o === 'host:111:aa' });
    assert.deepEqual(await restarted.runIfHeld(async () => 3), { ran: true, value: 3 });
    assert.deepEqual(await old.runIfHeld(async () => 1), { ran: false, holder: 'host:333:cc' });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
