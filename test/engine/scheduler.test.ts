import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createScheduler } from '../../src/engine/scheduler.ts';

it('runs at a fixed interval, never overlapping, and stops', async () => {
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const s = createScheduler({
    every: 10,
    run: async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      await new Promise((r) => setTimeout(r, 25)); // longer than the interval
      active--;
    },
  });
  s.start();
  await new Promise((r) => setTimeout(r, 120));
  await s.stop();
  const after = runs;
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(maxActive, 1, 'runs never overlap');
  assert.ok(runs >= 2, `ran ${runs} times`);
  assert.ok(s.skipped >= 1, 'ticks during a run are skipped');
  assert.equal(runs, after, 'nothing runs after stop()');
});

it('reports errors and keeps going', async () => {
  const errors: unknown[] = [];
  let n = 0;
  const s = createScheduler({ every: 5, run: async () => { n++; throw new Error('boom'); }, onError: (e) => errors.push(e) });
  s.start();
  await new Promise((r) => setTimeout(r, 40));
  await s.stop();
  assert.ok(n >= 2);
  assert.equal(errors.length, n);
});
