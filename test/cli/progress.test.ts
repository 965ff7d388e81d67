/**
 * The progress line of long commands: drawn on stderr only when it is a terminal, never with
 * `--json` or through a pipe, only after a couple of seconds, one line cut to the terminal's width,
 * cleared at the end. The helper is checked with a stream object standing in for a terminal (it is
 * a formatting unit); the commands for real: `order` through a pipe (nothing) and on a
 * pseudo-terminal made by util-linux `script` (a line while Paperless Parts is slow to answer).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { generateOrder } from '../../emulators/paperless/generate-order.ts';
import { progress } from '../../src/cli/terminal.ts';
import { BIN, REPO, startE2E, until, type E2E } from '../e2e/harness.ts';

const CLEAR = '\r\u001b[2K';

function fakeTerminal(isTTY = true, columns = 60) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

describe('the progress helper', () => {
  test('draws nothing in the first two seconds, then one line: label, count, note, elapsed; cleared when done', () => {
    const { writes, stream } = fakeTerminal();
    let now = 1_000_000;
    const bar = progress('sync', { total: 10, stream, now: () => now, everyMs: 3_600_000 });
    assert.equal(bar.active, true);
    bar.tick(1, 'job run(s) ended');
    now += 1_500;
    bar.tick(2, 'job run(s) ended');
    assert.deepEqual(writes, [], 'quick work shows nothing');
    now += 1_500;
    bar.tick(3, 'job run(s) ended');
    assert.deepEqual(writes, [`${CLEAR}sync: 3/10 job run(s) ended (3 s)`]);
    bar.note('exporting order 179');
    assert.equal(writes.at(-1), `${CLEAR}sync: 3/10 exporting order 179 (3 s)`);
    bar.note('x'.repeat(200));
    const cut = String(writes[writes.length - 1]);
    assert.equal(cut.length - CLEAR.length, 59, 'cut to the width of the terminal, less one column');
    assert.ok(cut.endsWith('…'));
    bar.done();
    assert.equal(writes.at(-1), CLEAR, 'the line is cleared');
    const count = writes.length;
    bar.tick(4);
    bar.done();
    assert.equal(writes.length, count, 'nothing after done');
  });

  test('a terminal that reports no size counts as 80 columns', () => {
    const { writes, stream } = fakeTerminal(true, 0);
    let now = 0;
    const bar = progress('order 179', { stream, now: () => now, everyMs: 3_600_000 });
    now = 3_000;
    bar.note('looking up order 179 in Paperless Parts');
    assert.deepEqual(writes, [`${CLEAR}order 179: looking up order 179 in Paperless Parts (3 s)`]);
    bar.done();
  });

  test('without a count: the note and the elapsed time', () => {
    const { writes, stream } = fakeTerminal();
    let now = 0;
    const bar = progress('backup', { stream, now: () => now, everyMs: 3_600_000 });
    now = 4_200;
    bar.note('copying the store');
    assert.deepEqual(writes, [`${CLEAR}backup: copying the store (4 s)`]);
    bar.done();
  });

  test('nothing at all when stderr is not a terminal, or with --json (quiet); the poll is never read then', async () => {
    for (const [what, terminal, quiet] of [
      ['a pipe', fakeTerminal(false), false],
      ['--json', fakeTerminal(true), true],
    ] as const) {
      let polls = 0;
      const bar = progress('order 179', { stream: terminal.stream, quiet, afterMs: 0, everyMs: 5, poll: () => String(++polls) });
      assert.equal(bar.active, false, what);
      bar.tick(1, 'note');
      bar.note('note');
      await new Promise((resolve) => setTimeout(resolve, 100));
      bar.done();
      assert.deepEqual(terminal.writes, [], `${what}: nothing written`);
      assert.equal(polls, 0, `${what}: nothing polled`);
    }
  });

  test('one long wait still shows: redrawn on its own with what the poll says, until done', async () => {
    const { writes, stream } = fakeTerminal();
    const bar = progress('order 179', { stream, afterMs: 0, everyMs: 10, poll: async () => '2 of 5 step(s) done' });
    await until('a redraw with the polled note', () => (writes.some((w) => w.includes('order 179: 2 of 5 step(s) done (')) ? true : undefined), 20_000, 10);
    bar.done();
    const count = writes.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(writes.length, count, 'no redraw after done');
    assert.equal(writes.at(-1), CLEAR);
  });
});

const ORDER = 3301;
const SCRIPT = '/usr/bin/script';

describe('the commands', () => {
  let e2e: E2E;
  before(async () => {
    e2e = await startE2E({ paperless: { generated: { seed: 5, count: 2, startNumber: ORDER } }, profile: { paperless: { timeoutMs: 60_000 } } });
  });
  after(async () => {
    await e2e?.close();
  });

  test('through a pipe (as cron and scripts run them) no progress line, also while a call is slow', async () => {
    e2e.paperless.faults.script(`GET /orders/public/${ORDER}`, [{ kind: 'latency', ms: 3_000 }]);
    const run = await e2e.cli(['order', String(ORDER)]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(!run.stderr.includes('\r') && !run.stderr.includes('\u001b['), JSON.stringify(run.stderr));
    const sync = await e2e.cli(['sync', '--json']);
    assert.ok(!sync.stderr.includes('\r') && !sync.stderr.includes('\u001b['), JSON.stringify(sync.stderr));
  });

  test('on a terminal, a progress line while Paperless Parts is slow to answer; none with --json', { skip: existsSync(SCRIPT) ? false : `${SCRIPT} (util-linux) is missing` }, async () => {
    const onTerminal = (args: string[]): Promise<{ code: number | null; output: string }> =>
      new Promise((resolve, reject) => {
        const command = [process.execPath, BIN, '--config', e2e.configPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
        // stdout and stderr both go to the pseudo-terminal: the output holds both.
        const child = spawn(SCRIPT, ['-qec', command, '/dev/null'], { cwd: REPO, env: { ...e2e.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, output });
        });
      });
    // The lookup of a new order waits 8 s for Paperless Parts: the line appears after 2 s.
    const fresh = ORDER + 10;
    await e2e.paperless.addOrder(generateOrder(6, { number: fresh }));
    e2e.paperless.faults.script(`GET /orders/public/${fresh}`, [{ kind: 'latency', ms: 8_000 }]);
    const shown = await onTerminal(['order', String(fresh)]);
    assert.equal(shown.code, 0, shown.output);
    assert.match(shown.output, new RegExp(`\\r\\u001b\\[2Korder ${fresh}: looking up order ${fresh} in Paperless Parts \\(\\d+ s\\)`), JSON.stringify(shown.output));
    assert.match(shown.output, new RegExp(`\\u001b\\[2K[^\\r]*order ${fresh} +done`), 'the outcome is printed once the line is cleared');

    e2e.paperless.faults.script(`GET /orders/public/${fresh}`, [{ kind: 'latency', ms: 4_000 }]);
    const json = await onTerminal(['replay', String(fresh), '--json']);
    assert.equal(json.code, 0, json.output);
    assert.ok(!json.output.includes('\u001b[2K'), `no progress line with --json: ${JSON.stringify(json.output)}`);
  });
});
