/**
 * What shopwire lets reach Cetec: the bounds every plan is checked against before it is stored
 * (src/translate/bounds.ts). Cetec's own limits are not documented in the evidence
 * (docs/reference/cetec.md says nothing of field lengths or number ranges), so these are
 * assumptions chosen to be generous for real orders and far below what breaks a database column
 * or a labour plan: a value outside them is a data error (or, for free text, a documented
 * truncation), never a guess sent on to Cetec.
 */

/** Levels of a BOM tree (root = 1). Real assemblies have a handful; thousands would overflow the stack. */
export const MAX_BOM_DEPTH = 64;

/** Nodes per BOM tree once shared sub-assemblies are expanded. */
export const MAX_BOM_NODES = 20_000;

/** Repetitions of one operation (one repetition = one second of labour): 100,000,000 s is over 3 years. */
export const MAX_REPETITIONS = 100_000_000;

/** Pieces on one sales-order line. */
export const MAX_LINE_QUANTITY = 10_000_000;

/** Quantity of a BOM child per one parent (pieces, inches of bar stock, …). */
export const MAX_QTY_PER_TOP = 1_000_000;

/** Lead time of an outside service, in days (10 years). */
export const MAX_LEAD_TIME_DAYS = 3_650;

/** Build order, place in line and BOM line numbers. */
export const MAX_POSITION = 1_000_000;

/** Money: at most this much per amount (twelve digits before the point). */
export const MAX_AMOUNT = '999999999999.99';

/**
 * Length limits per Cetec field, in characters. Identifiers and address fields (assumed to be
 * short database columns) longer than this are refused; free text (comments, instructions,
 * sourcing notes) is cut at LONG_TEXT with a marker and a plan warning.
 */
export const SHORT_TEXT = 255;
export const LONG_TEXT = 60_000;

/** Free-text fields: cut (with a warning) rather than refused when too long. */
export const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'internal_comments',
  'commission_note',
  'shipping_instructions',
  'comments',
  'sourcing_comments',
  'sourcing',
  'pick_comments',
  'instruction',
  'description',
  'terms_description',
]);

/**
 * Fields whose value identifies something in Cetec (a part, customer, location, key): a lone
 * surrogate there is refused, since replacing it would change what the value names. In every
 * other field a lone surrogate is replaced by U+FFFD with a warning.
 */
export const IDENTIFIER_FIELDS: ReadonlySet<string> = new Set([
  'prcpart',
  'revision_text',
  'revision',
  'custpart',
  'external_key',
  'location',
  'location_external_key',
  'operation_external_key',
  'ship_via',
  'customer_custnum',
  'customer_name',
  'po',
  'terms_external_key',
  'payment_type_id',
  'customer_taxtype',
  'internal_customer_id',
  'internal_vendor_id',
  'transcode',
  'prepayment_ref',
]);

/** Decimal-string money fields: never negative, never above MAX_AMOUNT. */
export const MONEY_FIELDS: ReadonlySet<string> = new Set(['resale', 'cost', 'tax_collected']);
