/**
 * Every shape the SDK and the OpenAPI documents allow, on the recorded order (FX order.json): each
 * variant is derived from the fixture here (the fixture files are never edited) and must translate,
 * to the same plan where the variant carries the same information.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, options, plan, salesOrder, translationError } from './helpers.ts';

type Obj = Record<string, unknown>;
const items = (doc: Obj) => doc.order_items as Obj[];
const components = (doc: Obj) => items(doc).flatMap((i) => i.components as Obj[]);
const operations = (doc: Obj) => components(doc).flatMap((c) => [...((c.material_operations as Obj[]) ?? []), ...((c.shop_operations as Obj[]) ?? [])]);

describe('shapes the SDK and the OpenAPI documents allow', () => {
  test('a customers_shipping_account order carries the customer’s carrier account to Cetec (shipping_instructions) and to the preview', () => {
    const doc = fixture('order.json');
    doc.shipping_option = { type: 'customers_shipping_account', customers_carrier: 'fedex', shipping_method: 'expedited', customers_account_number: '987654321' };
    const so = salesOrder(plan(doc));
    assert.equal(so.shipping_instructions, 'Ship on customer account: FEDEX 987654321 (expedited)');
    assert.equal(so.ship_via, 'fedex_expedited');
    // Without the number: a warning, and the instruction says it is missing (never the shop's own account silently).
    doc.shipping_option = { type: 'customers_shipping_account', customers_carrier: 'ups', shipping_method: 'ground', customers_account_number: null };
    const p = plan(doc);
    assert.match(salesOrder(p).shipping_instructions ?? '', /UPS \(account number not given\)/);
    assert.ok(p.warnings.some((w) => w.code === 'shipping.account-missing'));
    // The supplier's own account: no instructions.
    assert.equal(salesOrder(plan(fixture('order.json'))).shipping_instructions, '');
  });

  test('the default ship-via table covers every shipping method of OA1, OA2 and the SDK, for both carriers and both account types', () => {
    for (const method of ['early_am_overnight', 'ground', 'next_day_air', 'second_day_air', 'expedited']) {
      for (const carrier of ['ups', 'fedex']) {
        const doc = fixture('order.json');
        doc.shipping_option = { type: 'customers_shipping_account', customers_carrier: carrier, shipping_method: method, customers_account_number: 'A1' };
        assert.equal(salesOrder(plan(doc)).ship_via, `${carrier}_${method}`);
      }
      const own = fixture('order.json');
      own.shipping_option = { type: 'suppliers_shipping_account', customers_carrier: null, shipping_method: method, customers_account_number: null };
      assert.equal(salesOrder(plan(own)).ship_via, `ups_${method}`);
    }
  });

  test('components without the deprecated type translate exactly as with it (derived from is_assembly, obtain_method, purchased_component, children)', () => {
    const typed = plan(fixture('order.json'));
    const doc = fixture('order.json');
    for (const c of components(doc)) delete c.type;
    assert.deepEqual(plan(doc), typed, 'structure alone (children, purchased_component)');
    const v2 = fixture('order.json');
    for (const c of components(v2)) {
      c.is_assembly = c.type === 'assembled';
      c.obtain_method = c.type === 'purchased' ? 'purchased' : 'manufactured';
      delete c.type;
      delete c.purchased_component;
    }
    assert.deepEqual(plan(v2), typed, 'OA2 is_assembly + obtain_method');
  });

  test('money as JSON numbers and hours as strings translate to the same plan as the recorded strings and numbers', () => {
    const recorded = plan(fixture('order.json'));
    const doc = fixture('order.json');
    for (const item of items(doc)) {
      // Only values whose decimal text a number keeps (551.56 → "551.56"); "0.00" would read "0".
      for (const key of ['unit_price', 'total_price']) if (String(Number(item[key])) === item[key]) item[key] = Number(item[key]);
      for (const addOn of (item.ordered_add_ons as Obj[]) ?? []) if (String(Number(addOn.price)) === addOn.price) addOn.price = Number(addOn.price);
    }
    for (const op of operations(doc)) {
      if (typeof op.setup_time === 'number') op.setup_time = String(op.setup_time);
      if (typeof op.runtime === 'number') op.runtime = String(op.runtime);
    }
    assert.deepEqual(plan(doc), recorded);
  });

  test('payment_details null and every field either source marks nullable set to null still translate', () => {
    const doc = fixture('order.json');
    doc.payment_details = null;
    for (const key of ['billing_info', 'shipping_info', 'shipping_option', 'send_from_facility', 'salesperson', 'sales_person', 'estimator', 'deliver_by', 'private_notes', 'quote_revision_number', 'erp_code', 'purchase_order_file_url']) doc[key] = null;
    (doc.contact as Obj).account = null;
    for (const item of items(doc)) {
      for (const key of ['description', 'public_notes', 'private_notes', 'add_on_fees', 'expedite_revenue', 'total_price']) item[key] = null;
      for (const addOn of (item.ordered_add_ons as Obj[]) ?? []) addOn.notes = null;
    }
    for (const c of components(doc)) {
      for (const key of ['revision', 'description', 'part_custom_attrs', 'thumbnail_url', 'part_url']) c[key] = null;
    }
    for (const op of operations(doc)) {
      for (const key of ['notes', 'operation_definition_name', 'setup_time', 'runtime']) op[key] = null;
    }
    const p = plan(doc, options({ routing: { defaultLocation: 'general' } }));
    const so = salesOrder(p);
    assert.equal(so.tax_collected, '0.00');
    assert.equal(so.lines.length, 5, 'three items and two add-ons');
  });

  test('what is truly unusable is refused naming the order, the item, the component and the field', () => {
    const doc = fixture('order.json');
    const c = (items(doc)[0]!.components as Obj[])[2]!;
    c.id = 'x';
    items(doc)[1]!.quantity = null;
    const error = translationError(doc);
    assert.equal(error.code, 'order.invalid');
    assert.deepEqual(error.issues.map((i) => i.path), ['order_items[0].components[2].id', 'order_items[1].quantity']);
    assert.match(error.message, /order 179\b/);
  });
});
