/**
 * Hostile input: orders and designs built to break the translation (thousands of levels deep,
 * thousands wide, cyclic, huge or negative numbers, lone surrogates, endless text). Each ends in a
 * data error naming what is wrong, or in a plan whose every value is within Cetec's bounds
 * (src/systems/cetec/limits.ts) — never in a stack overflow or a value JSON cannot carry.
 * fast-check generates the graphs; the counts are printed (`npm test -- test/translate/hostile-input.test.ts`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { OrderTranslationError, toOrderPlan } from '../../src/translate/order-to-cetec/plan.ts';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS } from '../../src/translate/order-to-cetec/options.ts';
import { toDesignPlan } from '../../src/translate/design-to-cetec/plan.ts';
import { DesignTranslationError } from '../../src/translate/design-to-cetec/errors.ts';
import { designTranslationOptionsSchema } from '../../src/translate/design-to-cetec/options.ts';
import { designSchema, type CommonDesign } from '../../src/systems/cablebuilder/schemas.ts';
import { LONG_TEXT, MAX_BOM_DEPTH, MAX_LEAD_TIME_DAYS, MAX_LINE_QUANTITY, MAX_QTY_PER_TOP, MAX_REPETITIONS } from '../../src/systems/cetec/limits.ts';
import { TRUNCATION_MARK } from '../../src/translate/bounds.ts';
import type { CetecBomNode } from '../../src/systems/cetec/schemas.ts';
import type { Plan } from '../../src/translate/plan.ts';
import { boms, comp, item, op, options, order, plan, salesOrder, translationError } from './helpers.ts';

type Obj = Record<string, unknown>;

/** A chain root → 2 → … → n (the last one purchased). */
function chainOrder(n: number): Obj {
  const cs: Obj[] = [];
  for (let i = 1; i <= n; i++) cs.push(comp(i, i === n ? 'purchased' : 'assembled', { part_number: `P-${i}`, children: i === n ? [] : [{ child_id: i + 1, quantity: 1 }] }));
  return order([item(cs, 1)]);
}

/** Every value of a plan that reaches Cetec is finite and within bounds; the tree is within MAX_BOM_DEPTH. */
function assertWithinBounds(p: Plan): void {
  const text = JSON.stringify(p);
  assert.ok(!text.includes('null'), 'no value serialised as null');
  assert.ok(text.isWellFormed());
  for (const bom of boms(p)) {
    const stack: Array<[CetecBomNode, number]> = [[bom, 1]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      assert.ok(depth <= MAX_BOM_DEPTH, `depth ${depth}`);
      if (node.qty_per_top !== undefined) assert.ok(node.qty_per_top > 0 && node.qty_per_top <= MAX_QTY_PER_TOP);
      for (const l of node.locations ?? []) for (const o of l.operations ?? []) assert.ok(Number.isInteger(o.repetitions) && o.repetitions >= 1 && o.repetitions <= MAX_REPETITIONS);
      for (const child of node.bom_definition ?? []) stack.push([child, depth + 1]);
    }
  }
  for (const line of salesOrder(p).lines) {
    assert.ok(Number.isInteger(line.qty) && line.qty >= 1 && line.qty <= MAX_LINE_QUANTITY);
    assert.ok(!line.resale.startsWith('-'));
  }
}

/** Translates; returns the plan, or the data error (any other error fails the test). */
function outcome(doc: unknown): Plan | OrderTranslationError {
  try {
    return toOrderPlan(doc, DEFAULT_ORDER_TRANSLATION_OPTIONS, { profile: 'fuzz' });
  } catch (error) {
    if (error instanceof OrderTranslationError) return error;
    throw error;
  }
}

test('a BOM 2,000 levels deep is a data error naming the order and the component (no stack overflow)', () => {
  for (const depth of [2_000, 10_000]) {
    const error = translationError(chainOrder(depth));
    assert.equal(error.kind, 'data');
    const issue = error.issues.find((i) => i.code === 'bom.too-deep');
    assert.ok(issue, error.message);
    assert.match(issue.message, /^order 500: component 65 \(P-65\) of item 0 sits 65 levels deep/);
    assert.equal(issue.path, 'order_items[0].components[64]');
  }
  // At the bound it translates.
  const p = plan(chainOrder(MAX_BOM_DEPTH));
  assertWithinBounds(p);
});

