/**
 * The client against the emulator over real HTTP, where the guide's error answers are hard on it:
 * - "message: Detailed message of the error. May include stack trace information if the error was
 *   an internal server error 500": the emulator's 500s carry a Java stack trace of several KB
 *   the exception name, kind and detail must survive it;
 * - Create's "does not exist" rows are 500s, yet permanent data errors: they must not open the
 *   circuit breaker, while genuine unhandled `Exception` 500s still do;
 * - an attribute whose `success` is null was not stored.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { createCableBuilderClient, writeResult, type CableBuilderClient } from '../../src/systems/cablebuilder/client.ts';
import { CableBuilderError } from '../../src/systems/cablebuilder/errors.ts';
import { HttpUnavailableError } from '../../src/lib/http.ts';
import type { CommonDesign } from '../../src/systems/cablebuilder/schemas.ts';

let emulator: CableBuilderEmulator;
let client: CableBuilderClient;

before(async () => {
  emulator = await startCableBuilderEmulator();
  assert.equal(emulator.assumptions.stackTraceOn500, true);
  // The client as the hub builds it: the default breaker (5 consecutive failures) and retries.
  client = createCableBuilderClient({ baseUrl: emulator.url, timeoutMs: 5_000 });
});
after(async () => {
  await client.close();
  await emulator.close();
});

const inPlant = (plant: string): CommonDesign => ({
  detail: { design: 'CABLE_P', designAlternative: 0 },
  header: { attributes: [{ name: 'standard', value: 'BS6004' }] },
  plant: { plant, attributes: [] },
});
const goodUpdate: CommonDesign = { detail: { design: 'CABLE_A', designAlternative: 0 }, header: { attributes: [{ name: 'erpStatus', value: 'In ERP' }] } };

test('a 500 whose message carries a stack trace keeps its exception name, kind and detail', async () => {
  emulator.reset();
  const raw = await fetch(`${emulator.url}/createDesign`, { method: 'POST', body: JSON.stringify(inPlant('PLANT_Z')) });
  const text = await raw.text();
  assert.equal(raw.status, 500);
  assert.ok(text.length > 2_000, `the answer is ${text.length} characters: more than an excerpt holds`);
  const error = await client.createDesign(inPlant('PLANT_Z')).then(() => assert.fail('created'), (e: unknown) => e);
  assert.ok(error instanceof CableBuilderError, String(error));
  assert.equal(error.exception, 'PlantDoesNotExistException');
  assert.equal(error.kind, 'data');
  assert.equal(error.permanent, true);
  assert.equal(error.detail, 'plant PLANT_Z does not exist', 'the detail is the first line, without the trace');
  assert.equal(error.code, 'cablebuilder.plant_does_not_exist');
  assert.match(error.message, /^CableBuilder createDesign: PlantDoesNotExistException - plant PLANT_Z does not exist$/);
});

test('ten PlantDoesNotExistException answers do not open the breaker; good Get and Update calls still go through', async () => {
  emulator.reset();
  for (let i = 0; i < 10; i++) {
    const error = await client.createDesign(inPlant('PLANT_Z')).then(() => assert.fail('created'), (e: unknown) => e);
    assert.ok(error instanceof CableBuilderError && error.exception === 'PlantDoesNotExistException', `answer ${i + 1}: ${String(error)}`);
  }
  const [design] = await client.getDesign({ design: 'CABLE_A', designAlternative: 0, singleLevel: true });
  assert.equal(design?.detail.design, 'CABLE_A');
  const updated = await client.updateDesign(goodUpdate);
  assert.equal(updated.ok, true);
  const multi = await client.getDesign({ design: 'CABLE_A', designAlternative: 0 });
  assert.equal(multi.at(-1)?.detail.design, 'CABLE_A');
});

test('unhandled Exception 500s (CableBuilder unwell) still open the breaker: then calls are refused unsent', async () => {
  emulator.reset();
  const unwell = createCableBuilderClient({ baseUrl: emulator.url, timeoutMs: 5_000 });
  try {
    emulator.state.unhandledException.getDesign = 5;
    for (let i = 0; i < 5; i++) {
      const error = await unwell.getDesign({ design: 'CABLE_A', designAlternative: 0, singleLevel: true }).then(() => assert.fail('answered'), (e: unknown) => e);
      assert.ok(error instanceof CableBuilderError && error.exception === 'Exception' && error.kind === 'transient', String(error));
    }
    const calls = emulator.state.log.length;
    const refused = await unwell.getDesign({ design: 'CABLE_A', designAlternative: 0, singleLevel: true }).then(() => assert.fail('answered'), (e: unknown) => e);
    assert.ok(refused instanceof HttpUnavailableError && refused.code === 'http.circuit_open', String(refused));
    assert.equal(emulator.state.log.length, calls, 'nothing was sent');
  } finally {
    await unwell.close();
  }
});

test('an attribute result with success null is not counted as stored', () => {
  const answer = {
    detail: { design: 'CABLE_A', designAlternative: 0, errors: [] },
    header: { attributes: [{ name: 'erpStatus', value: 'In ERP', success: null, message: null }, { name: 'erpPart', value: 'CABLE_A', success: true, message: 'Success: value updated' }] },
  };
  const result = writeResult('updateDesign', answer);
  assert.equal(result.ok, false);
  assert.deepEqual(result.results.map((r) => [r.name, r.success]), [['erpStatus', false], ['erpPart', true]]);
  // Through the emulator every attribute carries its result, and a stored one counts.
  assert.equal(writeResult('updateDesign', { ...answer, header: { attributes: [answer.header.attributes[1]] } }).ok, true);
});
