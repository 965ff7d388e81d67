/** The translation rules one by one, on small hand-built orders (docs/translation.md). */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { comp, item, op, order, options, plan, boms, salesOrder, singlePartOrder, translationError, uuidFor } from './helpers.ts';
import { parseOrder, summarizeOrder } from '../../src/translate/order-to-cetec/plan.ts';
import { daysBefore } from '../../src/translate/order-to-cetec/dates.ts';
import { fixture } from './helpers.ts';

describe('routing', () => {
  test('setup and run become separate one-second operations with consecutive place_in_line across the node', () => {
    const [bom] = boms(plan(singlePartOrder([
      op('Programming', { setup_time: 2 }),
      op('Milling With Estimates', { setup_time: 1, runtime: 0.04944812607486251 }),
      op('Packaging', { setup_time: 0.25, runtime: 0.0083 }),
    ])));
    assert.deepEqual(bom!.locations, [
      { location_external_key: 'programming', build_order: 1, operations: [{ operation_external_key: 'generic_1_sec_operation', repetitions: 7200, setup: true, place_in_line: 1, instructions: [] }] },
      { location_external_key: 'cnc_milling', build_order: 2, operations: [
        { operation_external_key: 'generic_1_sec_operation', repetitions: 3600, setup: true, place_in_line: 2, instructions: [] },
        { operation_external_key: 'generic_1_sec_operation', repetitions: 178, setup: false, place_in_line: 3, instructions: [] },
      ] },
      { location_external_key: 'packaging', build_order: 3, operations: [
        { operation_external_key: 'generic_1_sec_operation', repetitions: 900, setup: true, place_in_line: 4, instructions: [] },
        { operation_external_key: 'generic_1_sec_operation', repetitions: 30, setup: false, place_in_line: 5, instructions: [] },
      ] },
    ]);
  });

  test('a tiny positive time is at least one second; no time gives one operation carrying the notes', () => {
    const [bom] = boms(plan(singlePartOrder([op('Deburr', { runtime: 0.00001 }), op('Chromate', { notes: 'Mask threads' })])));
    assert.equal(bom!.locations![0]!.operations![0]!.repetitions, 1);
    assert.deepEqual(bom!.locations![1]!.operations, [
      { operation_external_key: 'generic_1_sec_operation', repetitions: 1, setup: false, place_in_line: 2, instructions: [{ instruction: 'Mask threads' }] },
    ]);
  });

  test('run repetitions per lot multiply by the make quantity when configured', () => {
    const doc = singlePartOrder([op('Deburr', { runtime: 0.01 })], { make_quantity: 7 });
    assert.equal(boms(plan(doc))[0]!.locations![0]!.operations![0]!.repetitions, 36);
    assert.equal(boms(plan(doc, options({ routing: { runRepetitions: 'per-lot' } })))[0]!.locations![0]!.operations![0]!.repetitions, 252);
  });

  test('outside services are locations with a lead time and no operations; build_order never repeats', () => {
    const quantities = [
      { quantity: 1, lead_time: 4, manual_lead_time: null },
      { quantity: 5, lead_time: 6, manual_lead_time: 9 },
    ];
    const doc = singlePartOrder([
      op('Programming', { setup_time: 1 }),
      op('Service: Anodize', { operation_definition_name: 'Anodize', is_outside_service: true, quantities }),
      op('Inspection', { setup_time: 0.5 }),
      op('Heat Treat', { is_outside_service: true, quantities }),
    ], { deliver_quantity: 5 });
    const locations = boms(plan(doc))[0]!.locations!;
    assert.deepEqual(locations.map((l) => l.build_order), [1, 2, 3, 4]);
    assert.deepEqual(locations[1], { location_external_key: 'anodize', build_order: 2, lead_time: 9 });
    assert.deepEqual(locations[3], { location_external_key: 'heat_treat', build_order: 4, lead_time: 9 });
    assert.equal(locations[2]!.operations![0]!.place_in_line, 2);
    // A quantity that is not a quote break: the break that prices it (largest not above), with a warning.
    const between = plan(singlePartOrder([op('Anodize', { is_outside_service: true, quantities })], { deliver_quantity: 3 }));
    assert.equal(boms(between)[0]!.locations![0]!.lead_time, 4);
    assert.ok(between.warnings.some((w) => w.code === 'lead-time.break' && /quantity 3 is not a quote break; lead time 4 days taken from the break at 1/.test(w.message)));
    const above = plan(singlePartOrder([op('Anodize', { is_outside_service: true, quantities })], { deliver_quantity: 40 }));
    assert.equal(boms(above)[0]!.locations![0]!.lead_time, 9, 'above the largest break: the largest');
    const below = plan(singlePartOrder([op('Anodize', { is_outside_service: true, quantities: quantities.slice(1) })], { deliver_quantity: 2 }));
    assert.equal(boms(below)[0]!.locations![0]!.lead_time, 9, 'below the smallest break: the smallest');
  });

  test('skip list: Production Volume, Part Complexity…, Customer Part Number…, cost-only lines', () => {
    const doc = singlePartOrder([
      op('Production Volume'), op('Part Complexity - High'), op('Customer Part Number', { costing_variables: [{ label: 'Customer Part Number', value: 'C-1' }] }),
      op('Machine Markup'), op('Labor Markup'), op('PC Piece Price'), op('Programming', { setup_time: 1 }),
    ]);
    const locations = boms(plan(doc))[0]!.locations!;
    assert.deepEqual(locations.map((l) => l.location_external_key), ['programming']);
    assert.equal(salesOrder(plan(doc)).lines[0]!.custpart, 'C-1');
  });

  test('mapping by definition name first, then displayed name, then the default location', () => {
    const doc = singlePartOrder([op('Renamed by estimator', { operation_definition_name: 'Programming', setup_time: 1 }), op('Assembly', { operation_definition_name: null, setup_time: 1 })]);
    assert.deepEqual(boms(plan(doc))[0]!.locations!.map((l) => l.location_external_key), ['programming', 'assembly']);
    const withDefault = singlePartOrder([op('Levitation', { setup_time: 1 })]);
    assert.equal(boms(plan(withDefault, options({ routing: { defaultLocation: 'default' } })))[0]!.locations![0]!.location_external_key, 'default');
  });

  test('an unmapped operation is a data error naming order, item, component and operation', () => {
    const error = translationError(singlePartOrder([op('Programming', { setup_time: 1 }), op('Levitation', { setup_time: 1 })]));
    assert.equal(error.code, 'order.untranslatable');
    assert.equal(error.kind, 'data');
    assert.deepEqual(error.issues.map((i) => [i.path, i.code]), [['order_items[0].components[0].shop_operations[1]', 'operation.unmapped']]);
    assert.match(error.message, /order 500/);
    assert.match(error.message, /component 1 \(Part 1\.step\) of item 0/);
    assert.match(error.message, /"Levitation"/);
  });

  test('purchased components are leaves without routing', () => {
    const doc = order([item([comp(1, 'assembled', { children: [{ child_id: 2, quantity: 3 }], shop_operations: [op('Assembly', { setup_time: 1 })] }), comp(2, 'purchased', { shop_operations: [op('Levitation')] })], 1)]);
    const [bom] = boms(plan(doc));
    assert.deepEqual(bom!.bom_definition, [{ prcpart: 'COM BUY-2', revision_text: '', qty_per_top: 3 }]);
  });
});

