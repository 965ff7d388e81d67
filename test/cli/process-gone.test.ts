/** `processGone`: which duty holders a restarted hub may replace at once (docs/scaling.md). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { processGone } from '../../src/cli/daemon.ts';

test('a process of this machine that exited is gone; a live one, or one of another machine, is not', () => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const exitedPid = Number(child.stdout);
  assert.equal(processGone(`${hostname()}:${exitedPid}:abc123`), true);
  assert.equal(processGone(`${hostname()}:${process.pid}:abc123`), false);
  assert.equal(processGone(`some-other-machine:${exitedPid}:abc123`), false);
  assert.equal(processGone('garbage'), false);
});
