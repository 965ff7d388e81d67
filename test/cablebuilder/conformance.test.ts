/**
 * Conformance: every row of every exception table of the Technical Guide (Get, Update and Create
 * Design: 7 + 11 + 22 = 40 rows) is triggered against the emulator twice, each time over real HTTP
 * on 127.0.0.1:
 * - raw: a plain HTTP request (node:http, so TRACE can be sent); the answer must carry the row's
 *   status and, in the guide's common error structure, its reason phrase and exception name;
 * - client: the same trigger through the hub's client, which must throw a CableBuilderError with
 *   the row's status, exception name and reason phrase. Rows the client refuses to send (its
 *   pre-checks) are sent with `callRaw`, and the pre-check must name the same exception.
 * Every trigger is the emulator's own behaviour (the `Exception` rows: its unhandled-exception
 * fault; `CreateDesignException`: its create fault), never a body the test writes. A closing test
 * prints the count per table and fails unless every row is covered both ways.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
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
type Row = {
  /** Puts the emulator in the state the row needs (after a reset). */
  setup?: () => void;
  /** The request: method (default POST), path below the base URL, body (object → JSON, string → as is, undefined → none). */
  method?: string;
  path: string;
  body?: unknown;
  /** The client's typed call for this row (default: `callRaw` with the request above). */
  typed?: () => Promise<unknown>;
  /** The client's own check, for rows it refuses to send through the typed call. */
  precheck?: () => Promise<unknown>;
};

const get = { design: 'CABLE_A', designAlternative: 0 };