describe('BOM', () => {
  test('tree from the root (not first in the list) with per-parent quantities; shared components under each parent', () => {
    const doc = order([item([
      comp(3, 'manufactured'),
      comp(2, 'assembled', { children: [{ child_id: 3, quantity: 4 }, { child_id: 4, quantity: 2 }] }),
      comp(4, 'purchased'),
      comp(1, 'assembled', { children: [{ child_id: 2, quantity: 2 }, { child_id: 4, quantity: 5 }] }),
    ], 1)]);
    const [bom] = boms(plan(doc));
    assert.equal(bom!.prcpart, `PRT PP-${uuidFor(1).replace(/-/g, '').slice(0, 12).toUpperCase()}`);
    assert.equal(bom!.qty_per_top, undefined);
    const [sub, leaf] = bom!.bom_definition!;
    assert.equal(sub!.qty_per_top, 2);
    assert.deepEqual(leaf, { prcpart: 'COM BUY-4', revision_text: '', qty_per_top: 5 });
    assert.deepEqual(sub!.bom_definition!.map((n) => [n.prcpart.slice(0, 3), n.qty_per_top]), [['SUB', 4], ['COM', 2]]);
    const raw = sub!.bom_definition![0]!.bom_definition!;
    assert.deepEqual(raw, [{ component: 1, prcpart: 'RAW ALUMINIUM 6061', revision_text: '', qty_per_top: 1, sourcing: 'Material: Aluminium 6061', pick_comments: '' }]);
    assert.equal('locations' in sub!, false, 'empty arrays are omitted');
  });

  test('raw material: Material Code wins, then the parts table, then the rule; bar stock sets the quantity', () => {
    const matOp = (vars: { label: string; value: unknown }[]) => [op('Aluminium 6061', { operation_definition_name: 'Material By Bar', costing_variables: vars })];
    const code = singlePartOrder([], { material_operations: matOp([{ label: 'Material Code', value: 'raw al-6061-bar' }, { label: 'Part Length', value: 2.4 }, { label: 'Cutoff', value: 0.1 }]) });
    const raw = boms(plan(code))[0]!.bom_definition![0]!;
    assert.equal(raw.prcpart, 'RAW AL-6061-BAR');
    assert.equal(raw.qty_per_top, 2.5);
    assert.equal(raw.pick_comments, 'Part length: 2.4 || Cutoff: 0.1');
    const table = singlePartOrder([], { material_operations: matOp([]) });
    assert.equal(boms(plan(table, options({ rawMaterial: { parts: { 'Aluminium 6061': 'RAW AL6061' }, defaultQtyPerUnit: 2 } })))[0]!.bom_definition![0]!.prcpart, 'RAW AL6061');
    assert.equal(boms(plan(table, options({ rawMaterial: { defaultQtyPerUnit: 2 } })))[0]!.bom_definition![0]!.qty_per_top, 2);
  });

  test('no known material: the fallback part and a warning naming the component', () => {
    const doc = singlePartOrder([op('Programming', { setup_time: 1 })], { material: null, material_operations: [op('Material Markup')] });
    const p = plan(doc);
    assert.equal(boms(p)[0]!.bom_definition![0]!.prcpart, 'RAW TBD');
    assert.deepEqual(p.warnings.map((w) => w.code), ['material.fallback']);
    assert.match(p.warnings[0]!.message, /component 1 .*of item 0/);
  });

  test('a cycle and a dangling child are errors naming the component', () => {
    const cycle = order([item([
      comp(1, 'assembled', { children: [{ child_id: 2, quantity: 1 }] }),
      comp(2, 'assembled', { children: [{ child_id: 3, quantity: 1 }] }),
      comp(3, 'assembled', { children: [{ child_id: 2, quantity: 1 }, { child_id: 77, quantity: 1 }] }),
    ], 1)]);
    const error = translationError(cycle);
    assert.deepEqual(error.issues.map((i) => i.code).sort(), ['bom.cycle', 'bom.dangling-child']);
    assert.match(error.message, /component 2 .*is its own ancestor \(2 → 3 → 2\)/);
    assert.match(error.message, /order_items\[0\]\.components\[2\]\.children\[1\]\.child_id: .*lists child 77/);
  });

  test('a part number equal to an ancestor’s is refused', () => {
    const doc = order([item([
      comp(1, 'assembled', { part_number: 'X-1', children: [{ child_id: 2, quantity: 1 }] }),
      comp(2, 'assembled', { part_number: 'X-2', children: [{ child_id: 3, quantity: 1 }] }),
      comp(3, 'manufactured', { part_number: 'X-2' }),
    ], 1)]);
    assert.deepEqual(translationError(doc).issues.map((i) => i.code), ['bom.self-reference']);
  });

  test('a manual line (no part) is a sales-order line only', () => {
    const manual = comp(5, 'manufactured', { part_name: '', material: null, process: null, material_operations: [] });
    const p = plan(order([item([comp(1, 'manufactured')], 1), item([manual], 5, { unit_price: '65.00' })]));
    assert.equal(boms(p).length, 1);
    const lines = salesOrder(p).lines;
    assert.equal(lines.length, 2);
    assert.deepEqual([lines[1]!.transcode, lines[1]!.resale], ['NN', '65.00']);
  });
});

