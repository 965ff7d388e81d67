/**
 * Seed data of the emulated Cetec tenant (cetec.md §9 item 2, §5.5, §7.5): the data-maintenance
 * keys a real tenant must hold before shopwire can define BOMs and import orders.
 */
export type CetecKeyed = { id: number; external_key: string; description: string };
export type CetecOperationDef = CetecKeyed & { seconds: number };
export type CetecSeedCustomer = { id: number; custnum: string; name: string; external_key: string; acctemail: string };
export type CetecSeedContact = { id: number; customer_id: number; name: string; email: string };

export type CetecSeed = {
  /** Accepted preshared tokens. */
  tokens: string[];
  /** Location / warehouse codes; also the prefix of order numbers. */
  locations: string[];
  /** Work locations ("ordline statuses") by external key. */
  workLocations: CetecKeyed[];
  operations: CetecOperationDef[];
  /** Payment terms, table 9TERMS. */
  terms: CetecKeyed[];
  /** Ship codes, table SHPCDE (referenced by external key or id). */
  shipCodes: CetecKeyed[];
  customers: CetecSeedCustomer[];
  contacts: CetecSeedContact[];
  /** Part class codes (first three characters of a part number). */
  prcs: string[];
  internalCustomerId: string;
  internalVendorId: string;
  /** Customer used when an import names none that resolves (§9 item 23). */
  placeholderCustomerId: number;
  firstQuoteNumber: number;
  firstOrderNumber: number;
  /** Parts present before any call. */
  parts: Array<{ prcpart: string; description: string }>;
};

const keyed = (keys: string[], start: number): CetecKeyed[] =>
  keys.map((external_key, i) => ({ id: start + i, external_key, description: external_key.replace(/_/g, ' ') }));

export const DEFAULT_CETEC_SEED: CetecSeed = {
  tokens: ['emulator-token'],
  locations: ['MN'],
  workLocations: keyed(
    [
      'admin', 'engineering', 'programming', 'material', 'saw', 'cnc_milling', 'cnc_turning', 'cnc', 'mill', 'lathe',
      'edm', 'laser', 'waterjet', 'plasma', 'press_brake', 'bending', 'punching', 'welding', 'deburr', 'grinding',
      'tapping', 'hardware', 'inspection', 'quality', 'assembly', 'finishing', 'painting', 'powder_coat', 'anodize',
      'plating', 'heat_treat', 'outside_service', 'packaging', 'shipping', 'default',
    ],
    1,
  ),
  operations: [
    { id: 1, external_key: 'generic_1_sec_operation', description: 'Generic 1 Second Operation', seconds: 1 },
    { id: 2, external_key: 'generic_1_hour_operation', description: 'Generic 1 Hour Operation', seconds: 3600 },
  ],
  // PY's table (§7.5) and the keys the seed example sends (`net_60`).
  terms: keyed(['net_10_c', 'net_30_c', 'net_45_c', 'net_60_c', 'net_90_c', 'cod', 'credit_card', 'prepay', 'net_10', 'net_30', 'net_45', 'net_60', 'net_90'], 1),
  shipCodes: keyed(
    [
      'pickup', 'local_delivery', 'ups_early_am_overnight', 'ups_next_day_air', 'ups_second_day_air', 'ups_ground',
      'fedex_early_am_overnight', 'fedex_next_day_air', 'fedex_second_day_air', 'fedex_ground', 'ups_expedited', 'fedex_expedited',
    ],
    1,
  ),
  customers: [
    { id: 1, custnum: 'INTERNAL', name: 'Internal', external_key: 'internal', acctemail: 'internal@example.com' },
    { id: 2, custnum: 'ACME', name: 'Acme Manufacturing', external_key: 'acme', acctemail: 'ap@acme.example.com' },
    { id: 3, custnum: 'GLOBEX', name: 'Globex Corporation', external_key: 'globex', acctemail: 'billing@globex.example.com' },
    // The seed example's customer (customer_custnum BFS123).
    { id: 4, custnum: 'BFS123', name: "Bob's Fishing Supplies", external_key: 'bfs', acctemail: 'ap@bobsfishing.example.com' },
    { id: 99, custnum: 'UNASSIGNED', name: 'NO CUSTOMER ASSIGNED', external_key: 'unassigned', acctemail: '' },
  ],
  contacts: [
    { id: 1, customer_id: 2, name: 'Wile Coyote', email: 'wile@acme.example.com' },
    { id: 2, customer_id: 3, name: 'Hank Scorpio', email: 'hank@globex.example.com' },
  ],
  prcs: ['PRT', 'SUB', 'COM', 'RAW', 'ZZZ', 'CMP', 'BOM', 'TLA', 'CBL', 'WIR', 'CON'],
  internalCustomerId: '1',
  internalVendorId: '1',
  placeholderCustomerId: 99,
  firstQuoteNumber: 1001,
  firstOrderNumber: 5001,
  parts: [],
};

export function resolveCetecSeed(overrides?: Partial<CetecSeed>): CetecSeed {
  return structuredClone({ ...DEFAULT_CETEC_SEED, ...overrides });
}
