/**
 * Realistic Paperless Parts Order documents from a seed, in the shape of the real captures
 * (fixtures/paperless/order.json): money as decimal strings, the component graph as a flat list
 * with the root not first, nulls where Paperless sends them. Used by the Paperless emulator to
 * fill itself with orders, and by property tests.
 *
 * Covers: deep and wide assemblies, components under several parents, purchased parts, outside
 * services with lead times, missing part numbers, every payment and shipping case, add-ons,
 * expedites, hand-made lines, HTML-looking notes. Only operation names of the default
 * translation options are used, so a generated order translates with the built-in configuration
 * (`generateBadOrder` makes the ones that must not).
 *
 * Deterministic: the same seed and options give the same document (a small PRNG, no clock).
 */
import { seededRandom } from '../../src/lib/random.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export type GenerateOrderOptions = {
  /** Order number (default: derived from the seed). */
  number?: number;
  /** Number of order items (default 1–4). */
  items?: number;
  /** Deepest assembly level below the root (default up to 4). */
  maxDepth?: number;
};

/** The generator's PRNG (src/lib/random.ts). */
export const prng = seededRandom;

type Rng = {
  next: () => number;
  int: (min: number, max: number) => number;
  pick: <T>(list: readonly T[]) => T;
  chance: (p: number) => boolean;
  hex: (n: number) => string;
  uuid: () => string;
};

