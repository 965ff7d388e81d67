/**
 * A profile's discovery as a once-only duty: of two processes ticking together, one runs the pass;
 * when the holder stops renewing, the other takes over after the lease; a clean stop hands it on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDuty, createDutyKeeper } from '../../src/engine/duty.ts';
import { createScheduler } from '../../src/engine/scheduler.ts';
import { parseCron } from '../../src/lib/cron.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import { testClock } from '../store/contract.ts';
import { until } from '../wait.ts';

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

test('a cron tick is evaluated once across processes: the holder keeps the duty between ticks, another takes it only when the holder dies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopwire-duty-'));
  const [storeA, storeB] = [openSqliteStore({ path: join(dir, 'db') }), openSqliteStore({ path: join(dir, 'db') })];
  // Ticks 3 s apart, a lease of 2.4 s: only a holder that renews between ticks keeps it.
  const leaseMs = 2_400;
  const passes: { owner: string; due: number }[] = [];
  const running: Array<() => Promise<unknown>> = [];
  const process = (store: typeof storeA, owner: string) => {
    const duty = createDuty({ store, duty: 'discovery:prod', owner, leaseMs });
    const keeper = createDutyKeeper({ store, owner, leaseMs });
    // Every 3 s, as `schedule.cron: "*/3 * * * * *"` would run discovery.
    const scheduler = createScheduler({ cron: parseCron('*/3 * * * * *'), immediately: false, run: (due) => duty.runIfHeld(async () => void passes.push({ owner, due })) });
    keeper.start();
    scheduler.start();
    const stop = () => Promise.all([keeper.stop(), scheduler.stop()]);
    running.push(stop);
    return { stop };
  };
  try {
    await storeA.migrate();
    const a = process(storeA, 'A');
    const b = process(storeB, 'B');
    // Between ticks the lease never runs out (sampled every 100 ms).
    let lapsed = 0;
    let sampling = true;
    running.push(async () => (sampling = false));
    const sampler = (async () => {
      while (sampling) {
        const lease = (await storeB.listDuties())[0];
        if (lease !== undefined && lease.leaseUntil < Date.now() - 200) lapsed++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await until('4 passes', () => passes.length >= 4, 60_000);
    sampling = false;
    await sampler;
    assert.equal(lapsed, 0, 'the holder kept its lease between ticks');
    const holder = passes[0]!.owner;
    assert.ok(passes.every((p) => p.owner === holder), `every pass on one process: ${passes.map((p) => p.owner).join('')}`);
    // The holder dies (stops ticking and renewing, releases nothing): the other takes over.
    const [dead, alive] = holder === 'A' ? [a, b] : [b, a];
    await dead.stop();
    const diedAt = Date.now();
    const before = passes.length;
    await until('the other process to take over', () => passes.slice(before).some((p) => p.owner !== holder), leaseMs + 20_000);
    const tookOverAfter = passes.find((p, i) => i >= before && p.owner !== holder)!.due - diedAt;
    assert.ok(tookOverAfter <= leaseMs + 10_000, `taken over ${tookOverAfter} ms after the holder died (lease ${leaseMs} ms)`);
    await alive.stop();
    const dues = passes.map((p) => p.due);
    assert.equal(new Set(dues).size, dues.length, 'no cron time evaluated twice');
  } finally {
    await Promise.all(running.map((stop) => stop()));
    await storeA.close();
    await storeB.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
