/**
 * Options of the Paperless Parts order → Cetec translation: every mapping table and tenant value
 * the translation needs, each with a default. `orderTranslationOptionsSchema.parse({})` is the
 * built-in example configuration (the seed's example shop: location MN, internal ids "1", build
 * lines `SA`, the ship-code and terms tables of the reference integration). The config loader
 * embeds this schema under each profile as `translation`; docs/translation.md lists every option.
 *
 * Mapping tables (`routing.operations`, `salesOrder.shipVia`, `salesOrder.paymentTerms`,
 * `rawMaterial.parts`) extend their defaults entry by entry; `{ replace: true, entries }` replaces
 * one as a whole (src/translate/mapping-table.ts).
 *
 * Objects are strict (like the rest of the config file) so a misspelt key is an error rather than
 * a silently ignored setting. Nested objects use `prefault` so a partial object is filled in with
 * the defaults of its missing keys.
 */
import { z } from 'zod';
import { mappingTable } from '../mapping-table.ts';

const nonEmpty = z.string().min(1);

/** Cetec work-location keys of the default mapping exist in the Cetec emulator's seed. */
export const DEFAULT_OPERATIONS: Readonly<Record<string, string>> = {
  'Order Processing': 'admin',
  Engineering: 'engineering',
  Programming: 'programming',
  'Saw Cut': 'saw',
  'Milling With Estimates': 'cnc_milling',
  Milling: 'cnc_milling',
  'CNC Milling': 'cnc_milling',
  Turning: 'cnc_turning',
  'CNC Turning': 'cnc_turning',
  'Laser Cutting': 'laser',
  Waterjet: 'waterjet',
  'Press Brake': 'press_brake',
  Welding: 'welding',
  Deburr: 'deburr',
  Tapping: 'tapping',
  'Hardware Insertion': 'hardware',
  Inspection: 'inspection',
  Assembly: 'assembly',
  Chromate: 'finishing',
  Anodize: 'anodize',
  'Powder Coat': 'powder_coat',
  Painting: 'painting',
  Plating: 'plating',
  'Heat Treat': 'heat_treat',
  'Outside Service': 'outside_service',
  Packaging: 'packaging',
};

/** Paperless ship key (`pickup`, `local_delivery`, `{carrier}_{method}`) → Cetec SHPCDE key (cetec.md 7.5). */
export const DEFAULT_SHIP_VIA: Readonly<Record<string, string>> = {
  pickup: 'pickup',
  local_delivery: 'local_delivery',
  ups_early_am_overnight: 'ups_early_am_overnight',
  ups_next_day_air: 'ups_next_day_air',
  ups_second_day_air: 'ups_second_day_air',
  ups_ground: 'ups_ground',
  // The SDK's ShippingOption lists `expedited` besides OA1/OA2's four methods.
  ups_expedited: 'ups_expedited',
  fedex_early_am_overnight: 'fedex_early_am_overnight',
  fedex_next_day_air: 'fedex_next_day_air',
  fedex_second_day_air: 'fedex_second_day_air',
  fedex_ground: 'fedex_ground',
  fedex_expedited: 'fedex_expedited',
};

/** Paperless payment-terms label → Cetec 9TERMS key (cetec.md 7.5). */
export const DEFAULT_PAYMENT_TERMS: Readonly<Record<string, string>> = {
  'Net 10': 'net_10_c',
  'Net 30': 'net_30_c',
  'Net 45': 'net_45_c',
  'Net 60': 'net_60_c',
  'Net 90': 'net_90_c',
  COD: 'cod',
  'Credit Card': 'credit_card',
};

export const PART_NUMBER_RULES = ['uuid', 'name'] as const;
export type PartNumberRule = (typeof PART_NUMBER_RULES)[number];

export const RAW_MATERIAL_RULES = ['material-name', 'operation-name'] as const;
export type RawMaterialRule = (typeof RAW_MATERIAL_RULES)[number];

