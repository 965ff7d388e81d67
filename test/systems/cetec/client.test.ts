import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startCetecEmulator } from '../../../emulators/cetec/server.ts';
import type { CetecEmulator } from '../../../emulators/cetec/server.ts';
import { DEFAULT_CETEC_BEHAVIOURS } from '../../../emulators/cetec/behaviours.ts';
import type { Fault } from '../../../emulators/shared/faults.ts';
import { createCetecClient } from '../../../src/systems/cetec/client.ts';
import type { CetecClient, CetecClientOptions } from '../../../src/systems/cetec/client.ts';
import {
  CetecAmbiguousError,
  CetecAuthError,
  CetecConfigError,
  CetecDuplicateKeyError,
  CetecRejectedError,
  CetecUnavailableError,
} from '../../../src/systems/cetec/errors.ts';
import type { CetecBomNode, CetecImportOrder } from '../../../src/systems/cetec/schemas.ts';
import type { TransferEnd, TransferRecorder, TransferStart } from '../../../src/lib/transfer.ts';

const TOKEN = 'canary-TOKEN;|[xyz]';

function memoryRecorder(): TransferRecorder & { records: Array<{ start: TransferStart; end?: TransferEnd }> } {
  const records: Array<{ start: TransferStart; end?: TransferEnd }> = [];
  return {
    records,
    start(t) {
      records.push({ start: t });
      return String(records.length - 1);
    },
    end(id, r) {
      records[Number(id)]!.end = r;
    },
  };
}

const bom: CetecBomNode = {
  prcpart: 'PRT BRACKET',
  revision_text: 'A',
  bom_definition: [{ prcpart: 'RAW 6061', revision_text: '', qty_per_top: 1.5, component: 1 }],
  locations: [{ location_external_key: 'cnc_milling', build_order: 1, operations: [{ operation_external_key: 'generic_1_sec_operation', repetitions: 90, setup: false, place_in_line: 1, instructions: [] }] }],
};

const order = (key: string): CetecImportOrder => ({
  location: 'MN',
  shipto_name: 'Wile', shipto_address_1: '1 Desert Rd', shipto_address_2: '', shipto_address_3: '', shipto_address_4: '', shipto_city: 'Tucson', shipto_state: 'AZ', shipto_zip: '85701',
  billto_name: 'Acme', billto_address_1: '1 Desert Rd', billto_address_2: '', billto_address_3: '', billto_address_4: '', billto_city: 'Tucson', billto_state: 'AZ', billto_zip: '85701',
  external_key: key,
  internal_comments: '', commission_note: '', ship_via: 'ups_ground', shipping_instructions: '', customer_taxtype: '1', tax_collected: '0.00',
  place_order: true, internal_customer_id: '1', internal_vendor_id: '1', customer_name: 'Acme Manufacturing',
  lines: [{ prcpart: 'PRT BRACKET', custpart: '', resale: '12.50', cost: '0', qty: 10, revision: 'A', description: '', comments: '', sourcing_comments: '', due_date: '2026-03-01', ship_date: '', wip_date: '', external_key: 'line_0', transcode: 'SA' }],
});

