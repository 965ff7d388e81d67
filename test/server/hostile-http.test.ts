/**
 * Hostile clients on loopback: trickled headers and bodies, idle keep-alive connections, one
 * address opening many connections, a login `next` with control characters, a foreign Host.
 * Each is cut off or refused by the real server (listening on 127.0.0.1), within deadlines that
 * are generous for a loaded machine; the measured times are printed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { cookiesOf, PASSWORD, startHarness, USER, type Harness } from './harness.ts';

const LIMITS = (extra: string) => `
server:
  limits: { headersSeconds: 2, requestSeconds: 3, keepAliveSeconds: 1, idleSeconds: 30, connectionsPerAddress: 500${extra} }
`;

async function listen(h: Harness): Promise<number> {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const address = h.app.server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

type Tracked = { socket: Socket; closedAt: number | null; received: string };

async function open(port: number): Promise<Tracked> {
  const socket = connect({ host: '127.0.0.1', port });
  const tracked: Tracked = { socket, closedAt: null, received: '' };
  socket.on('data', (chunk) => (tracked.received += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.on('close', () => (tracked.closedAt = Date.now()));
  await once(socket, 'connect');
  return tracked;
}

/** Sends `head` now, then one byte of `drip` every `everyMs` until the server closes the socket. */
function trickle(t: Tracked, head: string, drip: string, everyMs: number): void {
  t.socket.write(head);
  const timer = setInterval(() => {
    if (t.closedAt !== null || t.socket.destroyed) clearInterval(timer);
    else t.socket.write(drip);
  }, everyMs);
  t.socket.once('close', () => clearInterval(timer));
}

async function allClosed(sockets: Tracked[], deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (sockets.some((s) => s.closedAt === null) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const open = sockets.filter((s) => s.closedAt === null).length;
  for (const s of sockets) s.socket.destroy();
  assert.equal(open, 0, `${open} of ${sockets.length} connections still open after ${deadlineMs / 1000} s`);
}

test('150 trickling bodies and 150 trickling headers are all cut off; the server still answers', async () => {
  const h = await startHarness({}, { serverYaml: LIMITS('') });
  try {
    const port = await listen(h);
    const started = Date.now();
    const bodies: Tracked[] = [];
    const headers: Tracked[] = [];
    for (let i = 0; i < 150; i++) {
      const b = await open(port);
      trickle(b, `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n`, 'a', 500);
      bodies.push(b);
      const hd = await open(port);
      trickle(hd, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `, 'a', 500);
      headers.push(hd);
    }
    await allClosed([...bodies, ...headers], 60_000);
    const slowest = Math.max(...[...bodies, ...headers].map((s) => s.closedAt! - started));
    // The trickled body gets 408 (Node's request timeout) or a plain close.
    const answered408 = bodies.filter((b) => b.received.startsWith('HTTP/1.1 408')).length;
    console.log(`trickling: 300 connections (150 bodies, 150 headers) all closed; slowest after ${(slowest / 1000).toFixed(1)} s (limits: headers 2 s, request 3 s); ${answered408} bodies answered 408`);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
  } finally {
    await h.close();
  }
});

test('an idle keep-alive connection is closed after keepAliveSeconds', async () => {
  const h = await startHarness({}, { serverYaml: LIMITS('') });
  try {
    const port = await listen(h);
    const s = await open(port);
    s.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
    const answeredAt = Date.now();
    await allClosed([s], 30_000);
    assert.match(s.received, /^HTTP\/1\.1 200/);
    console.log(`keep-alive: idle connection closed ${((s.closedAt! - answeredAt) / 1000).toFixed(1)} s after its answer (keepAliveSeconds: 1)`);
  } finally {
    await h.close();
  }
});

test('one address may hold at most connectionsPerAddress connections; more are closed at once', async () => {
  const h = await startHarness({}, { serverYaml: `\nserver:\n  limits: { headersSeconds: 60, connectionsPerAddress: 5 }\n` });
  try {
    const port = await listen(h);
    const first: Tracked[] = [];
    for (let i = 0; i < 5; i++) first.push(await open(port));
    const extra: Tracked[] = [];
    for (let i = 0; i < 3; i++) extra.push(await open(port));
    await allClosedQuietly(extra, 30_000);
    assert.ok(first.every((s) => s.closedAt === null), 'the first five stay open');
    // One of them still gets answers; once they are gone, new connections are accepted again.
    first[0]!.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    await allClosed([first[0]!], 30_000);
    assert.match(first[0]!.received, /^HTTP\/1\.1 200/);
    for (const s of first) s.socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    await h.close();
  }
});

async function allClosedQuietly(sockets: Tracked[], deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (sockets.some((s) => s.closedAt === null) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.ok(sockets.every((s) => s.closedAt !== null), 'the connections over the limit are closed');
}

test("login's next: tab, newline and CR never reach a header; a correct password still signs in", async () => {
  const h = await startHarness();
  try {
    for (const next of ['/jobs\t', '/jobs\r\nSet-Cookie: evil=1', '/\t/evil.example', '/%0d%0a', '/\\evil.example', '/ünïcode?x=1#y', 'https://evil.example', '/jobs\u0000']) {
      const form = await h.app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}` });
      assert.equal(form.statusCode, 200, next);
      const nonce = cookiesOf(form).shopwire_login!;
      const res = await h.app.inject({
        method: 'POST',
        url: `/login?next=${encodeURIComponent(next)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `shopwire_login=${nonce}`, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin' },
        payload: new URLSearchParams({ _login: nonce, username: USER, password: PASSWORD }).toString(),
      });
      assert.equal(res.statusCode, 303, `${JSON.stringify(next)}: ${res.body.slice(0, 200)}`);
      const location = String(res.headers.location);
      assert.match(location, /^\/(?![/\\])[\x21-\x7e]*$/, `${JSON.stringify(next)} → ${JSON.stringify(location)}: a local path of printable ASCII`);
      assert.ok(cookiesOf(res).shopwire_session, `${JSON.stringify(next)}: the session cookie is set`);
      assert.equal(res.headers['set-cookie']!.toString().includes('evil'), false);
    }
  } finally {
    await h.close();
  }
});

test('with server.publicUrl set, dashboard and API requests naming another host get 421; probes do not', async () => {
  const h = await startHarness({}, { serverYaml: '\nserver:\n  publicUrl: https://shopwire.example.com/\n' });
  try {
    const other = await h.app.inject({ method: 'GET', url: '/', headers: { host: 'rebound.example:8080' } });
    assert.equal(other.statusCode, 421);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/v1/jobs', headers: { host: '127.0.0.1:8080' } })).statusCode, 421);
    assert.equal((await h.app.inject({ method: 'GET', url: '/login', headers: { host: 'evil.example' } })).statusCode, 421);
    const own = await h.app.inject({ method: 'GET', url: '/login', headers: { host: 'shopwire.example.com' } });
    assert.equal(own.statusCode, 200);
    assert.equal((await h.app.inject({ method: 'GET', url: '/healthz', headers: { host: '127.0.0.1:8080' } })).statusCode, 200);
  } finally {
    await h.close();
  }
});
