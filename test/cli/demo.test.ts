/**
 * The README's main job: `shopwire demo` starts the three emulators and the hub, and orders and
 * designs flow into the emulated Cetec without any configuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

test('shopwire demo: orders and designs flow into the emulated Cetec, and the summary says so', async () => {
  const bin = new URL('../../bin/shopwire.js', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, [bin, 'demo', '--port', '0', '--duration', '12', '--every', '2', '--orders', '3'], {
    timeout: 60_000,
    env: { ...process.env, SHOPWIRE_LOG_LEVEL: 'silent' },
  });
  assert.match(stdout, /dashboard {6}http:\/\/127\.0\.0\.1:\d+\/ {3}\(user demo, password \S+\)/);
  const orders = Number(/demo summary: (\d+) sales orders/.exec(stdout)?.[1]);
  assert.ok(orders >= 5, `the fixture and generated orders reach Cetec (got ${orders})\n${stdout}`);
  assert.match(stdout, /design-import done: [1-9]/, 'designs sent by the CableBuilder emulator are imported');
  assert.match(stdout, /order-export needs-attention: 1/, 'the sample order with an unmapped operation waits for a person');
  assert.doesNotMatch(stdout, /demo-(cetec|pp|cb)-[0-9a-f]{18}/, 'no emulator token is printed');
});