describe('Cetec client against the emulator', () => {
  let emu: CetecEmulator;
  const clients: CetecClient[] = [];
  const everything: string[] = [];
  const client = (overrides: Partial<CetecClientOptions> = {}) => {
    const recorder = memoryRecorder();
    const c = createCetecClient({
      baseUrl: emu.url,
      token: TOKEN,
      // Room for a loaded 2-core machine (a 200 ms deadline timed out and retried a slow first
      // answer); only the hanging-server case shortens it.
      timeoutMs: 10_000,
      importSourceName: 'PAPERLESS',
      recorder,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
      breaker: false,
      ...overrides,
    });
    clients.push(c);
    return Object.assign(c, { recorder });
  };
  /** Every error and record is kept, and searched for the token at the end. */
  const expectError = async (p: Promise<unknown>, cls: new (...a: never[]) => Error, code?: string): Promise<Error> => {
    try {
      await p;
    } catch (error) {
      everything.push(JSON.stringify(error), String(error), (error as Error).stack ?? '');
      assert.ok(error instanceof cls, `expected ${cls.name}, got ${String(error)}`);
      if (code) assert.equal((error as unknown as { code: string }).code, code);
      return error as Error;
    }
    assert.fail(`expected ${cls.name}, call succeeded`);
  };

  before(async () => {
    emu = await startCetecEmulator({ tokens: [TOKEN] });
  });
  after(async () => {
    for (const c of clients) {
      everything.push(JSON.stringify((c as unknown as { recorder: { records: unknown } }).recorder.records));
      await c.close();
    }
    const text = everything.join('\n');
    await emu.close();
    assert.ok(!text.includes('canary'), 'the token leaked into an error or a transfer record');
    assert.ok(!text.includes(encodeURIComponent(TOKEN)));
  });
  beforeEach(() => {
    emu.reset();
    emu.setBehaviours(DEFAULT_CETEC_BEHAVIOURS);
    emu.faults.clear();
  });

  test('defineBom sends Version 2.0 with the token in the body, and records the call redacted', async () => {
    const c = client();
    await c.defineBom(bom, { step: 0 });
    assert.deepEqual(emu.state.bom('PRT BRACKET', 'A')!.map((l) => l.prcpart), ['RAW 6061']);
    const [entry] = emu.journal();
    assert.equal(entry!.headers.version, '2.0');
    assert.equal(entry!.tokenSource, 'body');
    assert.equal(c.recorder.records.length, 1);
    assert.equal(c.recorder.records[0]!.start.step, 0);
    assert.equal(c.recorder.records[0]!.end!.outcome, 'ok');
  });

  test('defineBom with the token in the query percent-encodes it', async () => {
    await client({ tokenPlacement: 'query' }).defineBom(bom);
    assert.equal(emu.journal()[0]!.tokenSource, 'query');
    assert.equal(emu.journal()[0]!.tokenAccepted, true);
  });

  test('defineBom: a validation failure is a rejection carrying Cetec\'s message, not retried', async () => {
    const c = client();
    const error = await expectError(c.defineBom({ ...bom, locations: [{ location_external_key: 'moon_base', build_order: 1 }] }), CetecRejectedError, 'cetec.rejected');
    assert.match((error as CetecRejectedError).cetecMessage ?? '', /moon_base/);
    assert.equal(emu.journal().length, 1);
  });

  test('defineBom: lost answers are retried (idempotent), bounded, and end as transient', async () => {
    const c = client();
    emu.faults.script('POST /api/partrevisiondefinition', [{ kind: 'commit-then-fail' }, { kind: 'status', status: 503 }]);
    await c.defineBom(bom);
    assert.equal(emu.journal().length, 3);
    emu.faults.script('POST /api/partrevisiondefinition', Array.from({ length: 5 }, (): Fault => ({ kind: 'status', status: 502 })));
    const before = emu.journal().length;
    await expectError(c.defineBom(bom), CetecUnavailableError, 'cetec.unavailable');
    assert.equal(emu.journal().length - before, 3, 'three attempts, no more');
  });

  test('defineBom: 200 is success even without a JSON body; another 2xx is not taken as success (only 200 is evidenced)', async () => {
    emu.faults.script('POST /api/partrevisiondefinition', [{ kind: 'status', status: 200, body: '' }]);
    await client().defineBom(bom);
    emu.faults.script('POST /api/partrevisiondefinition', [{ kind: 'status', status: 201, body: '' }]);
    const error = await expectError(client().defineBom(bom), CetecRejectedError, 'cetec.rejected');
    assert.match(error.message, /HTTP 201, not the 200/);
  });

  test('importOrders sends Version: 2.0, as the production exporter did', async () => {
    await client().importOrders([order('version')]);
    const call = emu.journal().find((e) => e.path === '/importjson/quotes')!;
    assert.equal(call.headers.version, '2.0');
  });

  test('updatePart reads first: creates a missing part, leaves a matching one alone (no PUT)', async () => {
    const c = client();
    assert.deepEqual(await c.updatePart({ prcpart: 'CBL NEW', description: 'Harness A' }), {});
    assert.equal(emu.state.part('CBL NEW')?.description, 'Harness A');
    emu.reset({ parts: [{ prcpart: 'CBL SAME', description: 'Harness B' }] });
    assert.deepEqual(await c.updatePart({ prcpart: 'CBL SAME', description: 'Harness B' }), {});
    assert.deepEqual(emu.journal().map((e) => e.method), ['GET'], 'no PUT when the part already reads as wanted');
    emu.reset({ parts: [] });
  });

  test('updatePart on an existing part that Cetec refuses to update (400 "already exists"): a warning, not a failure', async () => {
    emu.reset({ parts: [{ prcpart: 'CBL OLD', description: 'Old text' }] });
    emu.setBehaviours({ partPutExisting: 'refuse' });
    const outcome = await client().updatePart({ prcpart: 'CBL OLD', description: 'New text' });
    assert.match(outcome.warning ?? '', /refused to change the description of existing part CBL OLD \(Part CBL OLD already exists\); it keeps "Old text"/);
    assert.equal(emu.state.part('CBL OLD')?.description, 'Old text');
    // A part that does not exist is still created under the same switch.
    assert.deepEqual(await client().updatePart({ prcpart: 'CBL FRESH', description: 'x' }), {});
    emu.reset({ parts: [] });
  });

  test('wrong token → auth error (401, 403, and 200 with success 0)', async () => {
    const c = client({ token: 'canary-wrong-token' });
    await expectError(c.defineBom(bom), CetecAuthError, 'cetec.auth');
    emu.setBehaviours({ authFailure: 'http-403' });
    await expectError(c.importOrders([order('k')]), CetecAuthError);
    emu.setBehaviours({ authFailure: 'http-200-success-0' });
    await expectError(c.importOrders([order('k')]), CetecAuthError);
    await expectError(c.defineBom(bom), CetecAuthError);
  });

  test('importOrders returns the numbers and uses the query token and source name', async () => {
    const c = client();
    await c.defineBom(bom);
    const result = await c.importOrders([order('SW-prod-179')], { step: 1 });
    assert.deepEqual(result, { quotes: [1001], orders: [5001], message: '', success: 1 });
    const entry = emu.journal().at(-1)!;
    assert.equal(entry.tokenSource, 'query');
    assert.equal(entry.query.import_source_name, 'PAPERLESS');
    assert.equal(entry.headers.version, '2.0', 'Version header on the import, as the production exporter sent it');
  });

  test('importOrders: a refusal carries Cetec\'s message', async () => {
    const error = await expectError(client().importOrders([{ ...order('x'), location: 'XX' }]), CetecRejectedError);
    assert.match(error.message, /location/);
  });

  test('importOrders: reused key → duplicate error (ambiguous); return-existing → the numbers', async () => {
    const c = client();
    await c.importOrders([order('dup')]);
    const error = await expectError(c.importOrders([order('dup')]), CetecDuplicateKeyError, 'cetec.duplicate_external_key');
    assert.equal((error as CetecDuplicateKeyError).kind, 'ambiguous');
    assert.equal((error as CetecDuplicateKeyError).externalKey, 'dup');
    emu.setBehaviours({ duplicateExternalKey: 'return-existing' });
    assert.deepEqual(await c.importOrders([order('dup')]), { quotes: [1001], orders: [5001], message: '', success: 1 });
  });

  const lostAnswers: Array<[string, Fault]> = [
    ['timeout (hang)', { kind: 'hang' }],
    ['reset after commit', { kind: 'commit-then-fail' }],
    ['5xx after commit', { kind: 'commit-then-fail', then: 'status', status: 500 }],
    ['503', { kind: 'status', status: 503 }],
    ['HTML error page', { kind: 'html' }],
    ['truncated body', { kind: 'truncate' }],
    ['reset before handling', { kind: 'reset' }],
  ];
  for (const [name, fault] of lostAnswers) {
    test(`importOrders: ${name} → ambiguous, sent exactly once`, async () => {
      const c = client(fault.kind === 'hang' ? { timeoutMs: 300 } : {});
      emu.faults.script('POST /importjson/quotes', [fault]);
      await expectError(c.importOrders([order('amb')]), CetecAmbiguousError, 'cetec.ambiguous');
      assert.equal(emu.journal().filter((e) => e.path === '/importjson/quotes').length, 1, 'never repeated');
      assert.equal(c.recorder.records.length, 1);
      assert.equal(c.recorder.records[0]!.end!.outcome, 'unknown');
    });
  }

  test('importOrders: commit-then-fail, then findOrderByExternalKey establishes the outcome', async () => {
    const c = client();
    emu.faults.script('POST /importjson/quotes', [{ kind: 'commit-then-fail' }]);
    await expectError(c.importOrders([order('lost')]), CetecAmbiguousError);
    assert.deepEqual(await c.findOrderByExternalKey('lost'), { quote: 1001, order: 5001, location: 'MN' });
    assert.equal(await c.findOrderByExternalKey('never-sent'), null);
  });

  test('findOrderByExternalKey is refused when the tenant does not answer the lookup', async () => {
    emu.setBehaviours({ orderLookup: false });
    await expectError(client().findOrderByExternalKey('x'), CetecConfigError);
  });

  test('importOrders: 429 → unavailable (not processed), not retried', async () => {
    emu.faults.script('POST /importjson/quotes', [{ kind: 'rate-limit', retryAfter: 1 }]);
    const error = await expectError(client().importOrders([order('rl')]), CetecUnavailableError);
    assert.equal((error as CetecUnavailableError).details?.retryAfterMs, 1000);
    assert.equal(emu.state.quotes().length, 0);
  });

  test('429 Retry-After is honoured for retry-safe calls', async () => {
    emu.faults.script('POST /api/partrevisiondefinition', [{ kind: 'rate-limit', retryAfter: 1 }]);
    const started = performance.now();
    await client().defineBom(bom);
    assert.ok(performance.now() - started >= 950);
  });

  test('connect refused → unavailable, retried even for the import (never sent)', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = client({ baseUrl: `http://127.0.0.1:${port}` });
    await expectError(c.importOrders([order('x')]), CetecUnavailableError);
    assert.equal(c.recorder.records.length, 3);
    assert.ok(c.recorder.records.every((r) => r.end?.outcome === 'failed'));
  });

  test('the breaker opens after repeated failures and recovers', async () => {
    const c = client({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 100 }, retry: { maxAttempts: 1 } });
    emu.faults.script('GET /api/part/:prcpart', [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }]);
    await expectError(c.getPart('X'), CetecUnavailableError);
    await expectError(c.getPart('X'), CetecUnavailableError);
    assert.equal(c.breakerState(), 'open');
    const calls = emu.journal().length;
    await expectError(c.importOrders([order('open')]), CetecUnavailableError);
    assert.equal(emu.journal().length, calls, 'nothing sent while open');
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await c.getPart('X'), null);
    assert.equal(c.breakerState(), 'closed');
  });

  test('getPart: the part, or null', async () => {
    const c = client();
    await c.defineBom(bom);
    assert.equal(((await c.getPart('prt bracket')) as { prcpart: string }).prcpart, 'PRT BRACKET');
    assert.equal(await c.getPart('NOPE'), null);
  });

  test('a wrong base URL is a config error', async () => {
    await expectError(client({ baseUrl: `${emu.url}/nothing-here` }).defineBom(bom), CetecConfigError);
  });
});
