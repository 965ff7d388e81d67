import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCetecEmulator } from '../../../emulators/cetec/server.ts';
import type { CetecEmulator } from '../../../emulators/cetec/server.ts';
import { DEFAULT_CETEC_BEHAVIOURS } from '../../../emulators/cetec/behaviours.ts';

const TOKEN = 'canary-TOKEN;|[xyz]';
const Q = `preshared_token=${encodeURIComponent(TOKEN)}`;

const op = (place: number, repetitions = 60, setup = false) => ({ operation_external_key: 'generic_1_sec_operation', repetitions, setup, place_in_line: place, instructions: [{ instruction: 'deburr edges' }] });
const tree = (extra: Record<string, unknown> = {}) => ({
  prcpart: 'prt bracket',
  revision_text: 'A',
  bom_definition: [
    { prcpart: 'sub arm', revision_text: '', qty_per_top: 2, bom_definition: [{ prcpart: 'raw 6061', revision_text: '', qty_per_top: '1.5', component: 1 }], locations: [{ location_external_key: 'cnc_milling', build_order: 1, operations: [op(1)] }] },
    { prcpart: 'com screw', revision_text: '', qty_per_top: '4', component: '2' },
  ],
  locations: [
    { location_external_key: 'assembly', build_order: 1, operations: [op(1, 300, true), op(2, 120)] },
    { location_external_key: 'outside_service', build_order: 2, lead_time: 5 },
  ],
  ...extra,
});
const order = (externalKey: string, extra: Record<string, unknown> = {}) => ({
  location: 'MN',
  external_key: externalKey,
  place_order: true,
  customer_name: 'Acme Manufacturing',
  ship_via: 'ups_ground',
  terms_external_key: 'net_30_c',
  lines: [
    { prcpart: 'PRT BRACKET', qty: 10, transcode: 'SA', revision: 'A', resale: '12.50', cost: '0', external_key: 'line_0', due_date: '2026-03-01', ship_date: '', wip_date: '' },
    { partnum: 'ZZZ DEBURR', qty: '1', transcode: 'NN', resale: 5, external_key: 'line_1', description: 'Deburr' },
  ],
  ...extra,
});

