/**
 * Paperless Parts order → Cetec plan. Pure: no I/O, clock, randomness or environment; the same
 * order and options always give byte-identical JSON.
 *
 * The plan: one `partrevisiondefinition` step per order item that has a part (hand-made lines
 * without one become sales-order lines only), then one `importjson` step whose body is an array
 * with the one sales order. Every problem is collected and thrown together as an
 * OrderTranslationError (`order.invalid` for the document's shape, `order.untranslatable` for
 * mappings and part numbers). Rules and options: docs/translation.md.
 */
import type { z } from 'zod';
import type { CetecBomNode } from '../../systems/cetec/schemas.ts';
import { orderSchema, type PaperlessOrder } from '../../systems/paperless/order-schema.ts';
import type { Plan, PlanStep } from '../plan.ts';
import { checkPlanBounds } from '../bounds.ts';
import { exactAmount, sumAmounts } from '../../lib/money.ts';
import { indexItem, isManualItem, resolvePartNumber, toPartRevisionDefinition } from './bom.ts';
import { createContext } from './context.ts';
import { ORDER_ERROR_CODES, OrderTranslationError, type OrderIssue } from './errors.ts';
import type { OrderTranslationOptions } from './options.ts';
import { toSalesOrder, type ItemForLines } from './sales-order.ts';

export type { PaperlessOrder } from '../../systems/paperless/order-schema.ts';
export { OrderTranslationError } from './errors.ts';

/** `order_items[0].components[3].type` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function issuesOf(error: z.ZodError): OrderIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message, code: 'schema' }));
}

function numberOf(json: unknown): number | null {
  const n = (json as { number?: unknown } | null)?.number;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Validates a Paperless order document; throws OrderTranslationError (`order.invalid`) listing
 * every problem. Returns the document itself, unknown keys included: the schema has no defaults
 * or transforms, so a document that passes already has the declared types (order-schema.ts).
 */
export function parseOrder(json: unknown): PaperlessOrder {
  const result = orderSchema.safeParse(json);
  if (!result.success) throw new OrderTranslationError(ORDER_ERROR_CODES.invalid, numberOf(json), issuesOf(result.error));
  return json as PaperlessOrder;
}

/** Validates, then translates. `context.profile` feeds the sales order's external key. */
export function toOrderPlan(order: unknown, options: OrderTranslationOptions, context: { profile: string }): Plan {
  return translateOrder(parseOrder(order), options, context);
}

/** Translates an already validated order. */
export function translateOrder(order: PaperlessOrder, options: OrderTranslationOptions, context: { profile: string }): Plan {
  const ctx = createContext(order.number, context.profile, options);
  const steps: PlanStep[] = [];
  const items: ItemForLines[] = [];
  const defined = new Map<string, CetecBomNode>();

  order.order_items.forEach((item, itemIndex) => {
    const index = indexItem(item, itemIndex, ctx);
    const root = index.root;
    if (root === null) {
      items.push({ item, itemIndex, root, part: null, manual: false });
      return;
    }
    if (isManualItem(item, root)) {
      items.push({ item, itemIndex, root, part: resolvePartNumber(root, 'root', ctx), manual: true });
      return;
    }
    const bom = toPartRevisionDefinition(item, index, ctx);
    items.push({ item, itemIndex, root, part: bom?.part ?? null, manual: false });
    if (bom === null) return;
    // The same part ordered on two lines: define it once when the trees agree, warn when they
    // differ (each definition replaces the last, so the later line's tree would win).
    const key = `${bom.node.prcpart}\u0000${bom.node.revision_text}`;
    const prior = defined.get(key);
    if (prior !== undefined && JSON.stringify(prior) === JSON.stringify(bom.node)) return;
    if (prior !== undefined) {
      ctx.warnings.push({
        code: 'bom.redefined',
        message: `order ${order.number}: item ${itemIndex} defines part ${bom.node.prcpart} rev ${JSON.stringify(bom.node.revision_text)} differently from an earlier item; Cetec keeps the last definition`,
      });
    }
    defined.set(key, bom.node);
    steps.push({ kind: 'partrevisiondefinition', body: bom.node });
  });

  const salesOrder = toSalesOrder(order, items, ctx);
  steps.push({ kind: 'importjson', body: [salesOrder] });
  // What would reach Cetec, within its bounds (src/systems/cetec/limits.ts).
  for (const problem of checkPlanBounds(steps, ctx.warnings)) {
    ctx.issues.add(problem.where, problem.code, `order ${order.number}: ${problem.where}: ${problem.message}`);
  }
  if (!ctx.issues.empty) throw new OrderTranslationError(ORDER_ERROR_CODES.untranslatable, order.number, ctx.issues.items);
  return { steps, warnings: ctx.warnings };
}

export type OrderSummary = {
  number: number;
  customer: string;
  items: { partNumber: string; quantity: number; unitPrice: string }[];
  /** Order total as Paperless states it (payment_details.total_price), else the sum of item totals. */
  total: string;
};

/** A few facts for dashboards and lists. Part numbers are Paperless's (the part name when none). */
export function summarizeOrder(order: PaperlessOrder): OrderSummary {
  const customer = order.contact?.account?.name?.trim() || order.customer?.company?.business_name?.trim() || '';
  const items = order.order_items.map((item) => {
    const root = item.components.find((c) => c.id === item.root_component_id) ?? item.components.find((c) => c.is_root_component === true);
    const partNumber = root?.part_number?.trim() || root?.part_name?.trim() || '';
    return { partNumber, quantity: item.quantity, unitPrice: exactAmount(item.unit_price) };
  });
  const stated = order.payment_details?.total_price;
  const total = stated === null || stated === undefined ? sumAmounts(order.order_items.map((i) => i.total_price ?? '0')) : exactAmount(stated);
  return { number: order.number, customer, items, total };
}
