/**
 * The Send Design receiver under bad input: every request it cannot read gets the common error
 * structure with the documented status and a message naming the problem; designs it can read but
 * must refuse get 200 `success: false` with reasons. None of them reaches Cetec (its journal stays
 * empty), and the receiver keeps serving afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startHarness, SECRET, SECRET_HEADER, type Harness } from './harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ bodyLimitBytes: 64 * 1024 });
});
after(async () => {
  await h.close();
});

const fixture = (): any => JSON.parse(readFileSync(new URL('../fixtures/cablebuilder/send-design-cable-a.json', import.meta.url), 'utf8'));
const withCore = (d: any): any => {
  d.operations[0].layers[0].boms[0].attributes[0].value = 'CORE_1';
  return d;
};

async function post(body: string | undefined, headers: Record<string, string> = { [SECRET_HEADER]: SECRET, 'content-type': 'application/json' }, method = 'POST'): Promise<{ status: number; json: any; type: string }> {
  const res = await fetch(`${h.receiverUrl}/cablebuilder/send-design`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), type: res.headers.get('content-type') ?? '' };
}

function assertErrorStructure(answer: { status: number; json: any; type: string }, status: number, name: string, mentions?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.json));
  assert.match(answer.type, /application\/json/);
  assert.equal(answer.json.status, status);
  assert.equal(typeof answer.json.error, 'string');
  assert.ok(answer.json.message.startsWith(`${name} - `), answer.json.message);
  if (mentions) assert.ok(answer.json.message.includes(mentions), `${answer.json.message} should mention ${mentions}`);
  assert.match(answer.json.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  assert.ok(answer.json.path.endsWith('/cablebuilder/send-design'));
}

test('requests the receiver cannot read get the error structure with the documented status', async () => {
  assertErrorStructure(await post('{"detail": {"design": "CABLE_A",'), 400, 'JsonException');
  assertErrorStructure(await post(''), 400, 'RequestBodyNotDefinedException');
  assertErrorStructure(await post('"just a string"'), 400, 'JsonException');
  const noDetail = fixture();
  delete noDetail.detail;
  assertErrorStructure(await post(JSON.stringify(noDetail)), 400, 'DesignNotDefinedException', 'body.detail');
  const noAlternative = fixture();
  delete noAlternative.detail.designAlternative;
  assertErrorStructure(await post(JSON.stringify(noAlternative)), 400, 'DesignNotDefinedException', 'detail.designAlternative');
  const wrongType = fixture();
  wrongType.operations = 'LAYUP';
  assertErrorStructure(await post(JSON.stringify(wrongType)), 400, 'JsonException', 'body.operations');
  const wrongAttr = fixture();
  wrongAttr.header.attributes[0].value = 42;
  assertErrorStructure(await post(JSON.stringify(wrongAttr)), 400, 'JsonException', 'body.header.attributes[0].value');
  const big = fixture();
  big.header.attributes[0].value = 'x'.repeat(70 * 1024);
  assertErrorStructure(await post(JSON.stringify(big)), 413, 'PayloadTooLargeException');
  assertErrorStructure(await post(JSON.stringify(fixture()), { 'content-type': 'application/json' }), 401, 'UnauthorizedException');
  assertErrorStructure(await post(JSON.stringify(fixture()), { [SECRET_HEADER]: 'wrong-secret-value', 'content-type': 'application/json' }), 401, 'UnauthorizedException');
  assertErrorStructure(await post(undefined, { [SECRET_HEADER]: SECRET }, 'GET'), 405, 'Method Not Allowed');
});

test('designs it can read but must refuse: 200, success false, reasons naming the problem', async () => {
  const quoted = withCore(fixture());
  quoted.detail.design = 'CABLE"A';
  let answer = await post(JSON.stringify(quoted));
  assert.equal(answer.status, 200);
  assert.equal(answer.json.success, false);
  assert.match(answer.json.errors[0], /^Error: design CABLE"A#0: part number .* characters Cetec part numbers may not hold/);

  const plant = fixture();
  plant.plant.plant = 'PLANT_Z';
  answer = await post(JSON.stringify(plant));
  assert.equal(answer.json.success, false);
  assert.match(answer.json.errors[0], /plant "PLANT_Z" is not one of the configured plants/);

  const resource = fixture();
  resource.operations[0].resources[0].resourceName = 'BRAID_9';
  answer = await post(JSON.stringify(resource));
  assert.equal(answer.json.success, false);
  assert.equal(answer.json.errors[0], 'Error: design CABLE_A#0 › operation 10 › resource 10 BRAID_9: resource "BRAID_9" has no Cetec location in cablebuilder.translation.resourceLocations (and no defaultLocation)');

  const quantity = fixture();
  quantity.operations[0].layers[0].boms[0].attributes[2].value = 'lots';
  answer = await post(JSON.stringify(quantity));
  assert.equal(answer.json.success, false);
  assert.match(answer.json.errors[0], /operation 10 › layer 10 › position 10: attribute quantity must be a positive decimal number/);

  const unapproved = fixture();
  unapproved.detail.approved = false;
  answer = await post(JSON.stringify(unapproved));
  assert.deepEqual(answer.json, { success: false, errors: ['Error: design CABLE_A#0 version 3 is not approved'], update: null });

  const invalid = fixture();
  invalid.detail.valid = false;
  invalid.detail.errors = ['Validation: design is out of date'];
  answer = await post(JSON.stringify(invalid));
  assert.equal(answer.json.success, false);
  assert.match(answer.json.errors[0], /not valid in CableBuilder: Validation: design is out of date/);
});

test('a store failure is a 500 error structure, never a false success', async () => {
  h.inbox.failNext = true;
  assertErrorStructure(await post(JSON.stringify(fixture())), 500, 'Exception');
});

test('nothing above reached Cetec, and the receiver still serves', async () => {
  assert.deepEqual(h.cetec.journal(), []);
  const lenient = fixture();
  // The receiver is lenient where the guide is loose: numeric strings and `layercode`.
  lenient.operations[0].operation = '10';
  lenient.operations[0].layers[0].layercode = lenient.operations[0].layers[0].layer;
  delete lenient.operations[0].layers[0].layer;
  lenient.detail.someFutureField = 'ignored';
  const answer = await post(JSON.stringify(lenient));
  assert.equal(answer.status, 200);
  assert.equal(answer.json.success, true, JSON.stringify(answer.json));
  assert.deepEqual(answer.json.update, {
    detail: { design: 'CABLE_A', designAlternative: 0 },
    header: { attributes: [{ name: 'erpPart', value: 'CABLE_A' }, { name: 'erpRevision', value: '0.3' }, { name: 'erpStatus', value: 'In ERP' }] },
  });
  // The definition, its revision made current (older PUT shape) and the definition again, then the
  // part's description (the definition call has no field for it), read first: what PUT does to an
  // existing part is unknown (cetec.md §4.5).
  assert.deepEqual(h.cetec.journal().map((e) => `${e.method} ${e.path}`), ['POST /api/partrevisiondefinition', 'PUT /api/partrevisiondefinition', 'POST /api/partrevisiondefinition', 'GET /api/part/CABLE_A', 'PUT /api/part']);
});

test('an unfinished import is answered "queued" only when its outcome can follow by Update Design; the answer is recorded first', async () => {
  const queued = async (body: any): Promise<any> => {
    const res = await fetch(`${h.receiverUrl}/cablebuilder/send-design-queued`, { method: 'POST', headers: { [SECRET_HEADER]: SECRET }, body: JSON.stringify(body) });
    return res.json();
  };
  const design = withCore(fixture());
  design.detail.version = 7;
  let answer = await queued(design);
  assert.equal(answer.success, true);
  assert.match(answer.errors.at(-1), /^Note: queued for import into Cetec as CABLE_A revision 0\.7 \(job .*\); the outcome follows by Update Design$/);
  // Queued is not in the ERP: status and message, no part number or revision yet.
  assert.deepEqual(answer.update.header.attributes.map((a: any) => a.name), ['erpStatus']);
  assert.deepEqual(h.inbox.answers.get('CABLE_A#0@7')?.map((a) => a.status), ['queued']);

  h.inbox.reportsLater = false;
  try {
    design.detail.version = 8;
    answer = await queued(design);
    assert.equal(answer.success, false, 'never a success nothing could correct');
    assert.equal(answer.update, null);
    assert.match(answer.errors.at(-1), /^Error: design CABLE_A#0 is not in the ERP yet: .* still running \(job .*\) and its outcome cannot be reported later; send the design again to learn it$/);
  } finally {
    h.inbox.reportsLater = true;
  }
});