describe('Cetec emulator contract', () => {
  let emu: CetecEmulator;
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const define = (body: Record<string, unknown>, headers: Record<string, string> = { version: '2.0' }) => post('/api/partrevisiondefinition', { ...body, preshared_token: TOKEN }, headers);
  const importOrders = (body: unknown) => post(`/importjson/quotes?${Q}&import_source_name=PAPERLESS`, body);

  before(async () => {
    emu = await startCetecEmulator({ tokens: [TOKEN] });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.reset();
    emu.setBehaviours(DEFAULT_CETEC_BEHAVIOURS);
    emu.faults.clear();
  });

  describe('authentication', () => {
    test('accepts the token from the query (percent-decoded) and from the body', async () => {
      assert.equal((await define(tree())).status, 200);
      const viaQuery = await post(`/api/partrevisiondefinition?${Q}`, tree(), { version: '2.0' });
      assert.equal(viaQuery.status, 200);
      const sources = emu.journal().map((e) => e.tokenSource);
      assert.deepEqual(sources, ['body', 'query']);
    });

    test('wrong or missing token: 401 invalid token, no side effects', async () => {
      const wrong = await post('/api/partrevisiondefinition', { ...tree(), preshared_token: 'nope' }, { version: '2.0' });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, { success: 0, message: 'invalid token' });
      const missing = await post('/importjson/quotes', [order('k-1')]);
      assert.equal(missing.status, 401);
      assert.equal(emu.state.parts().length, 0);
      assert.equal(emu.state.quotes().length, 0);
    });

    test('auth failure answer is switchable (403, 200 with success 0)', async () => {
      emu.setBehaviours({ authFailure: 'http-403' });
      assert.equal((await post('/importjson/quotes?preshared_token=x', [order('k')])).status, 403);
      emu.setBehaviours({ authFailure: 'http-200-success-0' });
      const res = await post('/importjson/quotes?preshared_token=x', [order('k')]);
      assert.equal(res.status, 200);
      assert.equal(res.body.success, 0);
    });

    test('the import does not take the token from the body', async () => {
      assert.equal((await post('/importjson/quotes', { ...order('k'), preshared_token: TOKEN })).status, 401);
    });
  });

  describe('POST /api/partrevisiondefinition', () => {
    test('defines parts, revisions, BOMs and labor plans, upper-casing part numbers', async () => {
      const res = await define(tree());
      assert.deepEqual(res, { status: 200, body: { success: 1, prcpart: 'PRT BRACKET', revision: 'A' } });
      assert.deepEqual(emu.state.parts().map((p) => p.prcpart).sort(), ['COM SCREW', 'PRT BRACKET', 'RAW 6061', 'SUB ARM']);
      assert.deepEqual(emu.state.bom('prt bracket', 'A')!.map((l) => [l.line, l.prcpart, l.qty_per_top, l.component]), [
        [1, 'SUB ARM', 2, null],
        [2, 'COM SCREW', 4, 2],
      ]);
      assert.deepEqual(emu.state.bom('SUB ARM', '')!.map((l) => [l.prcpart, l.qty_per_top]), [['RAW 6061', 1.5]]);
      const labor = emu.state.labor('PRT BRACKET', 'A')!;
      assert.deepEqual(labor.map((l) => [l.location_external_key, l.build_order, l.lead_time, l.operations.length]), [
        ['assembly', 1, null, 2],
        ['outside_service', 2, 5, 0],
      ]);
      assert.equal(emu.state.part('PRT BRACKET')!.current_revision, 'A');
    });

    test('a later call replaces the BOM and labor plan; the same call twice is idempotent', async () => {
      await define(tree());
      const first = emu.state.parts();
      const again = await define(tree());
      assert.equal(again.status, 200);
      assert.deepEqual(emu.state.parts(), first);
      await define({ prcpart: 'PRT BRACKET', revision_text: 'A', bom_definition: [{ prcpart: 'COM NUT', revision_text: '', qty_per_top: 1 }] });
      assert.deepEqual(emu.state.bom('PRT BRACKET', 'A')!.map((l) => l.prcpart), ['COM NUT']);
      assert.deepEqual(emu.state.labor('PRT BRACKET', 'A'), [], 'absent locations on the root empty the labor plan');
      assert.deepEqual(emu.state.bom('SUB ARM', '')!.map((l) => l.prcpart), ['RAW 6061'], 'parts not named keep their definitions');
    });

    test('nested nodes without bom_definition leave their BOM untouched', async () => {
      await define(tree());
      await define({ prcpart: 'PRT OTHER', revision_text: '', bom_definition: [{ prcpart: 'SUB ARM', revision_text: '', qty_per_top: 1 }] });
      assert.deepEqual(emu.state.bom('SUB ARM', '')!.map((l) => l.prcpart), ['RAW 6061']);
    });

    test('accepts a call without Version: 2.0 by default; requireVersionHeader refuses it', async () => {
      emu.setBehaviours({ requireVersionHeader: true });
      const res = await define(tree(), {});
      assert.equal(res.status, 400);
      assert.equal(emu.state.parts().length, 0);
      emu.setBehaviours({ requireVersionHeader: false });
      assert.equal((await define(tree(), {})).status, 200);
    });

    test('accepts what PY sent in production: raw material without revision_text, null qty_per_top, 0 repetitions (each refused only under its switch)', async () => {
      const production = {
        ...tree(),
        bom_definition: [{ component: 1, prcpart: 'RAW MATERIAL', sourcing: '', pick_comments: 'None', qty_per_top: null }],
        locations: [{ location_external_key: 'assembly', build_order: 1, operations: [op(1, 0)] }],
      };
      const res = await define(production);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(emu.state.bom('PRT BRACKET', 'A')!.map((l) => [l.prcpart, l.revision, l.qty_per_top]), [['RAW MATERIAL', '', null]]);
      for (const [flag, patch] of [
        ['requireRevisionText', { bom_definition: [{ prcpart: 'RAW MATERIAL', qty_per_top: 1 }] }],
        ['rejectNullQuantity', { bom_definition: [{ prcpart: 'RAW MATERIAL', revision_text: '', qty_per_top: null }] }],
        ['acceptZeroRepetitions', { locations: [{ location_external_key: 'assembly', build_order: 1, operations: [op(1, 0)] }] }],
      ] as const) {
        emu.setBehaviours({ [flag]: flag !== 'acceptZeroRepetitions' });
        assert.equal((await define({ ...tree(), ...patch })).status, 400, flag);
        emu.reset();
        emu.setBehaviours({ requireRevisionText: false, rejectNullQuantity: false, acceptZeroRepetitions: true });
      }
    });

    const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
      ['empty prcpart', { prcpart: '' }, /prcpart/],
      ['revision_text not a string', { revision_text: null }, /revision_text/],
      ['zero qty_per_top', { bom_definition: [{ prcpart: 'COM A', revision_text: '', qty_per_top: 0 }] }, /qty_per_top/],
      ['unknown work location', { locations: [{ location_external_key: 'moon_base', build_order: 1, operations: [op(1)] }] }, /moon_base/],
      ['unknown operation', { locations: [{ location_external_key: 'assembly', build_order: 1, operations: [{ ...op(1), operation_external_key: 'magic' }] }] }, /magic/],
      ['negative repetitions', { locations: [{ location_external_key: 'assembly', build_order: 1, operations: [op(1, -1)] }] }, /repetitions/],
      ['lead_time with operations', { locations: [{ location_external_key: 'outside_service', build_order: 1, lead_time: 3, operations: [op(1)] }] }, /outside-service/],
      ['build_order zero', { locations: [{ location_external_key: 'assembly', build_order: 0 }] }, /build_order/],
      ['bad instruction', { locations: [{ location_external_key: 'assembly', build_order: 1, operations: [{ ...op(1), instructions: ['x'] }] }] }, /instructions/],
    ];
    for (const [name, patch, message] of invalid) {
      test(`rejects ${name} with 400 and writes nothing`, async () => {
        const res = await define({ ...tree(), ...patch });
        assert.equal(res.status, 400);
        assert.equal(res.body.success, 0);
        assert.match(String(res.body.message), message);
        assert.equal(emu.state.parts().length, 0);
      });
    }

    test('a bad node deep in the tree leaves no partial writes', async () => {
      await define(tree());
      const before = emu.state.parts();
      const bad = tree();
      (bad.bom_definition[0]!.bom_definition as Array<Record<string, unknown>>).push({ prcpart: 'RAW BAD', revision_text: '', qty_per_top: -1 });
      (bad.bom_definition as Array<Record<string, unknown>>).push({ prcpart: 'COM NEW', revision_text: '', qty_per_top: 1 });
      assert.equal((await define(bad)).status, 400);
      assert.deepEqual(emu.state.parts(), before);
    });

    test('rejects self-reference through any ancestor', async () => {
      const res = await define({ prcpart: 'PRT LOOP', revision_text: '', bom_definition: [{ prcpart: 'SUB MID', revision_text: '', qty_per_top: 1, bom_definition: [{ prcpart: 'prt loop', revision_text: '', qty_per_top: 1 }] }] });
      assert.equal(res.status, 400);
      assert.match(String(res.body.message), /contains itself/);
      assert.equal(emu.state.parts().length, 0);
    });

    test('duplicate build_order is accepted and flagged in the journal', async () => {
      const res = await define({ prcpart: 'PRT DUP', revision_text: '', locations: [{ location_external_key: 'assembly', build_order: 1, operations: [op(1)] }, { location_external_key: 'inspection', build_order: 1, operations: [op(2)] }] });
      assert.equal(res.status, 200);
      assert.match(emu.journal().at(-1)!.warnings.join(' '), /duplicate build_order/);
    });

    test('prcRequired rejects unknown class codes', async () => {
      emu.setBehaviours({ prcRequired: true });
      assert.equal((await define({ prcpart: 'XYZ 1', revision_text: '' })).status, 400);
      assert.equal((await define({ prcpart: 'PRT 1', revision_text: '' })).status, 200);
    });
  });

  describe('PUT /api/partrevisiondefinition (older shape)', () => {
    const body = { preshared_token: TOKEN, prcpart: 'bom top', revision: { part: { prcpart: 'BOM TOP' }, revision: 'B', status: 'Active', current_rev: true }, bom_definition: [{ prcpart: 'cmp1', revision: { part: { prcpart: 'CMP1', description: 'Component one' } }, component: 1, qty_per_top: 2 }] };
    test('refuses a missing root part, then applies revision and BOM once the part exists', async () => {
      const put = () => fetch(`${emu.url}/api/partrevisiondefinition`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await put()).status, 400);
      const created = await fetch(`${emu.url}/api/part?${Q}&prcpart=${encodeURIComponent('BOM TOP')}&description=Top&is_bom=1`, { method: 'PUT' });
      assert.equal(created.status, 200);
      assert.equal((await put()).status, 200);
      const part = emu.state.part('BOM TOP')!;
      assert.equal(part.current_revision, 'B');
      assert.equal(emu.state.part('CMP1')!.description, 'Component one');
      assert.deepEqual(emu.state.bom('BOM TOP', 'B')!.map((l) => [l.prcpart, l.qty_per_top]), [['CMP1', 2]]);
    });
  });

  describe('POST /importjson/quotes', () => {
    test('creates a quote and an order with numbered lines; numbers are deterministic', async () => {
      await define(tree());
      const res = await importOrders([order('SW-prod-179')]);
      assert.deepEqual(res, { status: 200, body: { quotes: [1001], orders: [5001], message: '', success: 1 } });
      const [o] = emu.state.orders();
      assert.deepEqual(o!.lines.map((l) => [l.display, l.prcpart, l.qty, l.external_key]), [
        ['MN5001.1', 'PRT BRACKET', 10, 'line_0'],
        ['MN5001.2', 'ZZZ DEBURR', 1, 'line_1'],
      ]);
      assert.equal(emu.state.quotes()[0]!.import_source_name, 'PAPERLESS');
      assert.ok(emu.state.part('ZZZ DEBURR'), 'unknown line parts are created');
      const second = await importOrders(order('SW-prod-180', { place_order: false }));
      assert.deepEqual(second.body, { quotes: [1002], orders: [], message: '', success: 1 });
    });

    test('place_order accepts true, "true", 1 and "1"', async () => {
      for (const [i, flag] of [true, 'true', 1, '1'].entries()) {
        const res = await importOrders([order(`flag-${i}`, { place_order: flag })]);
        assert.equal((res.body.orders as number[]).length, 1, String(flag));
      }
    });

    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      ['unknown location', { location: 'XX' }, /location/],
      ['no lines', { lines: [] }, /lines/],
      ['line without part', { lines: [{ qty: 1, transcode: 'SN' }] }, /prcpart or partnum/],
      ['zero qty', { lines: [{ prcpart: 'A', qty: 0, transcode: 'SN' }] }, /qty/],
      ['bad transcode', { lines: [{ prcpart: 'A', qty: 1, transcode: 'XX' }] }, /transcode/],
      ['bad date', { lines: [{ prcpart: 'A', qty: 1, transcode: 'SN', due_date: '03/01/2026' }] }, /due_date/],
    ];
    for (const [name, patch, message] of refusals) {
      test(`refuses ${name}: 200, success 0, nothing created`, async () => {
        const res = await importOrders([order('bad', patch)]);
        assert.equal(res.status, 200);
        assert.equal(res.body.success, 0);
        assert.deepEqual([res.body.quotes, res.body.orders], [[], []]);
        assert.match(String(res.body.message), message);
        assert.equal(emu.state.quotes().length, 0);
      });
    }

    test('orders in one body are independent', async () => {
      const res = await importOrders([order('a'), order('b', { location: 'XX' }), order('c')]);
      assert.deepEqual([res.body.quotes, res.body.orders, res.body.success], [[1001, 1002], [5001, 5002], 0]);
    });

    test('unknown ship_via and terms keys are accepted with a journal warning; rejectUnknownCodes refuses them', async () => {
      const res = await importOrders([order('codes', { ship_via: 'teleport', terms_external_key: '1' })]);
      assert.equal(res.body.success, 1);
      assert.ok(emu.journal().at(-1)!.warnings.some((w) => /teleport/.test(w)));
      emu.setBehaviours({ rejectUnknownCodes: true });
      for (const [patch, message] of [[{ ship_via: 'teleport' }, /ship_via/], [{ terms_external_key: 'net_1000' }, /terms/]] as const) {
        const refused = await importOrders([order('codes-2', patch)]);
        assert.equal(refused.body.success, 0);
        assert.match(String(refused.body.message), message);
      }
    });

    test('ship_via by numeric id is accepted', async () => {
      assert.equal((await importOrders([order('n', { ship_via: 6 })])).body.success, 1);
    });

    test('customer resolution: id, custnum, name; unresolved uses a placeholder (or is refused)', async () => {
      await importOrders([order('c1', { customer_id: 3, customer_name: 'x' })]);
      await importOrders([order('c2', { customer_custnum: 'ACME', customer_name: 'x' })]);
      await importOrders([order('c3', { customer_name: 'Nobody Inc' })]);
      assert.deepEqual(emu.state.quotes().map((q) => q.customer_id), [3, 2, 99]);
      assert.match(emu.journal().at(-1)!.warnings.join(' '), /customer not resolved/);
      emu.setBehaviours({ requireCustomer: true });
      assert.equal((await importOrders([order('c4', { customer_name: 'Nobody Inc' })])).body.success, 0);
    });

    test('autoCreateLineParts off refuses unknown parts', async () => {
      emu.setBehaviours({ autoCreateLineParts: false });
      const res = await importOrders([order('p')]);
      assert.equal(res.body.success, 0);
      assert.match(String(res.body.message), /part not found/);
    });

    test('a build line without BOM or labor is warned about, or refused when switched', async () => {
      await importOrders([order('w')]);
      assert.match(emu.journal().at(-1)!.warnings.join(' '), /no BOM or labor plan/);
      emu.setBehaviours({ buildLineNeedsDefinition: 'reject' });
      assert.equal((await importOrders([order('w2')])).body.success, 0);
    });

    test('duplicateExternalKey=reject: success 0 naming the key, nothing created', async () => {
      await importOrders([order('dup')]);
      const res = await importOrders([order('dup')]);
      assert.equal(res.body.success, 0);
      assert.match(String(res.body.message), /external_key dup has already been used/);
      assert.equal(emu.state.quotes().length, 1);
    });

    test('duplicateExternalKey=return-existing: the original numbers, nothing created', async () => {
      emu.setBehaviours({ duplicateExternalKey: 'return-existing' });
      await importOrders([order('dup')]);
      const res = await importOrders([order('dup')]);
      assert.deepEqual(res.body, { quotes: [1001], orders: [5001], message: '', success: 1 });
      assert.equal(emu.state.quotes().length, 1);
    });

    test('duplicateExternalKey=allow: a second quote and order', async () => {
      emu.setBehaviours({ duplicateExternalKey: 'allow' });
      await importOrders([order('dup')]);
      const res = await importOrders([order('dup')]);
      assert.deepEqual(res.body, { quotes: [1002], orders: [5002], message: '', success: 1 });
      assert.equal(emu.state.ordersByExternalKey('dup').length, 2);
    });

    test('commit-then-fail applies the import and loses the answer', async () => {
      emu.faults.script('POST /importjson/quotes', [{ kind: 'commit-then-fail' }]);
      await assert.rejects(importOrders([order('lost')]));
      assert.equal(emu.state.ordersByExternalKey('lost').length, 1);
    });
  });

  describe('other endpoints', () => {
    test('GET /api/part: percent-decoded, upper-cased; missing → 404 {}', async () => {
      await define(tree());
      const res = await fetch(`${emu.url}/api/part/prt%20bracket?${Q}`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { prcpart: string }).prcpart, 'PRT BRACKET');
      const missing = await fetch(`${emu.url}/api/part/NOPE?${Q}`);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), {});
    });

    test('customers: filters, columns, create, patch; contacts by email', async () => {
      const list = (await (await fetch(`${emu.url}/api/customer?${Q}&external_key=acme&columns=id,name`)).json()) as unknown[];
      assert.deepEqual(list, [{ id: 2, name: 'Acme Manufacturing' }]);
      const created = await fetch(`${emu.url}/api/customer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preshared_token: TOKEN, name: 'Initech', external_key: 'initech' }) });
      assert.equal(created.status, 201);
      const body = (await created.json()) as { id: number; external_key: string };
      assert.equal(body.external_key, 'initech');
      const patched = await fetch(`${emu.url}/api/customer/${body.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preshared_token: TOKEN, ship_to_city: 'Austin' }) });
      assert.equal(patched.status, 200);
      const contacts = (await (await fetch(`${emu.url}/api/contact?${Q}&email=wile%40acme.example.com`)).json()) as Array<{ customer_id: number }>;
      assert.deepEqual(contacts.map((c) => c.customer_id), [2]);
    });

    test('PUT /api/document → 201', async () => {
      const res = await fetch(`${emu.url}/api/document?${Q}&object_type=part&object_id=1&name=drawing.pdf`, { method: 'PUT', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nPDF\r\n--x--' });
      assert.equal(res.status, 201);
      assert.equal(emu.state.documents().length, 1);
    });

    test('order lookup by external key (switchable)', async () => {
      await importOrders([order('look', { place_order: false })]);
      const found = (await (await fetch(`${emu.url}/api/order?${Q}&external_key=look`)).json()) as Array<Record<string, unknown>>;
      assert.deepEqual(found.map((o) => [o.quote, o.ordernum, o.location]), [[1001, null, 'MN']]);
      emu.setBehaviours({ orderLookup: false });
      assert.equal((await fetch(`${emu.url}/api/order?${Q}&external_key=look`)).status, 404);
    });

    test('unmodelled calls answer 404 JSON and are flagged', async () => {
      const res = await fetch(`${emu.url}/api/invoice?${Q}`);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { success: 0, message: 'not found' });
      assert.match(emu.journal().at(-1)!.warnings.join(' '), /unmodelled call: GET \/api\/invoice/);
    });
  });

  describe('control endpoints and journal', () => {
    test('read-back, behaviours, reset and seed over HTTP', async () => {
      await define(tree());
      await importOrders([order('ctl')]);
      const byKey = (await (await fetch(`${emu.url}/__emulator/by-external-key/ctl`)).json()) as { quotes: unknown[]; orders: unknown[] };
      assert.equal(byKey.orders.length, 1);
      const part = (await (await fetch(`${emu.url}/__emulator/parts/prt%20bracket`)).json()) as { revisions: unknown[] };
      assert.equal(part.revisions.length, 1);
      const put = await fetch(`${emu.url}/__emulator/behaviours`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duplicateExternalKey: 'allow' }) });
      assert.equal(((await put.json()) as { duplicateExternalKey: string }).duplicateExternalKey, 'allow');
      const bad = await fetch(`${emu.url}/__emulator/behaviours`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duplicateExternalKey: 'maybe' }) });
      assert.equal(bad.status, 400);
      await fetch(`${emu.url}/__emulator/seed`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ firstQuoteNumber: 7000 }) });
      assert.equal(emu.state.quotes().length, 0);
      assert.deepEqual((await importOrders([order('after-seed')])).body.quotes, [7000]);
      await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' });
      assert.equal(emu.state.quotes().length, 0);
    });

    test('the journal never holds the token, and records where it came from', async () => {
      await define(tree());
      await importOrders([order('j')]);
      await post(`/api/partrevisiondefinition?${Q}`, tree(), { version: '2.0' });
      const journal = await (await fetch(`${emu.url}/__emulator/journal`)).text();
      assert.ok(!journal.includes('canary'), journal.slice(0, 500));
      assert.ok(!journal.includes(encodeURIComponent(TOKEN)));
      assert.deepEqual(emu.journal().map((e) => e.tokenSource), ['body', 'query', 'query']);
    });

    test('concurrent definitions of one part: last arrival wins', async () => {
      const a = define({ prcpart: 'PRT RACE', revision_text: '', bom_definition: [{ prcpart: 'COM A', revision_text: '', qty_per_top: 1 }] });
      const b = define({ prcpart: 'PRT RACE', revision_text: '', bom_definition: [{ prcpart: 'COM B', revision_text: '', qty_per_top: 1 }] });
      await Promise.all([a, b]);
      const last = emu.journal().filter((e) => e.path === '/api/partrevisiondefinition').at(-1)!;
      const lastChild = ((last.body as { bom_definition: Array<{ prcpart: string }> }).bom_definition[0]!.prcpart);
      assert.deepEqual(emu.state.bom('PRT RACE', '')!.map((l) => l.prcpart), [lastChild]);
    });
  });
});