test('fuzz: deep, wide and cyclic component graphs end in a plan within bounds or a data error', () => {
  let plans = 0;
  let errors = 0;
  let deepest = 0;
  const codes = new Map<string, number>();
  const graph = fc.record({
    size: fc.integer({ min: 1, max: 60 }),
    // Extra length of a chain hung under the last component: from nothing to 3,000 levels.
    chain: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1_000, max: 3_000 })),
    fanout: fc.integer({ min: 0, max: 400 }),
    links: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0.001, max: 1e9, noNaN: true })), { maxLength: 120 }),
    types: fc.array(fc.constantFrom('assembled', 'manufactured', 'purchased'), { minLength: 1, maxLength: 60 }),
  });
  fc.assert(
    fc.property(graph, ({ size, chain, fanout, links, types }) => {
      const total = size + chain;
      const components: Obj[] = [];
      for (let i = 1; i <= total; i++) {
        const type = i > size ? (i === total ? 'purchased' : 'assembled') : types[(i - 1) % types.length]!;
        components.push(comp(i, type as 'assembled', { part_number: `F-${i}`, children: [] }));
      }
      const childrenOf = (id: number) => components[id - 1]!.children as { child_id: number; quantity: number }[];
      // Arbitrary links: back edges make cycles, self links, and ids past the end dangle.
      for (const [from, to, qty] of links) childrenOf((from % size) + 1).push({ child_id: (to % (total + 3)) + 1, quantity: qty });
      for (let i = size; i < total; i++) childrenOf(i).push({ child_id: i + 1, quantity: 1 });
      // A wide root: the same purchased leaf many times, and many distinct leaves.
      for (let w = 0; w < fanout; w++) {
        const leaf = total + 1 + w;
        components.push(comp(leaf, 'purchased', { part_number: `W-${leaf}` }));
        childrenOf(1).push({ child_id: leaf, quantity: 2 });
      }
      deepest = Math.max(deepest, total);
      const result = outcome(order([item(components, 1)]));
      if (result instanceof OrderTranslationError) {
        errors++;
        assert.equal(result.kind, 'data');
        assert.ok(result.issues.length > 0);
        for (const issue of result.issues) codes.set(issue.code ?? '?', (codes.get(issue.code ?? '?') ?? 0) + 1);
      } else {
        plans++;
        assertWithinBounds(result);
      }
    }),
    { numRuns: 300 },
  );
  console.log(`fuzz orders: 300 graphs (deepest ${deepest} levels): ${plans} plans within bounds, ${errors} data errors ${JSON.stringify(Object.fromEntries(codes))}`);
  assert.ok(plans > 0 && errors > 0, 'the generator reaches both outcomes');
});

test('shared sub-assemblies that would expand past the node limit are refused, not expanded', () => {
  // 30 levels, each using the next level twice: 2^30 nodes once expanded.
  const components: Obj[] = [];
  for (let i = 1; i <= 30; i++) components.push(comp(i, i === 30 ? 'purchased' : 'assembled', { part_number: `D-${i}`, children: i === 30 ? [] : [{ child_id: i + 1, quantity: 1 }, { child_id: i + 1, quantity: 2 }] }));
  const error = translationError(order([item(components, 1)]));
  assert.ok(error.issues.some((i) => i.code === 'bom.too-large'), error.message);
});

