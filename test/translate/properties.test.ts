/** Properties of the translation over generated orders (fast-check picks the seeds). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BAD_ORDER_DEFECTS, generateBadOrder, generateOrder } from '../../emulators/paperless/generate-order.ts';
import { OrderTranslationError, toOrderPlan } from '../../src/translate/order-to-cetec/plan.ts';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS } from '../../src/translate/order-to-cetec/options.ts';
import { registerSecret, redactText } from '../../src/lib/redact.ts';
import type { CetecBomNode } from '../../src/systems/cetec/schemas.ts';
import type { Plan } from '../../src/translate/plan.ts';
import { boms, salesOrder } from './helpers.ts';

type Comp = { id: number; type: string; children: { child_id: number; quantity: number }[] };
type Item = { root_component_id: number; components: Comp[]; ordered_add_ons: unknown[] };

const seeds = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const RUNS = { numRuns: 120 };

function translate(order: object): Plan {
  return toOrderPlan(order, DEFAULT_ORDER_TRANSLATION_OPTIONS, { profile: 'prop' });
}

/** Walks the order's component graph and the plan's tree side by side. */
function assertTreeMatches(comp: Comp, node: CetecBomNode, byId: Map<number, Comp>, depth = 0): void {
  assert.ok(depth < 50, 'tree deeper than the generator makes');
  const real = (node.bom_definition ?? []).filter((n) => n.component === undefined);
  if (comp.type === 'purchased') {
    assert.equal(node.bom_definition, undefined, `purchased component ${comp.id} is a leaf`);
    assert.equal(node.locations, undefined, `purchased component ${comp.id} has no routing`);
    return;
  }
  assert.equal(real.length, comp.children.length, `component ${comp.id}: one BOM line per child`);
  comp.children.forEach((link, i) => {
    assert.equal(real[i]!.qty_per_top, link.quantity, `component ${comp.id} → ${link.child_id}: per-parent quantity`);
    assertTreeMatches(byId.get(link.child_id)!, real[i]!, byId, depth + 1);
  });
  const raws = (node.bom_definition ?? []).filter((n) => n.component !== undefined);
  assert.equal(raws.length, comp.type === 'manufactured' ? 1 : 0, `component ${comp.id}: raw material only on manufactured parts`);
}

function assertNodeNumbers(node: CetecBomNode, isRoot: boolean): void {
  if (isRoot) assert.equal(node.qty_per_top, undefined);
  else assert.ok(typeof node.qty_per_top === 'number' && Number.isFinite(node.qty_per_top) && node.qty_per_top > 0, `qty_per_top of ${node.prcpart}: ${node.qty_per_top}`);
  assert.ok(node.prcpart.length > 0 && node.prcpart === node.prcpart.toUpperCase());
  let place = 0;
  (node.locations ?? []).forEach((location, i) => {
    assert.equal(location.build_order, i + 1, `${node.prcpart}: build_order consecutive from 1`);
    if (location.lead_time !== undefined) {
      assert.equal(location.operations, undefined);
      assert.ok(Number.isFinite(location.lead_time) && location.lead_time >= 0);
    }
    for (const op of location.operations ?? []) {
      assert.equal(op.place_in_line, ++place, `${node.prcpart}: place_in_line consecutive across the node`);
      assert.ok(Number.isInteger(op.repetitions) && op.repetitions >= 1, `${node.prcpart}: repetitions ${op.repetitions}`);
    }
  });
  assert.notDeepEqual(node.bom_definition, []);
  assert.notDeepEqual(node.locations, []);
  for (const child of node.bom_definition ?? []) assertNodeNumbers(child, false);
}

test('every component appears in its tree with its per-parent quantity; numbers are never null or NaN', () => {
  fc.assert(
    fc.property(seeds, (seed) => {
      const order = generateOrder(seed) as { order_items: (Item & { quote_item_type: string })[] };
      const plan = translate(order);
      const lines = salesOrder(plan).lines;
      const trees = new Map(boms(plan).map((b) => [b.prcpart, b]));
      let at = 0;
      for (const item of order.order_items) {
        const line = lines[at]!;
        at += 1 + item.ordered_add_ons.length;
        const byId = new Map(item.components.map((c) => [c.id, c]));
        const root = byId.get(item.root_component_id)!;
        const tree = trees.get(line.prcpart);
        if (line.transcode === 'NN') {
          assert.equal(tree, undefined, 'a manual line has no BOM');
          assert.equal(root.children.length, 0);
          continue;
        }
        assert.ok(tree !== undefined, `a BOM defines the line's part ${line.prcpart}`);
        assertTreeMatches(root, tree, byId);
      }
      for (const tree of trees.values()) assertNodeNumbers(tree, true);
      for (const line of lines) assert.ok(Number.isInteger(line.qty) && line.qty > 0);
    }),
    RUNS,
  );
});

