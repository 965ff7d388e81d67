/**
 * The long-running commands run with the memory settings of bin/process-settings.js, in the very
 * process that was started (same pid, so a supervisor's signals reach the hub), and an operator
 * can turn them off. Linux only: the settings are read back from /proc.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const bin = new URL('../../bin/shopwire.js', import.meta.url).pathname;
const linux = process.platform === 'linux' && existsSync('/proc/self/environ');

/** Starts `shopwire demo`, waits until the process at the spawned pid runs the hub, reads its settings, stops it. */
async function settingsOfDemo(env: NodeJS.ProcessEnv): Promise<{ argv: string[]; env: string[] }> {
  const child = spawn(process.execPath, [bin, 'demo', '--port', '0', '--duration', '20', '--orders', '1'], {
    env: { ...env, SHOPWIRE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  try {
    const deadline = Date.now() + 30_000;
    while (!/dashboard\s+http/.test(stdout)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `demo did not come up:\n${stdout}`);
      await sleep(50);
    }
    const read = (file: string) => readFileSync(`/proc/${child.pid}/${file}`, 'utf8').split('\0').filter(Boolean);
    return { argv: read('cmdline'), env: read('environ') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
  }
}

test('shopwire demo runs with the memory settings, in the process that was started', { skip: !linux && 'needs /proc (Linux)' }, async () => {
  const { SHOPWIRE_PROCESS_SETTINGS: _, MALLOC_ARENA_MAX: _a, MALLOC_TRIM_THRESHOLD_: _t, ...env } = process.env;
  const seen = await settingsOfDemo(env);
  assert.ok(seen.argv.includes('--optimize-for-size'), seen.argv.join(' '));
  assert.ok(seen.env.includes('MALLOC_ARENA_MAX=2'));
  assert.ok(seen.env.includes('MALLOC_TRIM_THRESHOLD_=131072'));
  assert.ok(seen.env.includes('SHOPWIRE_PROCESS_SETTINGS=applied'));
});

test('SHOPWIRE_PROCESS_SETTINGS=off runs the command as started; an operator\'s own value wins', { skip: !linux && 'needs /proc (Linux)' }, async () => {
  const off = await settingsOfDemo({ ...process.env, SHOPWIRE_PROCESS_SETTINGS: 'off' });
  assert.ok(!off.argv.includes('--optimize-for-size'), off.argv.join(' '));
  const { SHOPWIRE_PROCESS_SETTINGS: _, ...env } = process.env;
  const own = await settingsOfDemo({ ...env, MALLOC_ARENA_MAX: '4' });
  assert.ok(own.env.includes('MALLOC_ARENA_MAX=4'));
  assert.ok(own.argv.includes('--optimize-for-size'));
});