function makeRng(seed: number): Rng {
  const next = prng(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
  return {
    next,
    int,
    pick: (list) => list[int(0, list.length - 1)]!,
    chance: (p) => next() < p,
    hex,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`,
  };
}

/** Cents as a money string ("1234.50"). Integer arithmetic keeps every total exact. */
const money = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Edsger', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Dijkstra', 'Perlman'];
const COMPANIES = ['Acme Manufacturing', 'Globex Corporation', 'Initech', 'Umbrella Robotics', 'Stark Fabrication', 'Wayne Aerospace', "O'Neil & Sons", 'Outside Firm'];
const CITIES: [string, string, string][] = [['BOSTON', 'MA', '02134-4503'], ['MINNEAPOLIS', 'MN', '55401'], ['AUSTIN', 'TX', '73301'], ['DENVER', 'CO', '80202'], ['PORTLAND', 'OR', '97201']];
const PART_WORDS = ['Bracket', 'Housing', 'Plate', 'Shaft', 'Bushing', 'Cover', 'Flange', 'Spacer', 'Mount', 'Block', 'Seal', 'Plug', 'Lever', 'Hinge', 'Manifold'];
const EXTENSIONS = ['.step', '.STEP', '.stp', '.sldprt', '.x_t'];
const MATERIALS: [string, string][] = [['Aluminium 6061', 'Aluminum'], ['Aluminum 7075-T6', 'Aluminum'], ['Stainless 304', 'Stainless Steel'], ['Steel 1018', 'Steel'], ['Brass 360', 'Brass'], ['Delrin', 'Plastic']];
const PURCHASED: [string, string][] = [['AC-M6-2', 'Fitting'], ['91251A540', 'Socket Head Screw'], ['HX-1/4-20', 'Hex Nut'], ['DWL-3X12', 'Dowel Pin'], ['BRG-6001-2RS', 'Bearing'], ['ORG-2-014', 'O-Ring']];
const SHIP_METHODS = ['early_am_overnight', 'next_day_air', 'second_day_air', 'ground'];
const TERMS = ['Net 10', 'Net 30', 'Net 45', 'Net 60', 'Net 90', 'COD', 'Net 30 days'];
const CARDS: [string, string][] = [['Visa', '4242'], ['MasterCard', '4444'], ['American Express', '0005']];

/** In-house operations: [definition name, setup hours range, runtime hours per piece range]. */
const IN_HOUSE: [string, [number, number], [number, number]][] = [
  ['Order Processing', [0.25, 0.5], [0, 0]],
  ['Programming', [0.5, 3], [0, 0]],
  ['Saw Cut', [0.1, 0.3], [0.002, 0.02]],
  ['Milling With Estimates', [0.5, 2], [0.002, 0.2]],
  ['CNC Turning', [0.5, 1.5], [0.005, 0.1]],
  ['Deburr', [0, 0.2], [0.001, 0.02]],
  ['Tapping', [0, 0.25], [0.0001, 0.01]],
  ['Inspection', [0.1, 0.5], [0.001, 0.05]],
  ['Packaging', [0.1, 0.25], [0.0005, 0.01]],
];
const FINISHES = ['Chromate', 'Painting', 'Powder Coat'];
const OUTSIDE = ['Anodize', 'Heat Treat', 'Plating', 'Outside Service'];
const COST_ONLY = ['Machine Markup', 'Labor Markup', 'Production Volume', 'Part Complexity - Moderate'];
const ASSEMBLY_OPS = ['Assembly', 'Inspection', 'Packaging'];
const NOTES = [null, null, null, '', 'Deburr all edges.', 'Use fixture #4 & soft jaws', 'Check <critical> dims per drawing', 'Mask threads before finish\nthen inspect'];

type Comp = Obj & { id: number; children: { child_id: number; quantity: number }[]; parent_ids: number[]; child_ids: number[] };

type ItemBuild = { components: Comp[]; rootId: number };

class OrderBuilder {
  private nextId: number;
  private nextOpId: number;
  private readonly r: Rng;
  constructor(r: Rng, base: number) {
    this.r = r;
    this.nextId = base;
    this.nextOpId = base * 10;
  }

  id(): number {
    return this.nextId++;
  }

  quantities(ordered: number, outside: boolean, costCents: number): Json[] {
    const breaks = [...new Set([1, 5, 10, 25, ordered])].sort((a, b) => a - b);
    return breaks.map((q) => {
      const lead = outside ? this.r.int(3, 15) : this.r.chance(0.5) ? 0 : null;
      return {
        quantity: q,
        price: money(costCents + q * 7),
        manual_price: this.r.chance(0.1) ? money(costCents + 1000) : null,
        lead_time: lead,
        manual_lead_time: outside && this.r.chance(0.3) ? this.r.int(5, 20) : null,
      };
    });
  }

  operation(name: string, category: 'material' | 'operation', position: number, opts: { setup?: number | null; runtime?: number | null; outside?: boolean; notes?: string | null; vars?: Json[]; ordered: number; finish?: boolean }): Obj {
    const cost = this.r.int(0, 40000);
    const renamed = this.r.chance(0.1) ? `${name} (custom)` : name;
    return {
      id: this.nextOpId++,
      category,
      cost: money(cost),
      costing_variables: opts.vars ?? [],
      is_finish: opts.finish ?? false,
      is_outside_service: opts.outside ?? false,
      name: opts.outside && this.r.chance(0.5) ? `Service: ${name}` : renamed,
      notes: opts.notes ?? null,
      operation_definition_name: name,
      ...(this.r.chance(0.3) ? { operation_definition_erp_code: null } : {}),
      position,
      quantities: this.quantities(opts.ordered, opts.outside ?? false, cost),
      setup_time: opts.setup ?? null,
      runtime: opts.runtime ?? null,
    };
  }

  /** Costing variables in both shapes seen in captures (full, and the older label/type/value). */
  variable(label: string, value: Json, valueType: string): Obj {
    return this.r.chance(0.3)
      ? { label, type: valueType, value }
      : { label, variable_class: 'basic', value_type: valueType, value, type: valueType, options: null, row: null };
  }

  hours(range: [number, number]): number {
    if (range[1] === 0) return 0;
    return Math.round((range[0] + this.r.next() * (range[1] - range[0])) * 1e6) / 1e6;
  }

  component(type: 'assembled' | 'manufactured' | 'purchased', ordered: number, isRoot: boolean, shared: { uuid?: string; name?: string }): Comp {
    const r = this.r;
    const id = this.id();
    let position = 1;
    const materialOps: Json[] = [];
    const shopOps: Json[] = [];
    let material: Json = null;
    let partNumber: string | null = null;
    let partName = shared.name ?? `${r.pick(PART_WORDS)} ${r.int(1, 99)}${r.pick(EXTENSIONS)}`;
    let process: Json = { id: 1117, external_name: 'CNC Machining', name: 'CNC Machining' };
    if (type === 'purchased') {
      const [pn, desc] = r.pick(PURCHASED);
      partNumber = pn;
      partName = `${desc}.step (${pn})`;
      process = { id: 7, external_name: null, name: 'Purchased Components' };
      shopOps.push(this.operation('PC Piece Price', 'operation', position++, { ordered, vars: [this.variable('Piece Price', 0.931, 'currency')] }));
    } else {
      // Unique within the order (the component id is in it): one number, one part.
      if (r.chance(0.25)) partNumber = `${r.pick(['BRK', 'HSG', 'PLT', 'SHF'])}-${id}${r.chance(0.3) ? ` rev${r.int(1, 3)}` : ''}`;
      const [matName, family] = r.pick(MATERIALS);
      if (type === 'manufactured' && r.chance(0.9)) {
        material = { id: r.int(1, 50), display_name: r.chance(0.3) ? matName : null, family, material_class: family === 'Plastic' ? 'Plastic' : 'Metal', name: matName };
        const vars: Json[] = [this.variable('Cost Per Pound', r.int(2, 15), 'currency'), this.variable('Pounds Per Part', r.int(1, 30) / 10, 'number')];
        if (r.chance(0.3)) vars.push(this.variable('Material Code', `RAW ${matName.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`, 'string'));
        if (r.chance(0.4)) vars.push(this.variable('Bar Length', 144, 'number'), this.variable('Part Length', r.int(10, 120) / 10, 'number'), this.variable('Cutoff', r.pick([0.0625, 0.125, 0.25]), 'number'), this.variable('Parts Per Bar', r.int(2, 40), 'number'));
        if (r.chance(0.9)) materialOps.push(this.operation(r.chance(0.5) ? 'Material By Pound (Rectangular Bar)' : 'Material By Bar', 'material', position++, { ordered, vars }));
        materialOps.push(this.operation('Material Markup', 'material', position++, { ordered, vars: [this.variable('Markup Percentage', 30, 'number')] }));
      } else if (type === 'assembled') {
        material = r.chance(0.5) ? { id: 2, display_name: null, family, material_class: 'Metal', name: matName } : null;
      }
      const names = type === 'assembled' ? ASSEMBLY_OPS.filter(() => r.chance(0.6)) : IN_HOUSE.filter(() => r.chance(0.6)).map((x) => x[0]);
      for (const name of names) {
        const spec = IN_HOUSE.find((x) => x[0] === name);
        const setup = spec ? this.hours(spec[1]) : this.hours([0.1, 1]);
        const runtime = spec ? this.hours(spec[2]) : this.hours([0.01, 0.3]);
        const vars = [this.variable('setup_time', setup, 'number'), this.variable('runtime', runtime, 'number'), this.variable('Setup Labor Rate', 75, 'currency')];
        shopOps.push(this.operation(name, 'operation', position++, { ordered, setup: setup || (r.chance(0.5) ? 0 : null), runtime: runtime || null, notes: r.pick(NOTES), vars }));
      }
      if (r.chance(0.3)) shopOps.push(this.operation(r.pick(OUTSIDE), 'operation', position++, { ordered, outside: true, notes: r.pick(NOTES) }));
      if (r.chance(0.4)) shopOps.push(this.operation(r.pick(FINISHES), 'operation', position++, { ordered, finish: r.chance(0.5) }));
      for (const name of COST_ONLY) if (r.chance(0.3)) shopOps.push(this.operation(name, 'operation', position++, { ordered }));
      if (isRoot && r.chance(0.15)) {
        shopOps.push(this.operation('Customer Part Number', 'operation', position++, { ordered, vars: [this.variable('Customer Part Number', `CUST-${r.int(1000, 9999)}`, 'string')] }));
      }
    }
    return withFileLinks({
      id,
      child_ids: [],
      children: [],
      description: r.chance(0.2) ? 'Generated part' : null,
      export_controlled: r.chance(0.05),
      finishes: [],
      innate_quantity: 1,
      is_root_component: isRoot,
      material,
      material_operations: materialOps,
      parent_ids: [],
      part_custom_attrs: r.chance(0.5) ? null : [],
      part_name: partName,
      part_number: partNumber,
      part_uuid: shared.uuid ?? r.uuid(),
      process,
      purchased_component:
        type === 'purchased'
          ? { oem_part_number: partNumber, internal_part_number: null, description: null, piece_price: '0.9310', properties: [] }
          : null,
      revision: r.chance(0.15) ? r.pick(['A', 'B', 'C', '2']) : null,
      shop_operations: shopOps,
      supporting_files: [],
      type,
      deliver_quantity: 0,
      make_quantity: 0,
    } as Comp);
  }

  /** An assembly tree; some components are reused under a second parent. */
  assembly(ordered: number, maxDepth: number): ItemBuild {
    const r = this.r;
    const all: Comp[] = [];
    const root = this.component('assembled', ordered, true, {});
    all.push(root);
    const link = (parent: Comp, child: Comp, quantity: number): void => {
      parent.children.push({ child_id: child.id, quantity });
      parent.child_ids.push(child.id);
      child.parent_ids.push(parent.id);
    };
    const grow = (parent: Comp, depth: number): void => {
      const width = r.int(1, depth === 0 ? 5 : 4);
      for (let i = 0; i < width; i++) {
        const deeper = depth < maxDepth && r.chance(0.35);
        const type = deeper ? 'assembled' : r.chance(0.3) ? 'purchased' : 'manufactured';
        const child = this.component(type, ordered, false, {});
        all.push(child);
        link(parent, child, type === 'purchased' ? r.int(1, 8) : r.int(1, 3));
        if (deeper) grow(child, depth + 1);
      }
    };
    grow(root, 0);
    // Share a few leaves under a second assembly parent (no cycles: leaves have no children).
    const assemblies = all.filter((c) => c.type === 'assembled');
    const leaves = all.filter((c) => c.type !== 'assembled');
    if (assemblies.length > 1) {
      for (const leaf of leaves) {
        if (!r.chance(0.2)) continue;
        const parent = r.pick(assemblies);
        if (!leaf.parent_ids.includes(parent.id)) link(parent, leaf, r.int(1, 2));
      }
    }
    return { components: all, rootId: root.id };
  }
}

/** innate (per one root), deliver and make quantities, summed over every path. */
function fillQuantities(components: Comp[], rootId: number, ordered: number): void {
  const byId = new Map(components.map((c) => [c.id, c]));
  const innate = new Map<number, number>();
  const walk = (id: number, factor: number): void => {
    innate.set(id, (innate.get(id) ?? 0) + factor);
    for (const link of byId.get(id)!.children) walk(link.child_id, factor * link.quantity);
  };
  walk(rootId, 1);
  for (const c of components) {
    const q = innate.get(c.id) ?? 1;
    c.innate_quantity = q;
    c.deliver_quantity = q * ordered;
    c.make_quantity = q * ordered;
  }
}

function shuffle<T>(r: Rng, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

function isoDate(dayNumber: number): string {
  return new Date(Date.UTC(2020, 0, 1) + dayNumber * 86_400_000).toISOString().slice(0, 10);
}

function address(r: Rng, id: number, business: string, attention: string | null): Obj {
  const [city, state, zip] = r.pick(CITIES);
  return {
    id,
    address1: `${r.int(1, 999)} ${r.pick(['MAIN ST', 'FISKE TER', 'INDUSTRIAL PKWY', 'HARBOR RD'])}`,
    address2: r.chance(0.3) ? `SUITE ${r.int(100, 400)}` : '',
    attention,
    business_name: business,
    city,
    country: 'USA',
    phone: r.chance(0.5) ? '5555555555' : '',
    phone_ext: '',
    postal_code: zip,
    state,
  };
}

function person(r: Rng): Obj {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  return { first_name: first, last_name: last, email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com` };
}

/** A realistic order from a seed. */
export function generateOrder(seed: number, options: GenerateOrderOptions = {}): Obj {
  const r = makeRng(seed);
  const number = options.number ?? 1000 + (Math.abs(Math.trunc(seed)) % 900_000);
  const builder = new OrderBuilder(r, 100_000 + (Math.abs(Math.trunc(seed)) % 1000) * 1000);
  const day = r.int(0, 1500);
  const company = r.pick(COMPANIES);
  const contactPerson = person(r);
  const hasAccount = r.chance(0.9);
  const account: Json = hasAccount
    ? { id: r.int(1000, 9999), notes: null, name: company, erp_code: r.chance(0.7) ? company.replace(/[^A-Za-z]/g, '').slice(0, 8).toUpperCase() : null, payment_terms: r.pick(TERMS), payment_terms_period: 30 }
    : null;

  const itemCount = options.items ?? r.int(1, 4);
  const items: Obj[] = [];
  let subtotal = 0;
  for (let i = 0; i < itemCount; i++) {
    const ordered = r.pick([1, 1, 2, 5, 10, 25, 100]);
    const kind = r.next();
    let build: ItemBuild;
    let manual = false;
    if (kind < 0.45) build = builder.assembly(ordered, options.maxDepth ?? r.int(1, 4));
    else if (kind < 0.9) {
      const c = builder.component('manufactured', ordered, true, {});
      build = { components: [c], rootId: c.id };
    } else {
      manual = true;
      const c = builder.component('manufactured', ordered, true, { name: '' });
      Object.assign(c, { material: null, process: null, material_operations: [], shop_operations: [], part_number: null, revision: null });
      build = { components: [c], rootId: c.id };
    }
    fillQuantities(build.components, build.rootId, ordered);
    const unit = r.int(500, 250_000);
    const expedite = r.chance(0.15) ? r.int(500, 5000) : null;
    const addOns: Obj[] = [];
    for (let a = r.int(0, manual ? 1 : 2); a > 0; a--) {
      const price = r.int(1000, 150_000);
      addOns.push({
        id: r.int(1, 99999),
        name: r.pick(['Non-Recurring Engineering', 'First Article Inspection', 'Certificate of Conformance', 'Tooling & Fixtures']),
        is_required: r.chance(0.5),
        price: money(price),
        quantity: ordered,
        notes: r.chance(0.4) ? 'Billed once <per order>' : null,
        ...(r.chance(0.7) ? { add_on_definition_erp_code: null } : {}),
        costing_variables: [],
      });
    }
    const addOnCents = addOns.reduce((s, a) => s + Math.round(Number(a.price as string) * 100), 0);
    const base = unit * ordered;
    subtotal += base + addOnCents;
    items.push({
      id: builder.id(),
      components: shuffle(r, build.components),
      description: null,
      expedite_revenue: expedite === null ? null : money(expedite),
      export_controlled: false,
      filename: manual ? '' : 'model.step',
      lead_days: r.int(5, 30),
      markup_1_price: '0.00',
      markup_1_name: null,
      markup_2_price: '0.00',
      markup_2_name: null,
      private_notes: r.chance(0.3) ? r.pick(['Customer wants <b>early</b> delivery', 'Rush & expedite', 'Line 2\nsecond line']) : null,
      public_notes: r.chance(0.7) ? 'Lead times (business days) account for any material ordering and/or finishing steps required.' : null,
      quantity: ordered,
      quantity_outstanding: ordered,
      quote_item_id: r.int(1, 99999),
      quote_item_type: manual ? r.pick(['manual', 'automatic']) : 'automatic',
      root_component_id: build.rootId,
      ships_on: isoDate(day + r.int(10, 60)),
      total_price: money(base + addOnCents),
      unit_price: money(unit),
      base_price: money(base),
      add_on_fees: addOns.length === 0 ? null : money(addOnCents),
      ordered_add_ons: addOns,
      pricing_items: [],
    });
  }

  const shippingCase = r.int(0, 4);
  const shipping_option: Json =
    shippingCase === 0
      ? null
      : shippingCase === 1
        ? { customers_account_number: null, customers_carrier: null, shipping_method: null, type: 'pickup' }
        : shippingCase === 2
          ? { customers_account_number: String(r.int(100000, 999999)), customers_carrier: r.pick(['ups', 'fedex']), shipping_method: r.pick(SHIP_METHODS), type: 'customers_shipping_account' }
          : { customers_account_number: null, customers_carrier: null, shipping_method: r.pick(SHIP_METHODS), type: 'suppliers_shipping_account' };
  const paymentCase = r.int(0, 2);
  const [brand, last4] = r.pick(CARDS);
  const shipping = shipping_option === null || shippingCase === 1 ? 0 : r.int(1000, 20000);
  const tax = r.chance(0.3) ? r.int(100, 50000) : 0;
  const sales = r.chance(0.85) ? person(r) : null;
  const noAddresses = r.chance(0.15);
  const billingAttention = r.chance(0.8) ? `${contactPerson.first_name} ${contactPerson.last_name}` : null;

  return {
    billing_info: noAddresses ? null : address(r, r.int(1, 9999), company, billingAttention),
    created: `${isoDate(day)}T15:18:14+00:00`,
    contact: { id: r.int(1, 9999), ...contactPerson, notes: null, account, phone: '', phone_ext: '' },
    customer: { ...contactPerson, notes: null, company: { notes: null, business_name: company, erp_code: null }, phone: '', phone_ext: '' },
    deliver_by: r.chance(0.5) ? `${isoDate(day + 70)}T09:30:00Z` : null,
    estimator: person(r),
    number,
    order_items: items,
    payment_details: {
      card_brand: paymentCase === 0 ? `${brand}(${last4})` : null,
      card_last4: paymentCase === 0 ? last4 : null,
      net_payout: money(subtotal + shipping + tax - 100),
      payment_type: paymentCase === 0 ? 'credit_card' : paymentCase === 1 ? 'purchase_order' : null,
      purchase_order_number: paymentCase === 1 ? `PO-${r.int(1000, 99999)}` : null,
      purchasing_dept_contact_email: null,
      purchasing_dept_contact_name: null,
      shipping_cost: money(shipping),
      subtotal: money(subtotal),
      tax_cost: money(tax),
      tax_rate: tax === 0 ? '0.000' : '6.250',
      payment_terms: paymentCase === 1 && r.chance(0.7) ? r.pick(TERMS) : null,
      total_price: money(subtotal + shipping + tax),
    },
    private_notes: r.chance(0.4) ? r.pick(['Ship with <b>care</b> & check "fragile" marks', 'Call before delivery\nDock 3', 'Repeat customer']) : null,
    quote_number: r.int(100, 9999),
    quote_revision_number: r.chance(0.3) ? r.int(1, 4) : null,
    sales_person: sales,
    salesperson: sales,
    shipments: [],
    shipping_info: noAddresses ? null : address(r, r.int(1, 9999), company, r.chance(0.8) ? `${r.pick(FIRST)} ${r.pick(LAST)}` : null),
    shipping_option,
    ships_on: isoDate(day + 60),
    status: 'pending',
    send_from_facility: null,
  };
}

/**
 * The time-limited signed links every captured component carries (FX: S3 URLs), derived from the
 * part's uuid so the generator's random sequence is unchanged.
 */
function withFileLinks(c: Comp): Comp {
  const uuid = String((c as { part_uuid?: unknown }).part_uuid);
  const signed = '?AWSAccessKeyId=EMULATED&Signature=emulated&Expires=4102444800';
  return Object.assign(c, {
    part_url: `https://s3.amazonaws.com/parts.emulated.paperlessparts.com/${uuid}/model.step${signed}`,
    thumbnail_url: `https://s3.amazonaws.com/parts.emulated.paperlessparts.com/${uuid}/thumbnail.png${signed}`,
  });
}

/** Ways `generateBadOrder` breaks an order, each with the error code the translation must give. */
export const BAD_ORDER_DEFECTS = [
  { defect: 'money-not-a-number', code: 'order.invalid', issue: 'schema' },
  { defect: 'unknown-component-type', code: 'order.invalid', issue: 'schema' },
  { defect: 'missing-ships-on', code: 'order.invalid', issue: 'schema' },
  { defect: 'no-items', code: 'order.invalid', issue: 'schema' },
  { defect: 'dangling-child', code: 'order.untranslatable', issue: 'bom.dangling-child' },
  { defect: 'cycle', code: 'order.untranslatable', issue: 'bom.cycle' },
  { defect: 'unmapped-operation', code: 'order.untranslatable', issue: 'operation.unmapped' },
  { defect: 'bad-part-number', code: 'order.untranslatable', issue: 'part-number.invalid' },
  { defect: 'part-number-collision', code: 'order.untranslatable', issue: 'part-number.collision' },
  { defect: 'impossible-date', code: 'order.untranslatable', issue: 'date.invalid' },
  { defect: 'root-missing', code: 'order.untranslatable', issue: 'component.root-missing' },
] as const;

export type BadOrder = {
  order: Obj;
  defect: (typeof BAD_ORDER_DEFECTS)[number]['defect'];
  /** `order.invalid` or `order.untranslatable`. */
  code: string;
  /** The issue code expected among the error's issues (`schema` for shape problems). */
  issue: string;
  /** JSON path of the broken field. */
  path: string;
};

/** A generated order with one known defect (chosen by the seed, or given). */
export function generateBadOrder(seed: number, number: number, defect?: BadOrder['defect']): BadOrder {
  const spec = defect === undefined ? BAD_ORDER_DEFECTS[Math.abs(Math.trunc(seed)) % BAD_ORDER_DEFECTS.length]! : BAD_ORDER_DEFECTS.find((d) => d.defect === defect)!;
  // An assembly first item gives every defect something to break.
  const order = generateOrder(seed, { number, items: 2, maxDepth: 2 });
  const items = order.order_items as Obj[];
  let first = items[0]!;
  // Make sure item 0 is an assembly with at least two components.
  for (let s = 1; (first.components as Obj[]).length < 3 && s < 200; s++) {
    const candidate = (generateOrder(seed * 7919 + s, { number, items: 1, maxDepth: 2 }).order_items as Obj[])[0]!;
    if ((candidate.components as Obj[]).length >= 3) {
      items[0] = candidate;
      first = candidate;
    }
  }
  const comps = first.components as Comp[];
  const rootIndex = comps.findIndex((c) => c.id === first.root_component_id);
  const root = comps[rootIndex]!;
  const parentIndex = comps.findIndex((c) => c.children.length > 0);
  const parent = comps[parentIndex]!;
  let path = '';
  switch (spec.defect) {
    case 'money-not-a-number':
      // A JSON number is valid money (OA1/OA2 declare numbers); text that is not a number is not.
      first.unit_price = '12,50 USD';
      path = 'order_items[0].unit_price';
      break;
    case 'unknown-component-type':
      root.type = 'fabricated';
      path = `order_items[0].components[${rootIndex}].type`;
      break;
    case 'missing-ships-on':
      delete first.ships_on;
      path = 'order_items[0].ships_on';
      break;
    case 'no-items':
      order.order_items = [];
      path = 'order_items';
      break;
    case 'dangling-child':
      parent.children.push({ child_id: 999_999_999, quantity: 1 });
      path = `order_items[0].components[${parentIndex}].children[${parent.children.length - 1}].child_id`;
      break;
    case 'cycle': {
      // The parent's first child lists the root as its child: root → … → child → root.
      const childId = parent.children[0]!.child_id;
      const childIndex = comps.findIndex((c) => c.id === childId);
      const child = comps[childIndex]!;
      child.type = 'assembled';
      child.children.push({ child_id: root.id, quantity: 1 });
      path = `order_items[0].components[${childIndex}].children[${child.children.length - 1}].child_id`;
      break;
    }
    case 'unmapped-operation':
      (root.shop_operations as Obj[]).push({
        id: 1, category: 'operation', cost: '0.00', costing_variables: [], is_finish: false, is_outside_service: false,
        name: 'Levitation', notes: null, operation_definition_name: 'Levitation', position: 99, quantities: [], setup_time: 1, runtime: 0.1,
      });
      path = `order_items[0].components[${rootIndex}].shop_operations[${(root.shop_operations as Obj[]).length - 1}]`;
      break;
    case 'bad-part-number':
      root.part_number = 'BAD|PART<NUMBER>';
      path = `order_items[0].components[${rootIndex}].part_number`;
      break;
    case 'part-number-collision': {
      // Two different parts whose uuids start alike derive the same number.
      const a = comps.find((c) => c.id !== root.id && c.type !== 'purchased' && c.id === parent.children[0]?.child_id) ?? comps.find((c) => c.id !== root.id && c.type !== 'purchased');
      const others = comps.filter((c) => c !== a && c.id !== root.id && c.type === a?.type);
      const b = others[0];
      if (a && b) {
        a.part_number = null;
        b.part_number = null;
        a.part_uuid = 'abcdefab-cdef-4abc-8def-000000000001';
        b.part_uuid = 'abcdefab-cdef-4abc-8def-000000000002';
        path = `order_items[0].components[${comps.indexOf(b)}].part_number`;
      } else {
        // Fallback: the root of item 1 takes item 0's root number under another uuid.
        root.part_number = null;
        root.part_uuid = 'abcdefab-cdef-4abc-8def-000000000001';
        const second = items[1]!;
        const r2 = (second.components as Comp[]).find((c) => c.id === second.root_component_id)!;
        Object.assign(r2, { part_number: null, part_uuid: 'abcdefab-cdef-4abc-8def-000000000002', part_name: 'x.step', process: { id: 1, name: 'CNC Machining' } });
        path = 'order_items[1].components';
      }
      break;
    }
    case 'impossible-date':
      first.ships_on = '2021-02-30';
      path = 'order_items[0].ships_on';
      break;
    case 'root-missing':
      first.root_component_id = 999_999_998;
      for (const c of comps) c.is_root_component = false;
      path = 'order_items[0].root_component_id';
      break;
  }
  return { order, defect: spec.defect, code: spec.code, issue: spec.issue, path };
}