test('operation times, quantities and lead times out of range are data errors, never 3.6e15 repetitions or null', () => {
  const routing = options({ routing: { defaultLocation: 'WORK' } });
  const hours = (runtime: number) => translationError(order([item([comp(1, 'manufactured', { shop_operations: [op('Mill', { runtime })] })], 1)]), routing);
  const huge = hours(1e12);
  assert.ok(huge.issues.some((i) => i.code === 'number.too-large' && /repetitions is 3600000000000000/.test(i.message) && /BOM of /.test(i.message)), huge.message);
  const infinite = hours(1e306);
  assert.ok(infinite.issues.some((i) => i.code === 'number.not-finite' && /repetitions is Infinity/.test(i.message)), infinite.message);
  // A plausible long operation still translates: 1,000 hours.
  const ok = plan(order([item([comp(1, 'manufactured', { shop_operations: [op('Mill', { runtime: 1000 })] })], 1)]), routing);
  assert.equal(boms(ok)[0]!.locations![0]!.operations![0]!.repetitions, 3_600_000);

  const qty = translationError(order([item([comp(1, 'manufactured')], 1, { quantity: MAX_LINE_QUANTITY + 1 })]));
  assert.ok(qty.issues.some((i) => i.code === 'number.too-large' && / › qty$/.test(i.path)), qty.message);
  const perParent = translationError(order([item([comp(1, 'assembled', { children: [{ child_id: 2, quantity: 1e300 }] }), comp(2, 'purchased')], 1)]));
  assert.ok(perParent.issues.some((i) => i.code === 'number.too-large' && /^BOM of .* › COM BUY-2 › qty_per_top$/.test(i.path)), perParent.message);
  const lead = translationError(
    order([item([comp(1, 'manufactured', { deliver_quantity: 1, shop_operations: [op('Anodize', { is_outside_service: true, quantities: [{ quantity: 1, lead_time: MAX_LEAD_TIME_DAYS * 10 }] })] })], 1)]),
    routing,
  );
  assert.ok(lead.issues.some((i) => i.code === 'number.too-large' && /lead_time/.test(i.path)), lead.message);
});

test('negative prices and tax are refused, not sent as negative resale and tax_collected', () => {
  const price = translationError(order([item([comp(1, 'manufactured')], 1, { unit_price: '-10.00', total_price: '-20.00' })]));
  assert.deepEqual(price.issues.map((i) => [i.code, i.path]), [['amount.negative', 'sales order › line 1 (PRT PP-000000000001) › resale']]);
  const addOn = translationError(order([item([comp(1, 'manufactured')], 1, { ordered_add_ons: [{ name: 'Discount', price: '-5.00' }] })]));
  assert.ok(addOn.issues.some((i) => i.code === 'amount.negative' && /line 2/.test(i.path)), addOn.message);
  const tax = translationError(order([item([comp(1, 'manufactured')], 1)], { payment_details: { payment_type: null, purchase_order_number: null, payment_terms: null, card_brand: null, card_last4: null, tax_cost: '-1.50', total_price: '18.50' } }));
  assert.deepEqual(tax.issues.map((i) => [i.code, i.path]), [['amount.negative', 'sales order › tax_collected']]);
  // Zero and "-0.00" are no refund.
  const zero = plan(order([item([comp(1, 'manufactured')], 1, { unit_price: '-0.00' })]));
  assert.equal(salesOrder(zero).lines[0]!.resale, '-0.00');
});

test('lone surrogates: replaced in free text with a warning, refused in identifiers', () => {
  const lone = 'Deliver \uD800 by noon';
  const notes = plan(order([item([comp(1, 'manufactured')], 1, { public_notes: lone })]));
  assert.equal(salesOrder(notes).lines[0]!.comments, 'Deliver \uFFFD by noon');
  assert.ok(notes.warnings.some((w) => w.code === 'text.replaced' && /line 1 .* comments/.test(w.message)));
  assert.ok(JSON.stringify(notes).isWellFormed());
  const po = translationError(order([item([comp(1, 'manufactured')], 1)], { payment_details: { payment_type: 'purchase_order', purchase_order_number: 'PO-\uDC00', payment_terms: null, card_brand: null, card_last4: null, tax_cost: '0.00', total_price: '20.00' } }));
  assert.deepEqual(po.issues.map((i) => [i.code, i.path]), [['text.lone-surrogate', 'sales order › po']]);
  // A well-formed pair (an emoji) is fine anywhere.
  assert.equal(salesOrder(plan(order([item([comp(1, 'manufactured')], 1, { public_notes: 'ok 👍' })]))).lines[0]!.comments, 'ok 👍');
});

