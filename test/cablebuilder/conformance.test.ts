/**
 * Conformance: every row of every exception table of the Technical Guide (Get, Update, Create
 * Design) is triggered against the emulator and must come back, through the client, as a
 * CableBuilderError with the table's status, exception name and reason phrase. Rows the client
 * refuses to send (its pre-checks) are also sent raw, and the pre-check must name the same exception.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { createCableBuilderClient, type CableBuilderClient } from '../../src/systems/cablebuilder/client.ts';
import { CableBuilderError, CableBuilderRequestError, EXCEPTION_TABLES, type CableBuilderCall } from '../../src/systems/cablebuilder/errors.ts';
import type { CommonDesign } from '../../src/systems/cablebuilder/schemas.ts';

let emulator: CableBuilderEmulator;
let client: CableBuilderClient;

before(async () => {
  emulator = await startCableBuilderEmulator();
  client = createCableBuilderClient({ baseUrl: emulator.url, breaker: false, retry: { maxAttempts: 1 }, timeoutMs: 5_000 });
});
after(async () => {
  await client.close();
  await emulator.close();
});

const newDesign = (): CommonDesign => ({
  detail: { design: 'CABLE_B', designAlternative: 0 },
  header: { attributes: [{ name: 'standard', value: 'BS6004' }, { name: 'description', value: '3C 2.5mm2 PVC/PVC' }] },
  plant: { plant: 'PLANT_A', attributes: [] },
  operations: [{
    operation: 10,
    attributes: [],
    resources: [{ resource: 10, resourceName: 'LAY_A_01', attributes: [] }],
    layers: [{ layer: 10, processName: 'LAYUP', attributes: [], boms: [{ position: 10, attributes: [
      { name: 'BOMitem', value: 'CORE_1' }, { name: 'BOMdesignAlternative', value: '0' }, { name: 'quantity', value: '1020' },
    ] }] }],
  }],
});
const change = (edit: (d: any) => void): CommonDesign => {
  const d = newDesign();
  edit(d);
  return d;
};
const update = (edit: (d: any) => void = () => {}): CommonDesign => {
  const d: any = { detail: { design: 'CABLE_A', designAlternative: 0 }, operations: [{ operation: 10, attributes: [], resources: [{ resource: 10, attributes: [{ name: 'lineSpeed', value: '61' }] }], layers: [{ layer: 10, attributes: [], boms: [{ position: 10, attributes: [{ name: 'quantity', value: '1021' }] }] }] }] };
  edit(d);
  return d;
};
const injected = (status = 500) => [{ kind: 'status' as const, status, body: { status, error: 'Internal Server Error', message: 'Exception - java.lang.NullPointerException (injected)\n\tat Servlet.doPost' } }];

type Row = {
  /** Send the request; must throw. */
  run: () => Promise<unknown>;
  /** The client's own check, for rows it refuses to send. */
  precheck?: () => Promise<unknown>;
};