describe('part numbers', () => {
  test('derived deterministically; the same in the BOM and the order line', () => {
    const doc = singlePartOrder([]);
    const a = plan(doc);
    assert.equal(boms(a)[0]!.prcpart, salesOrder(a).lines[0]!.prcpart);
    assert.equal(JSON.stringify(plan(doc)), JSON.stringify(a));
  });

  test('the name rule: part_name without extension, sanitised and upper-cased; uuid when nameless', () => {
    const opts = options({ partNumbers: { rule: 'name', derivedPrefix: '' } });
    const named = singlePartOrder([], { part_name: 'Subassembly <1>.step' });
    assert.equal(boms(plan(named, opts))[0]!.prcpart, 'PRT SUBASSEMBLY 1');
    const nameless = singlePartOrder([], { part_name: '' });
    assert.equal(boms(plan(nameless, opts))[0]!.prcpart, 'PRT 000000000001');
  });

  test('two different parts deriving one number is an error naming both', () => {
    const opts = options({ partNumbers: { rule: 'name' } });
    const doc = order([item([
      comp(1, 'assembled', { children: [{ child_id: 2, quantity: 1 }, { child_id: 3, quantity: 1 }] }),
      comp(2, 'manufactured', { part_name: 'Bracket.step' }),
      comp(3, 'manufactured', { part_name: 'bracket.STEP' }),
    ], 1)]);
    const error = translationError(doc, opts);
    assert.deepEqual(error.issues.map((i) => i.code), ['part-number.collision']);
    assert.match(error.message, /"SUB PP-BRACKET" would name two different parts: component 2 .* and component 3/);
  });

  test('numbers Cetec would refuse: bad characters, too long, empty', () => {
    const bad = translationError(singlePartOrder([], { part_number: 'A|B' }));
    assert.equal(bad.issues[0]!.code, 'part-number.invalid');
    assert.equal(bad.issues[0]!.path, 'order_items[0].components[0].part_number');
    const long = translationError(singlePartOrder([], { part_number: 'X'.repeat(40) }));
    assert.match(long.message, /longer than the 40 allowed/);
    const empty = translationError(singlePartOrder([], { part_number: null, part_uuid: null }));
    assert.equal(empty.issues[0]!.code, 'part-number.missing');
  });

  test('PRC prefix per component type, configurable', () => {
    const opts = options({ partNumbers: { prc: { root: null, manufactured: 'MFG ' } } });
    assert.equal(boms(plan(singlePartOrder([], { part_number: 'ab-1' }), opts))[0]!.prcpart, 'MFG AB-1');
  });
});

