/**
 * The CableBuilder emulator's behaviour beyond its exception tables (reference 11.7): the worked
 * multi-level example row for row, Update's per-attribute outcomes, Create then Get, the design-code
 * rule under both readings, and the Send Design driver's handling of each kind of ERP answer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, METHODS } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';

let cb: CableBuilderEmulator;
let erp: FastifyInstance;
let erpUrl: string;
let nextAnswer: (reply: import('fastify').FastifyReply) => unknown = (reply) => reply.send({ success: true, errors: [], update: null });

before(async () => {
  erp = Fastify({ forceCloseConnections: true });
  erp.post('/erp', async (_request, reply) => nextAnswer(reply));
  await erp.listen({ host: '127.0.0.1', port: 0 });
  const address = erp.server.address();
  erpUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/erp`;
  cb = await startCableBuilderEmulator({ sendTo: { url: erpUrl, timeoutMs: 500 } });
});
after(async () => {
  await cb.close();
  await erp.close();
});

const post = async (endpoint: string, body: unknown): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${cb.url}/${endpoint}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
};

test('Get Design reproduces the worked example of reference 7.4 row for row [A-41]', async () => {
  cb.reset();
  const { status, json } = await post('getDesign', { design: 'CABLE_A', designAlternative: 0 });
  assert.equal(status, 200);
  assert.deepEqual(json.map((d: any) => [d.detail.design, d.detail.level, d.detail.order]), [
    ['CU_WIRE', 3, 1], ['PVC_TI1', 2, 3], ['COND_15', 2, 2], ['PVC_ST2', 1, 3], ['CORE_2', 1, 1], ['CORE_1', 1, 0], ['CABLE_A', 0, 0],
  ]);
  const single = await post('getDesign', { design: 'CABLE_A', designAlternative: 0, singleLevel: true });
  assert.deepEqual(single.json.map((d: any) => d.detail.design), ['CABLE_A']);
  // Only mapped attributes appear: outOfDate and the erp* targets are not mapped.
  assert.deepEqual(single.json[0].header.attributes.map((a: any) => a.name), ['standard', 'status', 'description', 'cost', 'conductorSize']);
});

test('Update Design: mixed results by position, failures in detail.errors, a repeat changes nothing', async () => {
  cb.reset();
  const body = {
    detail: { design: 'CABLE_A', designAlternative: 0 },
    header: { attributes: [{ name: 'cost', value: '815.00' }, { name: 'nonsense', value: '1' }, { name: 'conductorSize', value: '2.5' }] },
    operations: [{ operation: 99, attributes: [{ name: 'setupTime', value: '5' }] }],
  };
  const first = await post('updateDesign', body);
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.header.attributes.map((a: any) => [a.success, a.message]), [
    [true, 'Warning: value locked against formula'],
    [false, 'Error: attribute not found'],
    [false, 'Error: attribute is read-only on an active design'],
  ]);
  assert.equal(first.json.operations[0].attributes[0].message, 'Error: section not found in design');
  assert.deepEqual(first.json.detail.errors, [
    'header: nonsense: Error: attribute not found',
    'header: conductorSize: Error: attribute is read-only on an active design',
    'operation 99: setupTime: Error: section not found in design',
  ]);
  const stored = structuredClone(cb.state.designs.get('CABLE_A#0'));
  const second = await post('updateDesign', body);
  assert.equal(second.json.header.attributes[0].message, 'Warning: value unchanged');
  assert.deepEqual(cb.state.designs.get('CABLE_A#0'), stored);
});

test('Create Design: version 0, retrievable with Get; a repeat is 409', async () => {
  cb.reset();
  const body = {
    detail: { design: 'CABLE_C', designAlternative: 0 },
    header: { attributes: [{ name: 'standard', value: 'BS6004' }, { name: 'description', value: '2C' }] },
    plant: { plant: 'PLANT_B', attributes: [] },
    operations: [{ operation: 10, attributes: [], layers: [{ layer: 10, processName: 'LAYUP', attributes: [], boms: [{ position: 10, attributes: [{ name: 'BOMitem', value: 'CORE_1' }, { name: 'BOMdesignAlternative', value: '0' }, { name: 'quantity', value: '1010' }] }] }] }],
  };
  const created = await post('createDesign', body);
  assert.equal(created.status, 200, JSON.stringify(created.json));
  assert.equal(created.json.detail.version, 0);
  assert.equal(created.json.header.attributes[1].type, 'CHAR');
  const got = await post('getDesign', { design: 'CABLE_C', designAlternative: 0 });
  assert.deepEqual(got.json.map((d: any) => d.detail.design), ['CU_WIRE', 'PVC_TI1', 'COND_15', 'CORE_1', 'CABLE_C']);
  assert.equal((await post('createDesign', body)).status, 409);
});

test('design-code rule: "A B" refused strictly, accepted leniently; "A  B" and forbidden characters always refused [A-35]', async () => {
  const lenient = await startCableBuilderEmulator({ assumptions: { designCodeRule: 'lenient' } });
  try {
    const body = (code: string) => ({ detail: { design: code, designAlternative: 0 }, header: { attributes: [{ name: 'standard', value: 'BS6004' }] }, plant: { plant: 'PLANT_A', attributes: [] } });
    const create = async (base: string, code: string) => (await fetch(`${base}/createDesign`, { method: 'POST', body: JSON.stringify(body(code)) })).status;
    assert.equal(await create(cb.url, 'A B'), 400);
    assert.equal(await create(lenient.url, 'A B'), 200);
    for (const code of ['A  B', 'A\\B', 'A+B', 'A&B', 'A#B', 'A%B', 'A"B', "A'B"]) {
      assert.equal(await create(cb.url, code), 400, code);
      assert.equal(await create(lenient.url, code), 400, code);
    }
  } finally {
    await lenient.close();
  }
});

test('Send Design: success marks inERP and applies update; failure, error structure, HTML and timeout do not', async () => {
  cb.reset();
  nextAnswer = (reply) => reply.send({ success: true, errors: ['Note: ok'], update: { detail: { design: 'CORE_1', designAlternative: 0 }, header: { attributes: [{ name: 'erpPart', value: 'CORE_1' }] } } });
  const [ok] = await cb.send('CORE_1');
  assert.equal(ok!.outcome, 'success');
  assert.equal(cb.design('CORE_1')?.detail.inERP, true);
  assert.equal(cb.state.designs.get('CORE_1#0')?.header.find((a) => a.name === 'erpPart')?.value, 'CORE_1');

  nextAnswer = (reply) => reply.send({ success: false, errors: ['Error: no'] });
  assert.equal((await cb.send('CORE_2'))[0]!.outcome, 'rejected');
  assert.equal(cb.design('CORE_2')?.detail.inERP, false);

  nextAnswer = (reply) => reply.code(400).send({ status: 400, error: 'Bad Request', message: 'JsonException - nope' });
  assert.equal((await cb.send('COND_15'))[0]!.outcome, 'error');
  nextAnswer = (reply) => reply.code(502).type('text/html').send('<html>bad gateway</html>');
  assert.equal((await cb.send('COND_15'))[0]!.error, 'answer is not JSON');
  nextAnswer = async (reply) => {
    await new Promise((r) => setTimeout(r, 1_000));
    return reply.send({ success: true });
  };
  const [slow] = await cb.send('PVC_TI1');
  assert.equal(slow!.outcome, 'error');
  assert.equal(cb.design('PVC_TI1')?.detail.inERP, false);
  assert.equal(cb.state.log.filter((e) => e.direction === 'out').length, 5);
  nextAnswer = (reply) => reply.send({ success: true, errors: [], update: null });
});

test('an emulator that demands credentials answers 401 in the error structure', async () => {
  const locked = await startCableBuilderEmulator({ auth: { kind: 'header', name: 'x-api-key', value: 'k-123456' } });
  try {
    const denied = await fetch(`${locked.url}/getDesign`, { method: 'POST', body: '{"design":"CABLE_A","designAlternative":0}' });
    assert.equal(denied.status, 401);
    assert.equal(((await denied.json()) as { status: number }).status, 401);
    const allowed = await fetch(`${locked.url}/getDesign`, { method: 'POST', headers: { 'x-api-key': 'k-123456' }, body: '{"design":"CABLE_A","designAlternative":0}' });
    assert.equal(allowed.status, 200);
  } finally {
    await locked.close();
  }
});

/** One request over a plain socket (fetch refuses TRACE). */
function raw(method: string, url: string, body?: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('every method but POST on an endpoint is 405, as the guide\'s tables say ("If the request is not a POST request"); unknown paths are 404', async () => {
  cb.reset();
  const others = METHODS.filter((m) => m !== 'POST' && m !== 'CONNECT');
  assert.ok(others.includes('TRACE') && others.includes('HEAD') && others.includes('OPTIONS'));
  for (const endpoint of ['getDesign', 'updateDesign', 'createDesign']) {
    for (const method of others) {
      const answer = await raw(method, `${cb.url}/${endpoint}`);
      assert.equal(answer.status, 405, `${method} ${endpoint}: ${answer.text}`);
      if (method === 'HEAD') continue;
      const json = JSON.parse(answer.text);
      assert.equal(json.error, 'Method Not Allowed');
      assert.match(json.message, /^Method Not Allowed - /);
    }
  }
  for (const path of ['/getDesign/', '/GetDesign', '/nothing', '']) {
    for (const method of [...others, 'POST']) {
      const answer = await raw(method, `${cb.url}${path}`);
      assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
      if (method !== 'HEAD') assert.match(JSON.parse(answer.text).message, /^Request Not Found/);
    }
  }
});

test('the Exception fault: the next call meets an unhandled exception, 500 in the common error structure with a stack trace [A-50]', async () => {
  cb.reset();
  const set = await fetch(`${cb.origin}/__emulator/exception-fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpoint: 'updateDesign', times: 1 }) });
  assert.equal(set.status, 200);
  const body = { detail: { design: 'CABLE_A', designAlternative: 0 }, header: { attributes: [{ name: 'cost', value: '900' }] } };
  const failed = await post('updateDesign', body);
  assert.equal(failed.status, 500);
  assert.deepEqual(Object.keys(failed.json).sort(), ['error', 'message', 'path', 'status', 'timestamp']);
  assert.equal(failed.json.error, 'Internal Server Error');
  assert.match(failed.json.message, /^Exception - java\.lang\.NullPointerException: /);
  if (cb.assumptions.stackTraceOn500) assert.match(failed.json.message, /\n\tat com\.cimteq\..*\n\tat org\.apache\.catalina\./s);
  // Nothing was applied, and the fault is used up.
  assert.equal(cb.state.designs.get('CABLE_A#0')?.header.find((a) => a.name === 'cost')?.value === '900', false);
  assert.equal((await post('updateDesign', body)).status, 200);
  const wrong = await fetch(`${cb.origin}/__emulator/exception-fault`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ endpoint: 'sendDesign' }) });
  assert.equal(wrong.status, 400);
});

test('a named 500 of Create carries a stack trace when the switch is on, and keeps its name [A-50]', async () => {
  const traced = await startCableBuilderEmulator({ assumptions: { stackTraceOn500: true } });
  try {
    const body = { detail: { design: 'CABLE_X', designAlternative: 0 }, header: { attributes: [{ name: 'standard', value: 'BS6004' }] }, plant: { plant: 'PLANT_Z', attributes: [] } };
    const res = await fetch(`${traced.url}/createDesign`, { method: 'POST', body: JSON.stringify(body) });
    const text = await res.text();
    assert.equal(res.status, 500);
    assert.ok(text.length > 2_000, `a realistic trace is several kilobytes (got ${text.length})`);
    assert.match(JSON.parse(text).message, /^PlantDoesNotExistException - plant PLANT_Z does not exist\n\tat /);
  } finally {
    await traced.close();
  }
});