const rows: Record<CableBuilderCall, Record<string, Row>> = {
  getDesign: {
    RequestBodyNotDefinedException: { run: () => client.callRaw('/getDesign', undefined) },
    JsonException: { run: () => client.callRaw('/getDesign', { design: 'CABLE_A', designAlternative: 0, extra: true }) },
    DesignNotDefinedException: { run: () => client.callRaw('/getDesign', { design: '', designAlternative: 0 }) },
    DesignDoesNotExistException: { run: () => client.getDesign({ design: 'NO_SUCH', designAlternative: 0 }) },
    'Request Not Found': { run: () => client.callRaw('/getDesigns', { design: 'CABLE_A', designAlternative: 0 }) },
    'Method Not Allowed': { run: () => client.callRaw('/getDesign', undefined, 'GET') },
    Exception: {
      run: () => {
        emulator.faults.script('POST /live/rest/erpIntegration/getDesign', injected());
        return client.getDesign({ design: 'CABLE_A', designAlternative: 0 });
      },
    },
  },
  updateDesign: {
    RequestBodyNotDefinedException: { run: () => client.callRaw('/updateDesign', undefined) },
    JsonException: { run: () => client.callRaw('/updateDesign', '{"detail": ') },
    DesignNotDefinedException: {
      run: () => client.callRaw('/updateDesign', update((d) => delete d.detail)),
      precheck: () => client.updateDesign(update((d) => (d.detail.designAlternative = -1))),
    },
    OperationNotDefinedException: {
      run: () => client.callRaw('/updateDesign', update((d) => (d.operations[0].operation = -1))),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].operation = -1))),
    },
    LayerNotDefinedException: {
      run: () => client.callRaw('/updateDesign', update((d) => (d.operations[0].layers[0].layer = 0))),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].layers[0].layer = 0))),
    },
    ResourceNotDefinedException: {
      run: () => client.callRaw('/updateDesign', update((d) => (d.operations[0].resources[0].resource = 0))),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].resources[0].resource = 0))),
    },
    BomNotDefinedException: {
      run: () => client.callRaw('/updateDesign', update((d) => (d.operations[0].layers[0].boms[0].position = 0))),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].layers[0].boms[0].position = 0))),
    },
    DesignDoesNotExistException: { run: () => client.updateDesign(update((d) => (d.detail.design = 'NO_SUCH'))) },
    'Request Not Found': { run: () => client.callRaw('/updatedesign', update()) },
    'Method Not Allowed': { run: () => client.callRaw('/updateDesign', undefined, 'DELETE') },
    Exception: {
      run: () => {
        emulator.faults.script('POST /live/rest/erpIntegration/updateDesign', injected());
        return client.updateDesign(update());
      },
    },
  },
  createDesign: {
    RequestBodyNotDefinedException: { run: () => client.callRaw('/createDesign', undefined) },
    JsonException: { run: () => client.callRaw('/createDesign', change((d) => (d.operations[0].layers[0].layercode = 10))) },
    DesignNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.detail.design = ' '))),
      precheck: () => client.createDesign(change((d) => (d.detail.design = ' '))),
    },
    PlantNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => delete d.plant)),
      precheck: () => client.createDesign(change((d) => (d.plant.plant = ''))),
    },
    PlantDoesNotExistException: { run: () => client.createDesign(change((d) => (d.plant.plant = 'PLANT_Z'))) },
    StandardNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => d.header.attributes.shift())),
      precheck: () => client.createDesign(change((d) => d.header.attributes.shift())),
    },
    StandardDoesNotExistException: { run: () => client.createDesign(change((d) => (d.header.attributes[0].value = 'ASTM_X'))) },
    OperationNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.operations[0].operation = null))),
      precheck: () => client.createDesign(change((d) => (d.operations[0].operation = null))),
    },
    LayerNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.operations[0].layers[0].layer = 0))),
      precheck: () => client.createDesign(change((d) => (d.operations[0].layers[0].layer = 0))),
    },
    ProcessTypeNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => delete d.operations[0].layers[0].processName)),
      precheck: () => client.createDesign(change((d) => delete d.operations[0].layers[0].processName)),
    },
    ProcessTypeDoesNotExistException: { run: () => client.createDesign(change((d) => (d.operations[0].layers[0].processName = 'BRAID'))) },
    ResourceNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.operations[0].resources[0].resource = 0))),
      precheck: () => client.createDesign(change((d) => (d.operations[0].resources[0].resource = 0))),
    },
    ResourceTypeNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.operations[0].resources[0].resourceName = ''))),
      precheck: () => client.createDesign(change((d) => (d.operations[0].resources[0].resourceName = ''))),
    },
    ResourceTypeDoesNotExistException: { run: () => client.createDesign(change((d) => (d.operations[0].resources[0].resourceName = 'LAY_Z_99'))) },
    BomNotDefinedException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.operations[0].layers[0].boms[0].position = -5))),
      precheck: () => client.createDesign(change((d) => (d.operations[0].layers[0].boms[0].position = -5))),
    },
    BomDesignDoesNotExistException: { run: () => client.createDesign(change((d) => (d.operations[0].layers[0].boms[0].attributes[0].value = 'CORE_9'))) },
    InvalidDesignCodeException: {
      run: () => client.callRaw('/createDesign', change((d) => (d.detail.design = 'CABLE+B'))),
      precheck: () => client.createDesign(change((d) => (d.detail.design = 'CABLE B'))),
    },
    DesignExistsException: { run: () => client.createDesign(change((d) => (d.detail.design = 'CABLE_A'))) },
    'Request Not Found': { run: () => client.callRaw('/createDesign/', newDesign()) },
    'Method Not Allowed': { run: () => client.callRaw('/createDesign', undefined, 'PUT') },
    CreateDesignException: {
      run: () => {
        emulator.state.createFailAfterSections = 2;
        return client.createDesign(newDesign());
      },
    },
    Exception: {
      run: () => {
        emulator.faults.script('POST /live/rest/erpIntegration/createDesign', injected());
        return client.createDesign(newDesign());
      },
    },
  },
};

let covered = 0;
const total = Object.values(EXCEPTION_TABLES).reduce((n, t) => n + t.length, 0);

for (const call of ['getDesign', 'updateDesign', 'createDesign'] as const) {
  for (const row of EXCEPTION_TABLES[call]) {
    test(`${call}: ${row.name} → ${row.status} ${row.error}`, async () => {
      emulator.reset();
      emulator.faults.clear();
      const spec = rows[call][row.name];
      assert.ok(spec, `no trigger written for ${call} ${row.name}`);
      const error = await spec.run().then(
        (answer) => assert.fail(`expected ${row.name}, got an answer: ${JSON.stringify(answer).slice(0, 300)}`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof CableBuilderError, `expected CableBuilderError, got ${String(error)}`);
      assert.equal(error.status, row.status);
      assert.equal(error.exception, row.name);
      assert.equal((error.details?.body as { error?: string } | undefined)?.error, row.error);
      if (spec.precheck) {
        const refused = await spec.precheck().then(() => assert.fail('pre-check let the request through'), (e: unknown) => e);
        assert.ok(refused instanceof CableBuilderRequestError, `expected CableBuilderRequestError, got ${String(refused)}`);
        assert.equal(refused.exception, row.name);
      }
      covered++;
    });
  }
}

test('classification: permanent and transient rows', async () => {
  emulator.reset();
  const plant = await client.createDesign(change((d) => (d.plant.plant = 'PLANT_Z'))).catch((e: unknown) => e);
  assert.ok(plant instanceof CableBuilderError);
  assert.equal(plant.kind, 'data', 'PlantDoesNotExistException is a master-data gap despite its 500');
  assert.equal(plant.permanent, true);
  emulator.faults.script('POST /live/rest/erpIntegration/getDesign', injected());
  const generic = await client.getDesign({ design: 'CABLE_A', designAlternative: 0 }).catch((e: unknown) => e);
  assert.ok(generic instanceof CableBuilderError);
  assert.equal(generic.kind, 'transient');
  emulator.state.createFailAfterSections = 1;
  const partial = await client.createDesign(newDesign()).catch((e: unknown) => e);
  assert.ok(partial instanceof CableBuilderError);
  assert.equal(partial.kind, 'ambiguous', 'a failed create may have left a half-built design');
});

test('coverage count', () => {
  console.log(`conformance: ${covered}/${total} exception rows covered`);
  assert.equal(covered, total);
});