const rows: Record<CableBuilderCall, Record<string, Row>> = {
  getDesign: {
    RequestBodyNotDefinedException: { path: '/getDesign' },
    JsonException: { path: '/getDesign', body: { ...get, extra: true } },
    DesignNotDefinedException: { path: '/getDesign', body: { design: '', designAlternative: 0 } },
    DesignDoesNotExistException: { path: '/getDesign', body: { design: 'NO_SUCH', designAlternative: 0 }, typed: () => client.getDesign({ design: 'NO_SUCH', designAlternative: 0 }) },
    'Request Not Found': { path: '/getDesigns', body: get },
    'Method Not Allowed': { method: 'TRACE', path: '/getDesign' },
    Exception: { setup: () => (emulator.state.unhandledException.getDesign = 1), path: '/getDesign', body: get, typed: () => client.getDesign(get) },
  },
  updateDesign: {
    RequestBodyNotDefinedException: { path: '/updateDesign' },
    JsonException: { path: '/updateDesign', body: '{"detail": ' },
    DesignNotDefinedException: {
      path: '/updateDesign', body: update((d) => delete d.detail),
      precheck: () => client.updateDesign(update((d) => (d.detail.designAlternative = -1))),
    },
    OperationNotDefinedException: {
      path: '/updateDesign', body: update((d) => (d.operations[0].operation = -1)),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].operation = -1))),
    },
    LayerNotDefinedException: {
      path: '/updateDesign', body: update((d) => (d.operations[0].layers[0].layer = 0)),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].layers[0].layer = 0))),
    },
    ResourceNotDefinedException: {
      path: '/updateDesign', body: update((d) => (d.operations[0].resources[0].resource = 0)),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].resources[0].resource = 0))),
    },
    BomNotDefinedException: {
      path: '/updateDesign', body: update((d) => (d.operations[0].layers[0].boms[0].position = 0)),
      precheck: () => client.updateDesign(update((d) => (d.operations[0].layers[0].boms[0].position = 0))),
    },
    DesignDoesNotExistException: { path: '/updateDesign', body: update((d) => (d.detail.design = 'NO_SUCH')), typed: () => client.updateDesign(update((d) => (d.detail.design = 'NO_SUCH'))) },
    'Request Not Found': { path: '/updatedesign', body: update() },
    'Method Not Allowed': { method: 'DELETE', path: '/updateDesign' },
    Exception: { setup: () => (emulator.state.unhandledException.updateDesign = 1), path: '/updateDesign', body: update(), typed: () => client.updateDesign(update()) },
  },
  createDesign: {
    RequestBodyNotDefinedException: { path: '/createDesign' },
    JsonException: { path: '/createDesign', body: change((d) => (d.operations[0].layers[0].layercode = 10)) },
    DesignNotDefinedException: {
      path: '/createDesign', body: change((d) => (d.detail.design = ' ')),
      precheck: () => client.createDesign(change((d) => (d.detail.design = ' '))),
    },
    PlantNotDefinedException: {
      path: '/createDesign', body: change((d) => delete d.plant),
      precheck: () => client.createDesign(change((d) => (d.plant.plant = ''))),
    },
    PlantDoesNotExistException: { path: '/createDesign', body: change((d) => (d.plant.plant = 'PLANT_Z')), typed: () => client.createDesign(change((d) => (d.plant.plant = 'PLANT_Z'))) },
    StandardNotDefinedException: {
      path: '/createDesign', body: change((d) => d.header.attributes.shift()),
      precheck: () => client.createDesign(change((d) => d.header.attributes.shift())),
    },
    StandardDoesNotExistException: { path: '/createDesign', body: change((d) => (d.header.attributes[0].value = 'ASTM_X')), typed: () => client.createDesign(change((d) => (d.header.attributes[0].value = 'ASTM_X'))) },
    OperationNotDefinedException: {
      path: '/createDesign', body: change((d) => (d.operations[0].operation = null)),
      precheck: () => client.createDesign(change((d) => (d.operations[0].operation = null))),
    },
    LayerNotDefinedException: {
      path: '/createDesign', body: change((d) => (d.operations[0].layers[0].layer = 0)),
      precheck: () => client.createDesign(change((d) => (d.operations[0].layers[0].layer = 0))),
    },
    ProcessTypeNotDefinedException: {
      path: '/createDesign', body: change((d) => delete d.operations[0].layers[0].processName),
      precheck: () => client.createDesign(change((d) => delete d.operations[0].layers[0].processName)),
    },
    ProcessTypeDoesNotExistException: { path: '/createDesign', body: change((d) => (d.operations[0].layers[0].processName = 'BRAID')), typed: () => client.createDesign(change((d) => (d.operations[0].layers[0].processName = 'BRAID'))) },
    ResourceNotDefinedException: {
      path: '/createDesign', body: change((d) => (d.operations[0].resources[0].resource = 0)),
      precheck: () => client.createDesign(change((d) => (d.operations[0].resources[0].resource = 0))),
    },
    ResourceTypeNotDefinedException: {
      path: '/createDesign', body: change((d) => (d.operations[0].resources[0].resourceName = '')),
      precheck: () => client.createDesign(change((d) => (d.operations[0].resources[0].resourceName = ''))),
    },
    ResourceTypeDoesNotExistException: { path: '/createDesign', body: change((d) => (d.operations[0].resources[0].resourceName = 'LAY_Z_99')), typed: () => client.createDesign(change((d) => (d.operations[0].resources[0].resourceName = 'LAY_Z_99'))) },
    BomNotDefinedException: {
      path: '/createDesign', body: change((d) => (d.operations[0].layers[0].boms[0].position = -5)),
      precheck: () => client.createDesign(change((d) => (d.operations[0].layers[0].boms[0].position = -5))),
    },
    BomDesignDoesNotExistException: { path: '/createDesign', body: change((d) => (d.operations[0].layers[0].boms[0].attributes[0].value = 'CORE_9')), typed: () => client.createDesign(change((d) => (d.operations[0].layers[0].boms[0].attributes[0].value = 'CORE_9'))) },
    InvalidDesignCodeException: {
      path: '/createDesign', body: change((d) => (d.detail.design = 'CABLE+B')),
      precheck: () => client.createDesign(change((d) => (d.detail.design = 'CABLE B'))),
    },
    DesignExistsException: { path: '/createDesign', body: change((d) => (d.detail.design = 'CABLE_A')), typed: () => client.createDesign(change((d) => (d.detail.design = 'CABLE_A'))) },
    'Request Not Found': { path: '/createDesign/', body: newDesign() },
    'Method Not Allowed': { method: 'PUT', path: '/createDesign' },
    CreateDesignException: { setup: () => (emulator.state.createFailAfterSections = 2), path: '/createDesign', body: newDesign(), typed: () => client.createDesign(newDesign()) },
    Exception: { setup: () => (emulator.state.unhandledException.createDesign = 1), path: '/createDesign', body: newDesign(), typed: () => client.createDesign(newDesign()) },
  },
};