test('string length limits: short fields refused when too long, free text cut with a marker and a warning', () => {
  const longPo = translationError(order([item([comp(1, 'manufactured')], 1)], { payment_details: { payment_type: 'purchase_order', purchase_order_number: 'P'.repeat(300), payment_terms: null, card_brand: null, card_last4: null, tax_cost: '0.00', total_price: '20.00' } }));
  assert.deepEqual(longPo.issues.map((i) => i.code), ['text.too-long']);
  assert.match(longPo.issues[0]!.message, /po is 300 characters, longer than the 255/);
  const note = 'a &amp; b '.repeat(10_000);
  const cut = plan(order([item([comp(1, 'manufactured')], 1, { private_notes: note })]));
  const comments = salesOrder(cut).lines[0]!.sourcing_comments;
  assert.ok(comments.length <= LONG_TEXT, `${comments.length}`);
  assert.ok(comments.endsWith(TRUNCATION_MARK));
  assert.doesNotMatch(comments.slice(0, -TRUNCATION_MARK.length), /&[a-z]*$/, 'no entity split at the cut');
  assert.ok(cut.warnings.some((w) => w.code === 'text.cut'));
});

// --- designs ---------------------------------------------------------------------------------

const dir = new URL('../fixtures/cablebuilder/', import.meta.url);
const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const designOptions = designTranslationOptionsSchema.parse(read('translation-options.json'));
const template = read('send-design-cable-a.json') as Obj;

/** A design `code` whose BOM uses each of `uses` (design codes, alternative 0). */
function design(code: string, uses: string[], level = 1): CommonDesign {
  const d = structuredClone(template) as { detail: Obj; operations: Array<{ layers: Array<{ boms: unknown[] }> }> };
  d.detail.design = code;
  d.detail.level = level;
  d.operations[0]!.layers[0]!.boms = uses.map((use, i) => ({
    position: i + 1,
    attributes: [
      { name: 'BOMitem', description: '', type: 'CHAR', uom: '', value: use, success: null, message: null },
      { name: 'BOMdesignAlternative', description: '', type: 'INTEGER', uom: '', value: '0', success: null, message: null },
      { name: 'quantity', description: '', type: 'FLOAT', uom: '', value: '1', success: null, message: null },
    ],
  }));
  return designSchema.parse(d);
}

function designOutcome(designs: CommonDesign[]): Plan | DesignTranslationError {
  try {
    return toDesignPlan(designs, designOptions);
  } catch (error) {
    if (error instanceof DesignTranslationError) return error;
    throw error;
  }
}

test('designs: a chain 2,000 designs deep, a cycle and a doubling lattice are data errors, not overflows', () => {
  const chain = Array.from({ length: 2_000 }, (_, i) => design(`D${i}`, i === 1_999 ? [] : [`D${i + 1}`], i === 0 ? 0 : 1));
  const deep = designOutcome(chain);
  assert.ok(deep instanceof DesignTranslationError);
  assert.ok(deep.problems.some((p) => p.code === 'bom.too-deep'), deep.message);
  const lattice = Array.from({ length: 40 }, (_, i) => design(`L${i}`, i === 39 ? [] : [`L${i + 1}`, `L${i + 1}`], i === 0 ? 0 : 1));
  const wide = designOutcome(lattice);
  assert.ok(wide instanceof DesignTranslationError && wide.problems.some((p) => p.code === 'bom.too-large' || p.code === 'bom.line-duplicate'), String(wide));
});

test('fuzz: random design graphs end in a plan within bounds or a data error', () => {
  let plans = 0;
  let errors = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 80 }), fc.integer({ min: 0, max: 200 }), (size, links, chain) => {
      const uses = new Map<number, string[]>();
      for (const [from, to] of links) uses.set(from % size, [...(uses.get(from % size) ?? []), `G${to % (size + chain)}`]);
      for (let i = size; i < size + chain; i++) uses.set(i, i + 1 < size + chain ? [`G${i + 1}`] : []);
      if (chain > 0) uses.set(size - 1, [...(uses.get(size - 1) ?? []), `G${size}`]);
      const designs = Array.from({ length: size + chain }, (_, i) => design(`G${i}`, uses.get(i) ?? [], i === 0 ? 0 : 1));
      const result = designOutcome(designs);
      if (result instanceof DesignTranslationError) errors++;
      else {
        plans++;
        assert.ok(JSON.stringify(result).isWellFormed() && !JSON.stringify(result).includes('null'));
      }
    }),
    { numRuns: 200 },
  );
  console.log(`fuzz designs: 200 graphs: ${plans} plans, ${errors} data errors`);
  assert.ok(plans > 0 && errors > 0);
});
