import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createScheduler, nextTickAfter } from '../../src/engine/scheduler.ts';
import { parseCron } from '../../src/lib/cron.ts';

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

it('a cron schedule ticks at the expression\'s times: every second with six fields, never for a date far away', async () => {
  const dues: number[] = [];
  const everySecond = createScheduler({ cron: parseCron('* * * * * *'), immediately: false, run: async (due) => void dues.push(due) });
  let yearly = 0;
  const newYear = createScheduler({ cron: parseCron('0 0 1 1 *'), immediately: false, run: async () => void yearly++ });
  everySecond.start();
  newYear.start();
  const deadline = Date.now() + 20_000;
  while (dues.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await everySecond.stop();
  await newYear.stop();
  assert.ok(dues.length >= 3, `ticked ${dues.length} times in up to 20 s`);
  for (const due of dues) assert.equal(due % 1_000, 0, `each tick is due at a whole second: ${new Date(due).toISOString()}`);
  assert.equal(new Set(dues).size, dues.length, 'no cron time ticked twice');
  assert.equal(yearly, 0, 'the New Year schedule did not tick');
  assert.equal(nextTickAfter({ cron: parseCron('0 0 1 1 *', 'UTC') }, Date.UTC(2031, 5, 1)), Date.UTC(2032, 0, 1), 'the next tick of a cron schedule');
  assert.equal(nextTickAfter({ every: 300_000 }, 1_000), 301_000, 'the next tick of an interval');
});
