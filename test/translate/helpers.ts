/** Builders of small Paperless orders for rule tests, and the fixture orders. */
import { readFileSync } from 'node:fs';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS, orderTranslationOptionsSchema, type OrderTranslationOptionsInput, type OrderTranslationOptions } from '../../src/translate/order-to-cetec/options.ts';
import { toOrderPlan, OrderTranslationError } from '../../src/translate/order-to-cetec/plan.ts';
import type { Plan } from '../../src/translate/plan.ts';
import type { CetecBomNode, CetecImportOrder } from '../../src/systems/cetec/schemas.ts';

export const FIXTURES = new URL('../../fixtures/paperless/', import.meta.url);
export const PLANS = new URL('../fixtures/plans/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

type Obj = Record<string, unknown>;

export function op(name: string, extra: Obj = {}): Obj {
  return { name, operation_definition_name: name, is_outside_service: false, setup_time: null, runtime: null, notes: null, quantities: [], costing_variables: [], ...extra };
}

export function uuidFor(id: number): string {
  const hex = id.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4000-8000-000000000000`;
}

export function comp(id: number, type: 'assembled' | 'manufactured' | 'purchased', extra: Obj = {}): Obj {
  return {
    id,
    type,
    is_root_component: false,
    children: [],
    part_number: type === 'purchased' ? `BUY-${id}` : null,
    revision: null,
    part_name: `Part ${id}.step`,
    part_uuid: uuidFor(id),
    material: type === 'manufactured' ? { name: 'Aluminium 6061' } : null,
    process: { name: type === 'purchased' ? 'Purchased Components' : 'CNC Machining' },
    material_operations: type === 'manufactured' ? [op('Aluminium 6061', { operation_definition_name: 'Material By Pound' })] : [],
    shop_operations: [],
    innate_quantity: 1,
    deliver_quantity: 1,
    make_quantity: 1,
    ...extra,
  };
}

export function item(components: Obj[], rootId: number, extra: Obj = {}): Obj {
  for (const c of components) if (c.id === rootId) c.is_root_component = true;
  return {
    id: 9000 + rootId,
    root_component_id: rootId,
    components,
    quantity: 2,
    unit_price: '10.00',
    total_price: '20.00',
    expedite_revenue: null,
    ships_on: '2021-09-24',
    public_notes: null,
    private_notes: null,
    ordered_add_ons: [],
    ...extra,
  };
}

export function order(items: Obj[], extra: Obj = {}): Obj {
  return {
    number: 500,
    quote_number: 1717,
    quote_revision_number: null,
    private_notes: null,
    contact: { account: { name: "Bob's Fishing Supplies", erp_code: 'BFS123', payment_terms: 'Net 60' } },
    billing_info: null,
    shipping_info: null,
    shipping_option: { type: 'pickup', shipping_method: null, customers_carrier: null },
    payment_details: { payment_type: null, purchase_order_number: null, payment_terms: null, card_brand: null, card_last4: null, tax_cost: '0.00', total_price: '20.00' },
    salesperson: null,
    order_items: items,
    ...extra,
  };
}

/** One manufactured part with the given shop operations. */
export function singlePartOrder(shopOps: Obj[], extra: Obj = {}): Obj {
  return order([item([comp(1, 'manufactured', { shop_operations: shopOps, ...extra })], 1)]);
}

export function options(input: OrderTranslationOptionsInput = {}): OrderTranslationOptions {
  return orderTranslationOptionsSchema.parse(input);
}

export function plan(doc: unknown, opts: OrderTranslationOptions = DEFAULT_ORDER_TRANSLATION_OPTIONS, profile = 'test'): Plan {
  return toOrderPlan(doc, opts, { profile });
}

export function boms(p: Plan): CetecBomNode[] {
  return p.steps.flatMap((s) => (s.kind === 'partrevisiondefinition' ? [s.body] : []));
}

export function salesOrder(p: Plan): CetecImportOrder {
  const last = p.steps[p.steps.length - 1]!;
  if (last.kind !== 'importjson') throw new Error('last step is not importjson');
  return last.body[0]!;
}

/** The error a translation throws (fails the test when it does not throw one). */
export function translationError(doc: unknown, opts: OrderTranslationOptions = DEFAULT_ORDER_TRANSLATION_OPTIONS): OrderTranslationError {
  try {
    plan(doc, opts);
  } catch (error) {
    if (error instanceof OrderTranslationError) return error;
    throw error;
  }
  throw new Error('expected an OrderTranslationError, but the order translated');
}