export const RUN_REPETITIONS = ['per-piece', 'per-lot'] as const;

export const partNumberOptionsSchema = z.strictObject({
  /** How a component without a part number gets one: `uuid` (prefix + start of part_uuid) or `name` (part_name without extension). */
  rule: z.enum(PART_NUMBER_RULES).default('uuid'),
  /** Put before a derived number (not before a Paperless part number). */
  derivedPrefix: z.string().default('PP-'),
  /** Characters of part_uuid used by the `uuid` rule (12 hex = 48 random bits). */
  uuidLength: z.number().int().min(8).max(32).default(12),
  /** Longest `prcpart` accepted (PRC prefix included); longer is an error naming the component. */
  maxLength: z.number().int().min(8).max(200).default(40),
  /** Cetec PRC prefix per component type; `root` (when not null) applies to every order item's top part. */
  prc: z
    .strictObject({
      root: z.string().nullable().default('PRT '),
      assembled: z.string().default('SUB '),
      manufactured: z.string().default('SUB '),
      purchased: z.string().default('COM '),
    })
    .prefault({}),
});

export const rawMaterialOptionsSchema = z.strictObject({
  /** Costing variable of the material operation whose value is the raw part number (wins over everything). */
  codeVariable: z.string().default('Material Code'),
  /** Material name (or material operation name) → Cetec raw part number; second in precedence. */
  parts: mappingTable({}),
  /** Otherwise: `prefix` + the component's material name (`material-name`) or the material operation's name. */
  rule: z.enum(RAW_MATERIAL_RULES).default('material-name'),
  prefix: z.string().default('RAW '),
  /** Material operations that are never the raw material (cost-only lines). */
  ignoreOperations: z.array(z.string()).default(['Material Markup']),
  /** Part used when a manufactured component has no known material; the plan carries a warning. */
  fallbackPart: nonEmpty.default('RAW TBD'),
  /** Costing variables giving the length of bar per part (part length + cutoff), in the raw part's unit. */
  barStock: z
    .strictObject({
      partLength: z.string().default('Part Length'),
      cutoff: z.string().default('Cutoff'),
    })
    .prefault({}),
  /** `qty_per_top` of the raw material when no bar-stock variables say otherwise. */
  defaultQtyPerUnit: z.number().positive().default(1),
});

export const routingOptionsSchema = z.strictObject({
  /** Paperless operation (operation_definition_name, falling back to name) → Cetec work-location key. */
  operations: mappingTable(DEFAULT_OPERATIONS),
  /** Location for operations the table does not name; null = such an operation is a data error. */
  defaultLocation: z.string().min(1).nullable().default(null),
  /** Operations left out of the routing: exact names, and name prefixes. Matched on both names. */
  skip: z
    .strictObject({
      names: z
        .array(z.string())
        .default(['Production Volume', 'Machine Markup', 'Labor Markup', 'Material Markup', 'PC Piece Price', 'Quantity Specific']),
      prefixes: z.array(z.string()).default(['Part Complexity', 'Customer Part Number']),
    })
    .prefault({}),
  /** The one-second Cetec operation whose repetitions carry setup and run time. */
  operationKey: nonEmpty.default('generic_1_sec_operation'),
  /** Run time: seconds per piece (Cetec scales by the work-order quantity) or for the component's make quantity. */
  runRepetitions: z.enum(RUN_REPETITIONS).default('per-piece'),
  /** Which component quantity picks the `quantities[]` row for an outside service's lead time. */
  leadTimeQuantity: z.enum(['deliver', 'make']).default('deliver'),
});