describe('sales order', () => {
  test('header as in the seed: addresses, external key, comments, tax, internal ids, customer', () => {
    const address = { attention: 'Bob Loblaw', business_name: 'BFS', address1: '205 PORTLAND ST', address2: '', city: 'BOSTON', state: 'MA', postal_code: '02114' };
    const doc = order([item([comp(1, 'manufactured')], 1)], {
      number: 366,
      shipping_info: address,
      billing_info: address,
      private_notes: 'Call <Bob> & "Ann"\nDock 3',
      salesperson: { first_name: 'Sales', last_name: 'Person', email: 'sales.person@paperlessparts.com' },
      payment_details: { payment_type: 'purchase_order', purchase_order_number: 'PO1234', payment_terms: null, tax_cost: '12.345' },
    });
    const so = salesOrder(plan(doc, undefined, 'prod'));
    assert.equal(so.shipto_name, 'Bob Loblaw');
    assert.equal(so.billto_zip, '02114');
    assert.equal(so.shipto_address_3, '');
    assert.equal(so.external_key, 'prod-366');
    assert.equal(so.internal_comments, 'Order Number: <a href="https://app.paperlessparts.com/orders/edit/366">366</a><br><br>Call &lt;Bob&gt; &amp; &quot;Ann&quot;<br>Dock 3');
    assert.equal(so.commission_note, 'Salesperson: Sales Person (sales.person@paperlessparts.com)');
    assert.equal(so.tax_collected, '12.345');
    assert.deepEqual([so.customer_taxtype, so.place_order, so.internal_customer_id, so.internal_vendor_id, so.location], ['1', true, '1', '1', 'MN']);
    assert.deepEqual([so.customer_custnum, so.customer_name], ['BFS123', "Bob's Fishing Supplies"]);
    assert.deepEqual([so.po, so.terms_external_key, so.terms_description], ['PO1234', 'net_60_c', undefined]);
    const noEmail = salesOrder(plan(doc, options({ salesOrder: { includeSalespersonEmail: false } })));
    assert.equal(noEmail.commission_note, 'Salesperson: Sales Person');
  });

  test('unmapped payment terms go to terms_description with a warning', () => {
    const doc = order([item([comp(1, 'manufactured')], 1)], { payment_details: { payment_type: 'purchase_order', purchase_order_number: 'PO9', payment_terms: 'Net 30 days', tax_cost: '0.00' } });
    const p = plan(doc);
    assert.deepEqual([salesOrder(p).terms_external_key, salesOrder(p).terms_description], [undefined, 'Net 30 days']);
    assert.deepEqual(p.warnings.map((w) => w.code), ['terms.unmapped']);
  });

  test('credit card: payment type, FULL prepayment, brand_last4', () => {
    const doc = order([item([comp(1, 'manufactured')], 1)], { payment_details: { payment_type: 'credit_card', card_brand: 'Visa(4242)', card_last4: '4242', tax_cost: '0.00' } });
    const so = salesOrder(plan(doc));
    assert.deepEqual([so.payment_type_id, so.prepayment_amount, so.prepayment_ref, so.terms_external_key, so.po], ['4', 'FULL', 'Visa_4242', 'credit_card', undefined]);
  });

  test('ship_via: pickup, customer carrier + method, supplier account, local delivery, none, unmapped', () => {
    const withShip = (shipping_option: unknown, ops: unknown[] = []) =>
      salesOrder(plan(order([item([comp(1, 'manufactured', { shop_operations: ops })], 1)], { shipping_option }))).ship_via;
    assert.equal(withShip({ type: 'pickup' }), 'pickup');
    assert.equal(withShip({ type: 'customers_shipping_account', customers_carrier: 'fedex', shipping_method: 'ground' }), 'fedex_ground');
    assert.equal(withShip({ type: 'suppliers_shipping_account', shipping_method: 'second_day_air' }), 'ups_second_day_air');
    assert.equal(withShip({ type: 'pickup' }, [op('Packaging', { notes: 'Local Delivery | Dock B' })]), 'local_delivery');
    assert.equal(withShip(null), '');
    const error = translationError(order([item([comp(1, 'manufactured')], 1)], { shipping_option: { type: 'customers_shipping_account', customers_carrier: 'dhl', shipping_method: 'ground' } }));
    assert.deepEqual(error.issues.map((i) => [i.path, i.code]), [['shipping_option', 'shipping.unmapped']]);
  });

  test('lines: exact prices, dates, comments, links, add-ons after their item', () => {
    const doc = order([
      item([comp(1, 'manufactured', { part_number: 'TESTPART1', revision: 'C' })], 1, {
        quantity: 30,
        unit_price: '35.8912',
        ships_on: '2021-09-24',
        public_notes: 'Lead times <b>vary</b>',
        private_notes: 'Rush <now>',
        expedite_revenue: '15.00',
        ordered_add_ons: [{ name: 'NRE & setup', price: '1000.10', quantity: 30, notes: 'once' }],
      }),
      item([comp(2, 'manufactured')], 2, { unit_price: '0.1', ordered_add_ons: [] }),
    ], { quote_number: 1717, quote_revision_number: 2 });
    const lines = salesOrder(plan(doc)).lines;
    assert.deepEqual(lines.map((l) => l.external_key), ['line_0', 'line_1', 'line_2']);
    const [main, addOn, second] = lines;
    assert.deepEqual(
      [main!.prcpart, main!.custpart, main!.resale, main!.qty, main!.revision, main!.due_date, main!.ship_date, main!.transcode, main!.cost, main!.wip_date],
      ['PRT TESTPART1', 'TESTPART1', '35.8912', 30, 'C', '2021-09-24', '2021-09-21', 'SA', '0', ''],
    );
    assert.equal(main!.comments, 'Lead times <b>vary</b>');
    assert.equal(
      main!.sourcing_comments,
      `Rush &lt;now&gt;<br>Part viewer URL: <a href="https://app.paperlessparts.com/parts/viewer/${uuidFor(1)}">View Drawing</a><br>Expedite: $15.00<br>Quote Number: <a href="https://app.paperlessparts.com/quotes/edit/1717">1717-2</a>`,
    );
    assert.deepEqual(
      [addOn!.prcpart, addOn!.resale, addOn!.qty, addOn!.description, addOn!.comments, addOn!.transcode, addOn!.custpart, addOn!.ship_date],
      ['ZZZ TESTPART1', '1000.10', 1, 'NRE & setup', 'once', 'NN', 'TESTPART1', '2021-09-21'],
    );
    assert.equal(second!.resale, '0.1');
    const configured = salesOrder(plan(doc, options({ salesOrder: { addOns: { partPrefix: 'CHG-', transcode: 'SN' }, transcode: 'SN' } }))).lines;
    assert.deepEqual([configured[0]!.transcode, configured[1]!.prcpart, configured[1]!.transcode], ['SN', 'CHG-TESTPART1', 'SN']);
  });

  test('ship date: calendar days by default, business days when configured', () => {
    assert.equal(daysBefore('2021-09-24', 3, false), '2021-09-21');
    assert.equal(daysBefore('2021-03-02', 3, false), '2021-02-27');
    assert.equal(daysBefore('2021-09-27', 3, false), '2021-09-24');
    // Monday 27 Sep minus 3 business days is Wednesday 22 Sep.
    assert.equal(daysBefore('2021-09-27', 3, true), '2021-09-22');
    // Due on a Sunday, 0 days: the Friday before.
    assert.equal(daysBefore('2021-09-26', 0, true), '2021-09-24');
    assert.equal(daysBefore('2021-02-30', 3, false), null);
    const doc = order([item([comp(1, 'manufactured')], 1, { ships_on: '2021-09-27' })]);
    assert.equal(salesOrder(plan(doc, options({ salesOrder: { shipDaysBeforeDue: 3, shipDateSkipsWeekends: true } }))).lines[0]!.ship_date, '2021-09-22');
    assert.equal(translationError(order([item([comp(1, 'manufactured')], 1, { ships_on: '2021-02-30' })])).issues[0]!.code, 'date.invalid');
  });

  test('money is never turned into a float; more decimals than priceDecimals round half to even, exactly, with a warning', () => {
    const doc = order([item([comp(1, 'manufactured')], 1, { unit_price: '0.30000000000000004', ordered_add_ons: [{ name: 'Fee', price: '98765432109.876543' }, { name: 'Tie', price: '2.00005' }, { name: 'Up', price: '2.00015' }, { name: 'Piece', price: '0.9310' }] })]);
    const p = plan(doc);
    assert.deepEqual(salesOrder(p).lines.map((l) => l.resale), ['0.3000', '98765432109.8765', '2.0000', '2.0002', '0.9310']);
    assert.equal(p.warnings.filter((w) => w.code === 'price.rounded').length, 4);
    const wide = plan(doc, options({ salesOrder: { priceDecimals: 8 } }));
    assert.deepEqual(salesOrder(wide).lines.map((l) => l.resale), ['0.30000000', '98765432109.876543', '2.00005', '2.00015', '0.9310']);
    // JSON numbers (OA1/OA2 declare money as numbers) are read exactly by their decimal text.
    const numbers = order([item([comp(1, 'manufactured')], 1, { unit_price: 0.3, ordered_add_ons: [{ name: 'Fee', price: 1000 }] })]);
    assert.deepEqual(salesOrder(plan(numbers)).lines.map((l) => l.resale), ['0.3', '1000']);
    assert.equal(translationError(order([item([comp(1, 'manufactured')], 1, { unit_price: '0,30' })])).code, 'order.invalid');
  });

  test('external key template: configurable, must contain {order}', () => {
    const doc = singlePartOrder([]);
    assert.equal(salesOrder(plan(doc, options({ salesOrder: { externalKeyTemplate: 'PP{order}-{profile}' } }), 'sandbox')).external_key, 'PP500-sandbox');
    assert.throws(() => options({ salesOrder: { externalKeyTemplate: '{profile}' } }), /\{order\}/);
  });
});

