/**
 * The receiver's contract for requests CableBuilder (or anyone) should not send. The guide: "It is
 * up to the ERPs side to ensure any unexpected requests are accounted for and transformed into the
 * appropriate structure" — `status`, `error`, `message`, `timestamp`, `path`. Reference S1: "Another
 * method on that path → 405 ErrorResponse; an unknown path under the hub's CableBuilder prefix →
 * 404 ErrorResponse". Every method Node accepts is tried (HEAD, OPTIONS and TRACE included), on the
 * path and on mistyped paths under its prefix, through a real socket (fetch refuses TRACE).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, METHODS } from 'node:http';
import { startHarness, SECRET, SECRET_HEADER, type Harness } from './harness.ts';
import { receiverPrefix } from '../../src/server/cablebuilder-receiver.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

type Answer = { status: number; type: string; text: string };

function send(method: string, path: string, headers: Record<string, string> = { [SECRET_HEADER]: SECRET }): Promise<Answer> {
  const url = new URL(path, h.receiverUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The guide's common error structure, every field filled (reference S8). */
function assertErrorStructure(method: string, answer: Answer, status: number, error: string, name: string, path: string): void {
  const where = `${method} ${path}`;
  assert.equal(answer.status, status, `${where}: ${answer.text}`);
  assert.match(answer.type, /application\/json/, where);
  if (method === 'HEAD') return assert.equal(answer.text, '', 'a HEAD answer has no body');
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'path', 'status', 'timestamp'], where);
  assert.equal(body.status, status, where);
  assert.equal(body.error, error, where);
  assert.ok(String(body.message).startsWith(`${name} - `), `${where}: ${String(body.message)}`);
  assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/, where);
  assert.equal(body.path, `${h.receiverUrl}${path.split('?')[0]}`, where);
}

const METHODS_BUT_POST = METHODS.filter((m) => m !== 'POST' && m !== 'CONNECT');

test('the prefix is the path\'s folder', () => {
  assert.equal(receiverPrefix('/cablebuilder/send-design'), '/cablebuilder/');
  assert.equal(receiverPrefix('/erp/cb/send'), '/erp/cb/');
  assert.equal(receiverPrefix('/send-design'), null);
});

test('every method other than POST on the path: 405 Method Not Allowed in the error structure', async () => {
  assert.ok(METHODS_BUT_POST.includes('TRACE') && METHODS_BUT_POST.includes('OPTIONS') && METHODS_BUT_POST.includes('HEAD'));
  for (const method of METHODS_BUT_POST) {
    const answer = await send(method, '/cablebuilder/send-design');
    assertErrorStructure(method, answer, 405, 'Method Not Allowed', 'Method Not Allowed', '/cablebuilder/send-design');
  }
  // A query string does not change the route.
  assertErrorStructure('GET', await send('GET', '/cablebuilder/send-design?x=1'), 405, 'Method Not Allowed', 'Method Not Allowed', '/cablebuilder/send-design?x=1');
});

test('every unknown path under the prefix, with every method: 404 Request Not Found in the error structure', async () => {
  const paths = ['/cablebuilder/send-design/', '/cablebuilder/send-desing', '/cablebuilder/Send-Design', '/cablebuilder/', '/cablebuilder', '/cablebuilder/send-design/extra', '/cablebuilder/a/b/c?q=1'];
  for (const path of paths) {
    for (const method of [...METHODS_BUT_POST, 'POST']) {
      assertErrorStructure(method, await send(method, path), 404, 'Not Found', 'Request Not Found', path);
    }
  }
});

test('credentials are checked before the route: 401 in the error structure, whatever the method or path', async () => {
  for (const [method, path] of [['POST', '/cablebuilder/send-design'], ['TRACE', '/cablebuilder/send-design'], ['OPTIONS', '/cablebuilder/nope']] as const) {
    assertErrorStructure(method, await send(method, path, {}), 401, 'Unauthorized', 'UnauthorizedException', path);
  }
});

test('the rest of the server is untouched, and the receiver still takes designs', async () => {
  // Outside the prefix the host app's own 404 answers (here Fastify's default), not the receiver.
  const outside = await send('GET', '/elsewhere');
  assert.equal(outside.status, 404);
  assert.ok(!outside.text.includes('Request Not Found'));
  const sent = await h.cablebuilder.send('CABLE_A');
  assert.equal(sent[0]?.outcome, 'success', JSON.stringify(sent));
});
