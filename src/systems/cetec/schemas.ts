/**
 * Cetec wire types: the request bodies shopwire sends, in Cetec's own snake_case, as
 * docs/reference/cetec.md (sections 4.1 and 4.3) describes them. Translation produces these;
 * the client sends them (adding the preshared token); the emulator validates the looser shapes
 * Cetec accepts separately (emulators/cetec/).
 */

/** `POST /api/partrevisiondefinition` with `Version: 2.0`: one node of the BOM tree. */
export type CetecBomNode = {
  prcpart: string;
  revision_text: string;
  /** Quantity of this child per one parent; absent on the root. */
  qty_per_top?: number;
  /** BOM line number; present on raw-material lines. */
  component?: number;
  sourcing?: string;
  pick_comments?: string;
  bom_definition?: CetecBomNode[];
  locations?: CetecLocation[];
};

export type CetecInstruction = { instruction: string };

export type CetecOperation = {
  operation_external_key: string;
  repetitions: number;
  setup: boolean;
  place_in_line: number;
  instructions: CetecInstruction[];
};

export type CetecLocation = {
  location_external_key: string;
  build_order: number;
  operations?: CetecOperation[];
  /** Outside-service locations only, and then without operations. */
  lead_time?: number;
};

/** `POST /importjson/quotes`: one order object (the body is an array of these). */
export type CetecImportOrder = {
  location: string;
  shipto_name: string;
  shipto_address_1: string;
  shipto_address_2: string;
  shipto_address_3: string;
  shipto_address_4: string;
  shipto_city: string;
  shipto_state: string;
  shipto_zip: string;
  billto_name: string;
  billto_address_1: string;
  billto_address_2: string;
  billto_address_3: string;
  billto_address_4: string;
  billto_city: string;
  billto_state: string;
  billto_zip: string;
  external_key: string;
  internal_comments: string;
  commission_note: string;
  ship_via: string;
  shipping_instructions: string;
  customer_taxtype: string;
  tax_collected: string;
  place_order: boolean;
  internal_customer_id: string;
  internal_vendor_id: string;
  customer_custnum?: string;
  customer_name: string;
  po?: string;
  terms_external_key?: string;
  terms_description?: string;
  payment_type_id?: string;
  prepayment_amount?: string;
  prepayment_ref?: string;
  lines: CetecImportLine[];
};

export type CetecImportLine = {
  prcpart: string;
  custpart: string;
  /** Unit sell price, a decimal string (exact, never a float). */
  resale: string;
  cost: string;
  qty: number;
  revision: string;
  description: string;
  comments: string;
  sourcing_comments: string;
  due_date: string;
  ship_date: string;
  wip_date: string;
  external_key: string;
  transcode: string;
};

/** `PUT /api/part` (all in the query): sets a part's description, creating the part if missing. */
export type CetecPartUpdate = { prcpart: string; description: string };

/**
 * `PUT /api/partrevisiondefinition` in the older "revision object" shape (cetec.md 4.2, 9.5): the
 * one evidenced way to make a revision the part's current one (`current_rev: true`). It also sets
 * the revision's BOM lines, so it carries the same lines as the definition.
 */
export type CetecRevisionUpdate = {
  prcpart: string;
  revision: { part: { prcpart: string }; revision: string; status: 'Active'; current_rev: true };
  bom_definition: Array<{ prcpart: string; revision: { revision: string; part: { prcpart: string } }; component?: number; qty_per_top: number | string }>;
};

/** Answer of `POST /importjson/quotes`. */
export type CetecImportResult = {
  quotes: number[];
  orders: number[];
  message: string;
  success: 0 | 1;
};