export const salesOrderOptionsSchema = z.strictObject({
  location: nonEmpty.default('MN'),
  internalCustomerId: nonEmpty.default('1'),
  internalVendorId: nonEmpty.default('1'),
  placeOrder: z.boolean().default(true),
  customerTaxType: z.string().default('1'),
  /** `{profile}` and `{order}` are replaced; must contain `{order}` so orders never share a key. */
  externalKeyTemplate: z
    .string()
    .refine((t) => t.includes('{order}'), 'must contain {order} so that two orders never share an external_key')
    .default('{profile}-{order}'),
  /** Base URL of the Paperless Parts web app, for links in comments. */
  paperlessAppUrl: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://app.paperlessparts.com'),
  /** `customer_name` when the order has no account. */
  customerNameFallback: z.string().default('NO CUSTOMER ASSIGNED'),
  includeSalespersonEmail: z.boolean().default(true),
  /** Ship key → Cetec SHPCDE key. */
  shipVia: mappingTable(DEFAULT_SHIP_VIA),
  /** Carrier used for `suppliers_shipping_account` (the shop ships on its own account). */
  supplierCarrier: nonEmpty.default('ups'),
  /** Root-operation notes starting with this mark the order for local delivery (marker removed from instructions). */
  localDeliveryMarker: z.string().default('Local Delivery |'),
  /** SHPCDE key for a ship key the table lacks; null = data error naming the key. */
  shipViaFallback: z.string().nullable().default(null),
  /** Payment-terms label → Cetec 9TERMS key; unmapped labels go to `terms_description`. */
  paymentTerms: mappingTable(DEFAULT_PAYMENT_TERMS),
  /** Credit-card orders: Cetec payment type id and 9TERMS key. */
  creditCard: z
    .strictObject({
      paymentTypeId: nonEmpty.default('4'),
      termsKey: z.string().nullable().default('credit_card'),
    })
    .prefault({}),
  /** Root operation (name or definition name starting with this) whose text costing variable is the customer's part number. */
  customerPartOperation: z.string().default('Customer Part Number'),
  /** Transaction code of order-item lines with a BOM (SA = build). */
  transcode: nonEmpty.default('SA'),
  /** Transaction code of manual lines (no part, no BOM). */
  manualLineTranscode: nonEmpty.default('NN'),
  /**
   * Decimals of the prices sent to Cetec (line `resale`, `tax_collected`). A Paperless amount with
   * more (purchased piece prices carry 4, discounts 6) is rounded half to even, exactly, with a
   * warning naming the line; fewer are sent as written.
   */
  priceDecimals: z.number().int().min(0).max(8).default(4),
  /**
   * `customers_shipping_account` orders: the text put in `shipping_instructions` so the shop ships
   * on the customer's carrier account; `{carrier}`, `{account}` and `{method}` are filled in.
   */
  customerAccountInstructions: z.string().default('Ship on customer account: {carrier} {account} ({method})'),
  /** Line `cost` sent to Cetec. */
  lineCost: z.string().regex(/^\d+(\.\d+)?$/).default('0'),
  /** Ship date = due date minus this many days. */
  shipDaysBeforeDue: z.number().int().min(0).max(365).default(3),
  /** Count only Monday–Friday when stepping back from the due date. */
  shipDateSkipsWeekends: z.boolean().default(false),
  /** Add-on lines: part = prefix + the item's part number (without PRC), transcode. */
  addOns: z
    .strictObject({
      partPrefix: z.string().default('ZZZ '),
      transcode: nonEmpty.default('NN'),
    })
    .prefault({}),
});

export const orderTranslationOptionsSchema = z.strictObject({
  partNumbers: partNumberOptionsSchema.prefault({}),
  rawMaterial: rawMaterialOptionsSchema.prefault({}),
  routing: routingOptionsSchema.prefault({}),
  salesOrder: salesOrderOptionsSchema.prefault({}),
});

export type OrderTranslationOptions = z.output<typeof orderTranslationOptionsSchema>;
export type OrderTranslationOptionsInput = z.input<typeof orderTranslationOptionsSchema>;

export const DEFAULT_ORDER_TRANSLATION_OPTIONS: OrderTranslationOptions = Object.freeze(
  orderTranslationOptionsSchema.parse({}),
) as OrderTranslationOptions;
