/**
 * A few facts of a source document (Paperless Parts order, CableBuilder design) for the top of a
 * job page. Reads the raw JSON defensively: the page must render whatever the store kept.
 */
import type { Flow } from '../ports.ts';

export type SourceSummary = {
  title: string;
  facts: [label: string, value: string][];
  items: { label: string; quantity: string; detail: string }[];
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? '' : String(v));

export function summarizeSource(flow: Flow, source: unknown): SourceSummary | null {
  if (source === null || source === undefined || typeof source !== 'object') return null;
  return flow === 'order-export' ? summarizeOrder(obj(source)) : summarizeDesign(source);
}

function summarizeOrder(order: Obj): SourceSummary {
  const customer = obj(order.customer);
  const company = obj(customer.company);
  const payment = obj(order.payment_details);
  const shipping = obj(order.shipping_option);
  const facts: [string, string][] = [
    ['Customer', str(company.business_name) || [str(customer.first_name), str(customer.last_name)].join(' ').trim()],
    ['ERP code', str(company.erp_code)],
    ['Purchase order', str(payment.purchase_order_number)],
    ['Payment', str(payment.payment_terms) || str(payment.payment_type)],
    ['Ship method', str(shipping.shipping_method)],
    ['Ships on', str(order.ships_on)],
    ['Deliver by', str(order.deliver_by)],
    ['Total', str(payment.total_price)],
    ['Status', str(order.status)],
  ];
  const items = arr(order.order_items).map((raw) => {
    const item = obj(raw);
    const rootId = item.root_component_id;
    const root = obj(arr(item.components).find((c) => obj(c).id === rootId) ?? arr(item.components)[0]);
    const label = str(root.part_number) || str(root.part_name) || `item ${str(item.id)}`;
    return { label, quantity: str(item.quantity), detail: [str(obj(root.process).name), item.unit_price ? `unit ${str(item.unit_price)}` : ''].filter(Boolean).join(' · ') };
  });
  return { title: `Order ${str(order.number)}`, facts: facts.filter(([, v]) => v !== ''), items };
}

function summarizeDesign(source: unknown): SourceSummary {
  const designs = Array.isArray(source) ? source.map(obj) : [obj(source)];
  const first = obj(designs[0]?.detail);
  const facts: [string, string][] = [
    ['Design', str(first.design)],
    ['Alternative', str(first.designAlternative)],
    ['Version', str(first.version)],
    ['Plant', str(obj(designs[0]?.plant).plant)],
    ['Approved', str(first.approved)],
  ];
  const items = designs.slice(1).map((d) => {
    const detail = obj(d.detail);
    return { label: `${str(detail.design)}/${str(detail.designAlternative)}`, quantity: '', detail: `level ${str(detail.level)}` };
  });
  return { title: `Design ${str(first.design)}`, facts: facts.filter(([, v]) => v !== ''), items };
}