test('line count is items + add-ons; external keys line_0… in order; money strings exact', () => {
  fc.assert(
    fc.property(seeds, (seed) => {
      const order = generateOrder(seed) as unknown as { order_items: (Omit<Item, 'ordered_add_ons'> & { unit_price: string; ordered_add_ons: { price: string }[] })[] };
      const lines = salesOrder(translate(order)).lines;
      const expected = order.order_items.reduce((n, i) => n + 1 + i.ordered_add_ons.length, 0);
      assert.equal(lines.length, expected);
      lines.forEach((l, i) => assert.equal(l.external_key, `line_${i}`));
      const prices = order.order_items.flatMap((i) => [i.unit_price, ...i.ordered_add_ons.map((a) => a.price)]);
      assert.deepEqual(lines.map((l) => l.resale), prices);
    }),
    RUNS,
  );
});

test('determinism: the same order gives byte-identical plans, also from a copy', () => {
  fc.assert(
    fc.property(seeds, (seed) => {
      const order = generateOrder(seed);
      const first = JSON.stringify(translate(order));
      assert.equal(JSON.stringify(translate(structuredClone(order))), first);
      assert.equal(JSON.stringify(translate(generateOrder(seed))), first);
    }),
    { numRuns: 60 },
  );
});

test('no secret reaches a plan', () => {
  const canary = 'canary-token;|[7f3a9c]';
  registerSecret(canary);
  fc.assert(
    fc.property(seeds, (seed) => {
      const text = JSON.stringify(translate(generateOrder(seed)));
      assert.equal(text.includes(canary), false);
      assert.equal(redactText(text), text, 'nothing in the plan looks like a credential');
      assert.equal(/preshared_token/.test(text), false);
    }),
    { numRuns: 60 },
  );
});

test('orders with a known defect are refused with the expected code, issue and path', () => {
  for (let seed = 0; seed < BAD_ORDER_DEFECTS.length * 3; seed++) {
    const bad = generateBadOrder(seed, 7000 + seed);
    let error: unknown;
    try {
      translate(bad.order);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof OrderTranslationError, `${bad.defect} (seed ${seed}) was not refused`);
    assert.equal(error.code, bad.code, bad.defect);
    assert.equal(error.kind, 'data');
    const match = error.issues.find((i) => i.code === bad.issue);
    assert.ok(match, `${bad.defect}: issues ${JSON.stringify(error.issues)}`);
    if (bad.issue === 'schema' || bad.defect === 'dangling-child' || bad.defect === 'cycle' || bad.defect === 'unmapped-operation') {
      assert.equal(match.path, bad.path, bad.defect);
    }
    assert.match(error.message, new RegExp(`^order ${bad.defect === 'no-items' ? 7000 + seed : 7000 + seed} `));
  }
});

test('the generator covers the cases the translation must handle', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 300; seed++) {
    const o = generateOrder(seed) as Record<string, any>;
    seen.add(`payment:${o.payment_details.payment_type}`);
    seen.add(`shipping:${o.shipping_option?.type ?? 'none'}`);
    if (o.billing_info === null) seen.add('no-addresses');
    for (const item of o.order_items) {
      if (item.ordered_add_ons.length > 0) seen.add('add-ons');
      if (item.expedite_revenue !== null) seen.add('expedite');
      if (item.components[0].id !== item.root_component_id) seen.add('root-not-first');
      for (const c of item.components) {
        seen.add(`type:${c.type}`);
        if (c.parent_ids.length > 1) seen.add('several-parents');
        if (c.part_number === null) seen.add('no-part-number');
        if (c.part_name === '') seen.add('manual-line');
        if (c.shop_operations.some((op: any) => op.is_outside_service)) seen.add('outside-service');
      }
    }
  }
  for (const want of ['payment:credit_card', 'payment:purchase_order', 'payment:null', 'shipping:pickup', 'shipping:customers_shipping_account', 'shipping:suppliers_shipping_account', 'shipping:none', 'no-addresses', 'add-ons', 'expedite', 'root-not-first', 'type:assembled', 'type:manufactured', 'type:purchased', 'several-parents', 'no-part-number', 'manual-line', 'outside-service']) {
    assert.ok(seen.has(want), `no generated order has ${want}`);
  }
});