describe('validation', () => {
  test('a bad document is rejected with the JSON path of each problem, naming the order', () => {
    const doc = fixture('order.json');
    const items = doc.order_items as Record<string, unknown>[];
    items[0]!.quantity = 'five';
    (items[1]!.components as Record<string, unknown>[])[0]!.type = 'fabricated';
    const error = translationError(doc);
    assert.equal(error.code, 'order.invalid');
    assert.deepEqual(error.issues.map((i) => i.path), ['order_items[0].quantity', 'order_items[1].components[0].type']);
    assert.match(error.message, /^order 179 is not a valid Paperless Parts order \(2 problems\)/);
  });

  test('unknown keys pass through and nulls are accepted where Paperless sends them', () => {
    const doc = fixture('minimal_order.json');
    (doc as Record<string, unknown>).brand_new_field = { x: 1 };
    const before = structuredClone(doc);
    const parsed = parseOrder(doc) as Record<string, unknown>;
    assert.deepEqual(parsed.brand_new_field, { x: 1 });
    assert.deepEqual(parsed, before, 'every key kept, nothing changed');
    assert.deepEqual(doc, before, 'the input is not modified');
  });

  test('summarizeOrder gives number, customer, items and total', () => {
    const s = summarizeOrder(parseOrder(fixture('order.json')));
    assert.deepEqual(s, {
      number: 179,
      customer: 'Outside Firm',
      items: [
        { partNumber: 'small-sub-assembly.STEP', quantity: 5, unitPrice: '551.56' },
        { partNumber: 'Counter_Sinks.STEP', quantity: 1, unitPrice: '501.12' },
        { partNumber: '', quantity: 1, unitPrice: '65.00' },
      ],
      total: '4445.24',
    });
  });
});

test('the order schema only checks: parsing changes no value, so the document itself can be used', async () => {
  const { orderSchema } = await import('../../src/systems/paperless/order-schema.ts');
  const { generateOrder } = await import('../../emulators/paperless/generate-order.ts');
  // Every value zod outputs equals the input's value at the same place (no defaults, transforms, coercions).
  const sameWhereDeclared = (out: unknown, input: unknown, at: string): void => {
    if (out === null || typeof out !== 'object') return assert.equal(out, input, at);
    for (const [k, v] of Object.entries(out)) sameWhereDeclared(v, (input as Record<string, unknown>)[k], `${at}.${k}`);
  };
  for (const doc of [fixture('order.json'), fixture('minimal_order.json'), generateOrder(1), generateOrder(2), generateOrder(3)]) {
    sameWhereDeclared(orderSchema.parse(doc), doc, '$');
  }
});
