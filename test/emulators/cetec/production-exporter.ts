/**
 * The production exporter's requests, rebuilt from the reference's description of them (cetec.md
 * §7 and the seed's payload examples), NOT from its code: Paperless Parts' Python Cetec exporter
 * (PY), which ran against a real Cetec tenant. Its defects are reproduced on purpose (random part
 * numbers for blank ones, §8 item 9; null raw-material quantities and "None" pick comments, item 12;
 * truncated times that can be 0, item 16; duplicate `build_order` after an outside service,
 * item 10; floats for add-on prices, item 20), because what production sent is what the emulator
 * must accept. Used by production-replay.test.ts only.
 */
import { seededRandom } from '../../../src/lib/random.ts';

type Obj = Record<string, any>;

export type PyConfig = {
  /** Paperless operation definition name → Cetec work-location key (the custom table). */
  operationToLocation: Record<string, string>;
  defaultWorkCenter: string | null;
  transcode: string;
  placeOrder: boolean;
  internalCustomerId: string;
  internalVendorId: string;
};

export type PyRequests = { boms: Obj[]; importBody: Obj[] };

const SHIP_CODES = new Set(['pickup', 'local_delivery', 'ups_early_am_overnight', 'ups_next_day_air', 'ups_second_day_air', 'ups_ground', 'fedex_early_am_overnight', 'fedex_next_day_air', 'fedex_second_day_air', 'fedex_ground']);
const TERMS: Record<string, string> = { 'Net 10': 'net_10_c', 'Net 30': 'net_30_c', 'Net 45': 'net_45_c', 'Net 60': 'net_60_c', 'Net 90': 'net_90_c', COD: 'cod', 'Credit Card': 'credit_card' };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function rebuildPyRequests(order: Obj, config: PyConfig, seed = 1): PyRequests {
  const random = seededRandom(seed);
  // get_part_number: a fresh random 16-character number on every call for a blank part number.
  const partNumber = (c: Obj): string => (c.part_number ?? Array.from({ length: 16 }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join(''));
  const variables = (op: Obj): Map<string, unknown> => new Map((op.costing_variables ?? []).map((v: Obj) => [v.label, v.value]));

  const rawMaterial = (c: Obj): Obj => {
    const op = (c.material_operations ?? [])[0];
    if (!c.material || op === undefined) return { component: 1, prcpart: 'RAW FIXME', sourcing: '', pick_comments: '', qty_per_top: 1 };
    const v = variables(op);
    const code = v.get('Material Code');
    const prcpart = typeof code === 'string' && code !== '' ? code : `RAW${c.material.name}`;
    const bar = ['Bar Length', 'Part Length', 'Cutoff', 'Parts Per Bar'].every((k) => v.has(k));
    const qty = bar ? Number(v.get('Part Length')) + Number(v.get('Cutoff')) : null;
    const show = (x: unknown): string => (x === undefined || x === null ? 'None' : String(x));
    return {
      component: 1,
      prcpart,
      sourcing: `<b>Supplier</b><br>Material: ${c.material.name}<br><b>Internal</b><br>Qty per top: ${show(qty)}`,
      pick_comments: bar ? `${show(v.get('Part Length'))}||${show(v.get('Cutoff'))}` : 'None',
      qty_per_top: qty,
    };
  };

  const routing = (c: Obj): Obj[] => {
    if (c.type === 'purchased') return [];
    const locations: Obj[] = [];
    let buildOrder = 1;
    let place = 0;
    for (const op of c.shop_operations ?? []) {
      const definition = String(op.operation_definition_name ?? '');
      if (op.name === 'Production Volume' || definition.startsWith('Part Complexity') || definition.startsWith('Customer Part Number')) continue;
      const key = config.operationToLocation[definition] ?? config.defaultWorkCenter;
      if (key === null) continue;
      const notes = String(op.notes ?? '').replace(/^Local Delivery \|/, '').trim();
      const instructions = notes === '' ? [] : [{ instruction: notes }];
      if (op.is_outside_service) {
        const row = (op.quantities ?? []).find((q: Obj) => q.quantity === c.deliver_quantity);
        locations.push({ location_external_key: key, build_order: buildOrder, lead_time: row?.manual_lead_time ?? row?.lead_time ?? 0 });
        continue;
      }
      const operations: Obj[] = [];
      const seconds = (hours: number): number => Math.trunc(hours * 3600);
      if ((op.setup_time ?? 0) > 0) operations.push({ operation_external_key: 'generic_1_sec_operation', repetitions: seconds(op.setup_time), setup: true, place_in_line: ++place, instructions });
      if ((op.runtime ?? 0) > 0) operations.push({ operation_external_key: 'generic_1_sec_operation', repetitions: seconds(op.runtime), setup: false, place_in_line: ++place, instructions });
      if (operations.length === 0) operations.push({ operation_external_key: 'generic_1_sec_operation', repetitions: 1, setup: false, place_in_line: ++place, instructions });
      locations.push({ location_external_key: key, build_order: buildOrder++, operations });
    }
    return locations;
  };

  const node = (c: Obj, byId: Map<number, Obj>, isRoot: boolean): Obj => {
    const out: Obj = { prcpart: partNumber(c), revision_text: c.revision ?? '' };
    if (!isRoot) out.qty_per_top = c.innate_quantity;
    const children = (c.child_ids ?? []).flatMap((id: number) => (byId.has(id) ? [node(byId.get(id)!, byId, false)] : []));
    if (c.type === 'manufactured') children.push(rawMaterial(c));
    if (children.length > 0) out.bom_definition = children;
    const locations = routing(c);
    if (locations.length > 0) out.locations = locations;
    return out;
  };

  const boms = (order.order_items as Obj[]).map((item) => {
    const byId = new Map<number, Obj>(item.components.map((c: Obj) => [c.id, c]));
    return node(byId.get(item.root_component_id)!, byId, true);
  });

  const ship = order.shipping_info ?? {};
  const bill = order.billing_info ?? {};
  const address = (prefix: string, a: Obj): Obj => ({
    [`${prefix}_name`]: a.attention ?? '',
    [`${prefix}_address_1`]: a.address1 ?? '',
    [`${prefix}_address_2`]: a.address2 ?? '',
    [`${prefix}_address_3`]: '',
    [`${prefix}_address_4`]: '',
    [`${prefix}_city`]: a.city ?? '',
    [`${prefix}_state`]: a.state ?? '',
    [`${prefix}_zip`]: a.postal_code ?? '',
  });
  const option = order.shipping_option ?? {};
  let shipVia = 'pickup';
  if (option.type !== 'pickup') {
    const carrier = option.type === 'suppliers_shipping_account' ? 'ups' : option.customers_carrier;
    const key = `${carrier}_${option.shipping_method}`;
    shipVia = SHIP_CODES.has(key) ? key : 'pickup';
  }
  const pay = order.payment_details ?? {};
  const payment: Obj = {};
  if (pay.payment_type === 'purchase_order') {
    payment.po = pay.purchase_order_number;
    if (TERMS[pay.payment_terms]) payment.terms_external_key = TERMS[pay.payment_terms];
    else payment.terms_description = pay.payment_terms;
  } else if (pay.payment_type === 'credit_card') {
    Object.assign(payment, { payment_type_id: '4', prepayment_amount: 'FULL', prepayment_ref: `${pay.card_brand}_${pay.card_last4}`, terms_external_key: 'credit_card' });
  }
  const sales = order.salesperson ?? order.sales_person;
  const due = String(order.ships_on ?? '');
  const shipDate = /^\d{4}-\d{2}-\d{2}$/.test(due) ? new Date(Date.parse(`${due}T00:00:00Z`) - 3 * 86_400_000).toISOString().slice(0, 10) : '';
  const lines: Obj[] = [];
  for (const item of order.order_items as Obj[]) {
    const root = item.components.find((c: Obj) => c.id === item.root_component_id);
    const base = { custpart: '', due_date: due, ship_date: shipDate, wip_date: '' };
    lines.push({
      prcpart: partNumber(root), // a second call: a different random number than the BOM's (defect 9)
      ...base,
      resale: String(item.unit_price),
      cost: '0',
      qty: item.quantity,
      revision: root.revision ?? '',
      description: '',
      comments: item.public_notes ?? '',
      sourcing_comments: `${item.private_notes ?? ''}<br>Part viewer URL: <a href="https://app.paperlessparts.com/parts/viewer/x">View Drawing</a>`,
      external_key: `line_${lines.length}`,
      transcode: config.transcode,
    });
    for (const addOn of item.ordered_add_ons ?? []) {
      lines.push({
        prcpart: `ZZZ ${partNumber(root)}`,
        ...base,
        resale: Number(addOn.price),
        cost: 0,
        qty: 1,
        revision: '',
        description: addOn.name,
        comments: addOn.notes ?? null,
        sourcing_comments: '',
        external_key: `line_${lines.length}`,
        transcode: 'NN',
      });
    }
  }
  const importBody = [
    {
      location: 'MN',
      ...address('shipto', ship),
      ...address('billto', bill),
      external_key: `${order.number}${1 + Math.floor(random() * 1000)}`,
      internal_comments: `Order Number: <a href="https://app.paperlessparts.com/orders/edit/${order.number}">${order.number}</a><br><br>${String(order.private_notes ?? '').replace(/\n/g, '<br>')}`,
      commission_note: sales ? `Salesperson: ${sales.first_name} ${sales.last_name} (${sales.email})` : 'Salesperson not assigned',
      ship_via: shipVia,
      shipping_instructions: '',
      customer_taxtype: '1',
      tax_collected: String(pay.tax_cost ?? '0.00'),
      place_order: config.placeOrder,
      internal_customer_id: config.internalCustomerId,
      internal_vendor_id: config.internalVendorId,
      ...(order.customer?.company?.erp_code ? { customer_custnum: order.customer.company.erp_code } : {}),
      customer_name: order.customer?.company?.business_name ?? 'NO CUSTOMER ASSIGNED',
      ...payment,
      lines,
    },
  ];
  return { boms, importBody };
}
