/**
 * One config file serves several instances: `run --port N` and `SHOPWIRE_PORT` choose the listen
 * port over `server.port`, so two `run` processes of the same file listen side by side.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { startE2E, stopHub, type E2E } from '../e2e/harness.ts';

let env: E2E;
before(async () => {
  env = await startE2E();
});
after(async () => env?.close());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

test('two run processes of one config file listen on the ports given by --port and SHOPWIRE_PORT', async () => {
  const [a, b] = [await freePort(), await freePort()];
  const first = await env.startHub({ args: ['--port', String(a)] });
  const second = await env.startHub({ env: { SHOPWIRE_PORT: String(b) } });
  try {
    assert.match(first.stdout(), new RegExp(`dashboard http://127\\.0\\.0\\.1:${a}/`));
    assert.match(second.stdout(), new RegExp(`dashboard http://127\\.0\\.0\\.1:${b}/`));
    for (const port of [a, b]) {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(response.status, 200);
    }
  } finally {
    await Promise.all([stopHub(first), stopHub(second)]);
  }
});

test('--port wins over SHOPWIRE_PORT', async () => {
  const [a, b] = [await freePort(), await freePort()];
  const hub = await env.startHub({ args: ['--port', String(a)], env: { SHOPWIRE_PORT: String(b) } });
  try {
    assert.match(hub.stdout(), new RegExp(`:${a}/`));
  } finally {
    await stopHub(hub);
  }
});

test('a port that is not a number is refused with a usage error naming where it came from', async () => {
  const flag = await env.cli(['run', '--port', 'eighty']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--port: "eighty" is not a port number/);
  const fromEnv = await env.cli(['run'], { env: { SHOPWIRE_PORT: '70000' } });
  assert.equal(fromEnv.code, 2);
  assert.match(fromEnv.stderr, /SHOPWIRE_PORT: "70000" is not a port number/);
});
