/**
 * `POST /importjson/quotes` (cetec.md §4.3, §9 items 19–27): one quote per order object and, when
 * `place_order` is truthy, one sales order. Orders in one request are independent (§9 item 20):
 * each is validated and applied on its own; the answer lists the numbers of those that succeeded.
 */
import type { CetecBehaviours } from './behaviours.ts';
import { ensurePart, ensureRevision, normalisePart } from './state.ts';
import type { CetecState, Customer, OrderLine } from './state.ts';

export type ImportAnswer = { quotes: number[]; orders: number[]; message: string; success: 0 | 1 };
export type ImportOutcome = { status: number; body: ImportAnswer; warnings: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const numeric = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const DATE = /^(\d{4}-\d{2}-\d{2})?$/;
const TRANSCODES = new Set(['SA', 'SN', 'NN']);

/** §9 item 21: `true`, `"true"`, `1`, `"1"` place the order. */
export function truthyFlag(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}

function resolveCustomer(state: CetecState, order: Obj): Customer | null {
  const id = numeric(order.customer_id);
  if (id !== null) {
    const byId = state.customers.find((c) => c.id === id);
    if (byId) return byId;
  }
  const custnum = str(order.customer_custnum);
  if (custnum !== '') {
    const byNum = state.customers.find((c) => c.custnum === custnum);
    if (byNum) return byNum;
  }
  const name = str(order.customer_name);
  if (name !== '') return state.customers.find((c) => c.name === name) ?? null;
  return null;
}

type Checked = { customer: Customer; placeholder: boolean; lines: Array<{ line: Obj; prcpart: string; qty: number; revision: string }> };

/** Returns the reason an order is refused, or the facts needed to apply it. */
function check(state: CetecState, order: unknown, b: CetecBehaviours, warnings: string[]): string | Checked {
  if (!isObj(order)) return 'order: expected an object';
  const externalKey = str(order.external_key);
  if (externalKey === '') return 'external_key: required';
  if (!state.seed.locations.includes(str(order.location))) return `location: unknown location ${JSON.stringify(order.location)}`;
  if (!Array.isArray(order.lines) || order.lines.length === 0) return 'lines: at least one line required';
  const shipVia = order.ship_via;
  if (shipVia !== undefined && shipVia !== null && shipVia !== '') {
    const ok = state.seed.shipCodes.some((s) => s.external_key === shipVia || (numeric(shipVia) !== null && s.id === numeric(shipVia)));
    if (!ok) {
      if (b.rejectUnknownCodes) return `ship_via: unknown ship code ${JSON.stringify(shipVia)}`;
      warnings.push(`order ${externalKey}: ship_via ${JSON.stringify(shipVia)} is not a seeded ship code (accepted: rejectUnknownCodes is off)`);
    }
  }
  const terms = order.terms_external_key;
  if (terms !== undefined && terms !== null && terms !== '' && !state.seed.terms.some((t) => t.external_key === terms)) {
    if (b.rejectUnknownCodes) return `terms_external_key: unknown terms ${JSON.stringify(terms)}`;
    warnings.push(`order ${externalKey}: terms_external_key ${JSON.stringify(terms)} is not a seeded 9TERMS key (accepted: rejectUnknownCodes is off)`);
  }
  let customer = resolveCustomer(state, order);
  let placeholder = false;
  if (customer === null) {
    if (b.requireCustomer) return `customer: cannot resolve customer (id ${str(order.customer_id) || '-'}, custnum ${str(order.customer_custnum) || '-'}, name ${JSON.stringify(str(order.customer_name))})`;
    customer = state.customers.find((c) => c.id === state.seed.placeholderCustomerId) ?? state.customers[0]!;
    placeholder = true;
    warnings.push(`order ${externalKey}: customer not resolved; placed against customer ${customer.id}`);
  }
  const lines: Checked['lines'] = [];
  for (const [i, raw] of (order.lines as unknown[]).entries()) {
    const where = `lines[${i}]`;
    if (!isObj(raw)) return `${where}: expected an object`;
    const prcpartRaw = str(raw.prcpart) || str(raw.partnum);
    if (prcpartRaw === '') return `${where}: prcpart or partnum required`;
    const qty = numeric(raw.qty);
    if (qty === null || qty <= 0) return `${where}.qty: expected a positive number, got ${JSON.stringify(raw.qty)}`;
    const transcode = str(raw.transcode);
    if (!TRANSCODES.has(transcode)) return `${where}.transcode: expected SA, SN or NN, got ${JSON.stringify(raw.transcode)}`;
    for (const key of ['due_date', 'ship_date', 'wip_date']) {
      if (raw[key] !== undefined && !DATE.test(str(raw[key]))) return `${where}.${key}: expected YYYY-MM-DD or "", got ${JSON.stringify(raw[key])}`;
    }
    const prcpart = normalisePart(prcpartRaw);
    const part = state.parts.get(prcpart);
    if (part === undefined && !b.autoCreateLineParts) return `${where}: part not found: ${prcpart}`;
    const wanted = str(raw.revision);
    const revision = wanted !== '' ? wanted : (part?.current_revision ?? '');
    if (transcode === 'SA' && b.buildLineNeedsDefinition !== 'off') {
      const rev = part?.revisions.get(revision);
      if (rev === undefined || (rev.bom.length === 0 && rev.labor.length === 0)) {
        const message = `${where}: build line for ${prcpart} revision ${JSON.stringify(revision)} has no BOM or labor plan`;
        if (b.buildLineNeedsDefinition === 'reject') return message;
        warnings.push(`order ${externalKey}: ${message}`);
      }
    }
    lines.push({ line: raw, prcpart, qty, revision });
  }
  return { customer, placeholder, lines };
}

function applyOrder(state: CetecState, order: Obj, facts: Checked, importSource: string | null, b: CetecBehaviours): { quote: number; order: number | null } {
  const quotenum = state.nextQuote++;
  const placeOrder = truthyFlag(order.place_order);
  const ordernum = placeOrder ? state.nextOrder++ : null;
  const location = str(order.location);
  const lines: OrderLine[] = facts.lines.map((l, i) => {
    const part = ensurePart(state, l.prcpart, str(l.line.description));
    ensureRevision(part, l.revision, b.firstRevisionBecomesCurrent);
    return {
      line: i + 1,
      display: ordernum === null ? '' : `${location}${ordernum}.${i + 1}`,
      prcpart: l.prcpart,
      revision: l.revision,
      qty: l.qty,
      transcode: str(l.line.transcode),
      resale: str(l.line.resale),
      cost: str(l.line.cost),
      external_key: str(l.line.external_key) || null,
      description: str(l.line.description),
      due_date: str(l.line.due_date),
      ship_date: str(l.line.ship_date),
    };
  });
  const { lines: _lines, ...header } = order;
  state.clock += 1;
  state.quotes.push({
    quotenum,
    external_key: str(order.external_key),
    location,
    import_source_name: importSource,
    customer_id: facts.customer.id,
    header,
    lines,
    ordernum,
    created_seq: state.clock,
  });
  if (ordernum !== null) {
    state.orders.push({ ordernum, quote: quotenum, external_key: str(order.external_key), location, customer_id: facts.customer.id, lines: structuredClone(lines) });
  }
  return { quote: quotenum, order: ordernum };
}

export function importQuotes(state: CetecState, body: unknown, importSource: string | null, b: CetecBehaviours): ImportOutcome {
  const warnings: string[] = [];
  const orders: unknown[] = Array.isArray(body) ? body : [body];
  const answer: ImportAnswer = { quotes: [], orders: [], message: '', success: 1 };
  const failures: string[] = [];
  if (orders.length === 0) failures.push('no orders in the body');
  for (const [i, order] of orders.entries()) {
    const label = orders.length > 1 ? `order ${i}: ` : '';
    const externalKey = isObj(order) ? str(order.external_key) : '';
    const earlier = externalKey === '' ? undefined : state.quotes.find((q) => q.external_key === externalKey);
    if (earlier !== undefined && b.duplicateExternalKey === 'reject') {
      failures.push(`${label}${b.duplicateKeyWords.replaceAll('{key}', externalKey).replaceAll('{quote}', String(earlier.quotenum))}`);
      continue;
    }
    if (earlier !== undefined && b.duplicateExternalKey === 'return-existing') {
      answer.quotes.push(earlier.quotenum);
      if (earlier.ordernum !== null) answer.orders.push(earlier.ordernum);
      warnings.push(`external_key ${externalKey} reused: returned quote ${earlier.quotenum}, nothing created`);
      continue;
    }
    if (earlier !== undefined) warnings.push(`external_key ${externalKey} reused: a second quote is created (duplicateExternalKey=allow)`);
    const checked = check(state, order, b, warnings);
    if (typeof checked === 'string') {
      failures.push(`${label}${checked}`);
      continue;
    }
    const made = applyOrder(state, order as Obj, checked, importSource, b);
    answer.quotes.push(made.quote);
    if (made.order !== null) answer.orders.push(made.order);
  }
  if (failures.length > 0) {
    answer.success = 0;
    answer.message = failures.join('; ');
  }
  return { status: 200, body: answer, warnings };
}