/** One plain HTTP request to the emulator (node:http: any method, the body exactly as given). */
function rawRequest(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const url = new URL(`${emulator.url}${path}`);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method, headers: payload === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

type Coverage = { http: number; client: number };
const coverage: Record<CableBuilderCall, Coverage> = { getDesign: { http: 0, client: 0 }, updateDesign: { http: 0, client: 0 }, createDesign: { http: 0, client: 0 } };

const prepare = (spec: Row): void => {
  emulator.reset();
  emulator.faults.clear();
  spec.setup?.();
};

for (const call of ['getDesign', 'updateDesign', 'createDesign'] as const) {
  for (const row of EXCEPTION_TABLES[call]) {
    const spec = rows[call][row.name];
    test(`${call}: ${row.name} → ${row.status} ${row.error} (plain HTTP)`, async () => {
      assert.ok(spec, `no trigger written for ${call} ${row.name}`);
      prepare(spec);
      const answer = await rawRequest(spec.method ?? 'POST', spec.path, spec.body);
      assert.equal(answer.status, row.status, answer.text.slice(0, 300));
      const json = JSON.parse(answer.text) as Record<string, unknown>;
      assert.equal(json.status, row.status);
      assert.equal(json.error, row.error);
      const message = String(json.message);
      assert.ok(message === row.name || message.startsWith(`${row.name} - `), message.slice(0, 200));
      assert.match(String(json.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
      assert.equal(json.path, `${emulator.url}${spec.path}`);
      coverage[call].http++;
    });
    test(`${call}: ${row.name} → ${row.status} ${row.error} (through the client)`, async () => {
      assert.ok(spec, `no trigger written for ${call} ${row.name}`);
      prepare(spec);
      const run = spec.typed ?? (() => client.callRaw(spec.path, spec.body, (spec.method ?? 'POST') as 'POST' | 'GET' | 'PUT' | 'DELETE'));
      const error = await run().then(
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
      coverage[call].client++;
    });
  }
}

test('classification: permanent and transient rows', async () => {
  emulator.reset();
  const plant = await client.createDesign(change((d) => (d.plant.plant = 'PLANT_Z'))).catch((e: unknown) => e);
  assert.ok(plant instanceof CableBuilderError);
  assert.equal(plant.kind, 'data', 'PlantDoesNotExistException is a master-data gap despite its 500');
  assert.equal(plant.permanent, true);
  emulator.state.unhandledException.getDesign = 1;
  const generic = await client.getDesign({ design: 'CABLE_A', designAlternative: 0 }).catch((e: unknown) => e);
  assert.ok(generic instanceof CableBuilderError);
  assert.equal(generic.kind, 'transient');
  emulator.state.createFailAfterSections = 1;
  const partial = await client.createDesign(newDesign()).catch((e: unknown) => e);
  assert.ok(partial instanceof CableBuilderError);
  assert.equal(partial.kind, 'ambiguous', 'a failed create may have left a half-built design');
});

test('coverage count per guide table, through plain HTTP and through the client', () => {
  let http = 0;
  let viaClient = 0;
  let total = 0;
  for (const call of ['getDesign', 'updateDesign', 'createDesign'] as const) {
    const rowsInTable = EXCEPTION_TABLES[call].length;
    console.log(`conformance ${call}: ${coverage[call].http}/${rowsInTable} rows through plain HTTP against the emulator, ${coverage[call].client}/${rowsInTable} through the client`);
    http += coverage[call].http;
    viaClient += coverage[call].client;
    total += rowsInTable;
  }
  console.log(`conformance total: ${http}/${total} through plain HTTP, ${viaClient}/${total} through the client`);
  assert.equal(total, 40, 'the guide has 7 + 11 + 22 exception rows');
  assert.equal(http, total);
  assert.equal(viaClient, total);
});
