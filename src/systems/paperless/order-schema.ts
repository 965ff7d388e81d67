/**
 * The Paperless Parts Order document (reference paperless-parts.md §6), as zod. Lenient where the
 * translation does not look (unknown keys pass through, optional and nullable fields accepted, as
 * §9.18 advises: real captures differ in which keys they carry), strict on what it needs: order
 * and item numbers, quantities, money as exact decimal strings, dates, the component graph.
 *
 * Only the fields the order → Cetec translation reads are declared; the rest of the document
 * (pricing items, discounts, files, costing-variable details) is not looked at.
 *
 * Unknown keys pass through, but not by zod's passthrough: that copies every object of the
 * 170 KB document and doubled the time to validate it (bench/translate.ts). These schemas only
 * check (plain `z.object`, which ignores unknown keys; no defaults, transforms or coercions, so the
 * checked document already has the declared types), and `parseOrder`
 * (translate/order-to-cetec/plan.ts) returns the document itself once it passes, every key intact.
 * Calling `orderSchema.parse` directly gives a copy without the undeclared keys.
 */
import { z } from 'zod';

/**
 * Money: the API sends a JSON string holding a decimal number ("551.56", "0.9310"); OA1/OA2 declare
 * numbers, so a JSON number is accepted too and read exactly (lib/money.ts `exactAmount`).
 */
export const moneySchema = z.union([
  z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number (e.g. "12.50" or 12.5)'),
  z.number().finite('must be a decimal number (e.g. "12.50" or 12.5)'),
]);

/** Hours (setup, runtime): a JSON number, or a numeric string as some captures carry. */
export const hoursSchema = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of hours, e.g. 0.5')]);

/** Hours as a number (null when absent); a numeric string is read exactly as its decimal value. */
export function hoursOf(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : Number(value);
}

/** Plain calendar date as Paperless sends `ships_on`. */
export const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

const optText = z.string().nullish();
const count = z.number().int().nonnegative();

export const costingVariableSchema = z.object({
  label: z.string(),
  value: z.unknown().optional(),
});

export const operationQuantitySchema = z.object({
  quantity: z.number(),
  lead_time: z.number().nullish(),
  manual_lead_time: z.number().nullish(),
});

export const operationSchema = z.object({
  name: z.string(),
  operation_definition_name: optText,
  position: z.number().nullish(),
  is_outside_service: z.boolean().nullish(),
  /** Hours per lot. */
  setup_time: hoursSchema.nullish(),
  /** Hours per piece. */
  runtime: hoursSchema.nullish(),
  notes: optText,
  /**
   * Checked where used (operationQuantitySchema, costingVariableSchema): only outside services read
   * quantities and only a few labelled variables are read, and validating every row of every
   * operation up front was 40% of the time to validate an order.
   */
  quantities: z.array(z.unknown()).nullish(),
  costing_variables: z.array(z.unknown()).nullish(),
});

export const COMPONENT_TYPES = ['assembled', 'manufactured', 'purchased'] as const;
export type ComponentType = (typeof COMPONENT_TYPES)[number];

export const componentSchema = z.object({
  id: z.number().int(),
  /** Deprecated in OA2 (in favour of is_assembly + obtain_method); may be absent: see componentType. */
  type: z.enum(COMPONENT_TYPES).nullish(),
  is_assembly: z.boolean().nullish(),
  obtain_method: z.string().nullish(),
  is_root_component: z.boolean().nullish(),
  children: z.array(z.object({ child_id: z.number().int(), quantity: z.number().positive() })).nullish(),
  innate_quantity: count.nullish(),
  deliver_quantity: count.nullish(),
  make_quantity: count.nullish(),
  part_number: optText,
  revision: optText,
  part_name: optText,
  part_uuid: optText,
  material: z.object({ name: z.string() }).nullish(),
  process: z.object({ name: z.string().nullish() }).nullish(),
  purchased_component: z.object({}).nullish(),
  material_operations: z.array(operationSchema).nullish(),
  shop_operations: z.array(operationSchema).nullish(),
});

export const orderedAddOnSchema = z.object({
  name: z.string().nullish(),
  price: moneySchema,
  quantity: z.number().nullish(),
  notes: optText,
});

export const orderItemSchema = z.object({
  id: z.number().int(),
  quote_item_type: optText,
  root_component_id: z.number().int(),
  components: z.array(componentSchema),
  quantity: z.number().int().positive(),
  unit_price: moneySchema,
  total_price: moneySchema.nullish(),
  expedite_revenue: moneySchema.nullish(),
  ships_on: dateSchema,
  public_notes: optText,
  private_notes: optText,
  ordered_add_ons: z.array(orderedAddOnSchema).nullish(),
});

export const addressSchema = z.object({
  business_name: optText,
  attention: optText,
  address1: optText,
  address2: optText,
  city: optText,
  state: optText,
  postal_code: optText,
  country: optText,
});

export const personSchema = z.object({
  first_name: optText,
  last_name: optText,
  email: optText,
});

export const orderSchema = z.object({
  number: z.number().int().positive(),
  quote_number: z.number().int().nullish(),
  quote_revision_number: z.number().int().nullish(),
  private_notes: optText,
  contact: z
    .looseObject({
      account: z
        .looseObject({
          name: optText,
          erp_code: optText,
          payment_terms: optText,
        })
        .nullish(),
    })
    .nullish(),
  customer: z.object({ company: z.object({ business_name: optText }).nullish() }).nullish(),
  billing_info: addressSchema.nullish(),
  shipping_info: addressSchema.nullish(),
  shipping_option: z
    .looseObject({
      type: z.string().nullish(),
      shipping_method: optText,
      customers_carrier: optText,
      customers_account_number: optText,
    })
    .nullish(),
  /** Always an object in every capture, but nullable in the SDK model: null means no payment facts. */
  payment_details: z.object({
    payment_type: optText,
    purchase_order_number: optText,
    payment_terms: optText,
    card_brand: optText,
    card_last4: optText,
    tax_cost: moneySchema.nullish(),
    total_price: moneySchema.nullish(),
  }).nullish(),
  salesperson: personSchema.nullish(),
  sales_person: personSchema.nullish(),
  order_items: z.array(orderItemSchema).min(1, 'an order needs at least one item'),
});

export type PaperlessOrder = z.output<typeof orderSchema>;

/**
 * A component's kind. `type` when sent; otherwise derived from the structure as OA2 intends:
 * `is_assembly` → assembled; `obtain_method: purchased` or a `purchased_component` → purchased;
 * children → assembled; else manufactured.
 */
export function componentType(c: { type?: ComponentType | null; is_assembly?: boolean | null; obtain_method?: string | null; purchased_component?: object | null; children?: readonly unknown[] | null }): ComponentType {
  if (c.type !== null && c.type !== undefined) return c.type;
  if (c.is_assembly === true) return 'assembled';
  if (c.obtain_method === 'purchased' || (c.purchased_component !== null && c.purchased_component !== undefined)) return 'purchased';
  if ((c.children?.length ?? 0) > 0) return 'assembled';
  return 'manufactured';
}
export type PaperlessOrderItem = PaperlessOrder['order_items'][number];
export type PaperlessComponent = PaperlessOrderItem['components'][number];
export type PaperlessOperation = z.output<typeof operationSchema>;
export type PaperlessOperationQuantity = z.output<typeof operationQuantitySchema>;
export type PaperlessCostingVariable = z.output<typeof costingVariableSchema>;
export type PaperlessAddress = z.output<typeof addressSchema>;
export type PaperlessPerson = z.output<typeof personSchema>;
