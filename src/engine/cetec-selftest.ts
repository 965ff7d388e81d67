/**
 * The Cetec self-test (`shopwire cetec selftest`, src/cli/cetec.ts): establishes, by watching the tenant, the two behaviours the engine would
 * otherwise have to assume (cetec.md §6.2, §10 items 1–2). Its findings are stored per profile
 * (src/engine/cetec-tenant.ts) and are the only tenant behaviour the engine uses.
 *
 * (a) Lookup, reads only: `GET /api/order?external_key=` for an order the hub created must answer
 *     a JSON array holding that order under `external_key` with its number (`ordernum` or `quote`
 *     matching what the import answered), and for a key nobody used an empty array. Anything else
 *     (404, HTML, other field names, a filter that is ignored) leaves the lookup unestablished.
 * (b) Reused key, only on a profile marked `cetec.sandbox: true`: one clearly marked test order is
 *     imported twice under the same external key; the second answer shows what a reused key does
 *     (refused, the existing numbers, or a second order) and in what words.
 */
import { randomBytes } from 'node:crypto';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';
import type { CetecImportOrder } from '../systems/cetec/schemas.ts';
import { reuseWordsPattern } from './cetec-tenant.ts';
import type { CetecLookupFact, CetecReusedKeyFact, CetecTenantFacts } from './cetec-tenant.ts';
import type { ImportAnswer } from './ports.ts';

/** An order known to exist in Cetec (the hub created it and recorded its numbers). */
export type KnownOrder = { externalKey: string; quote: number | null; order: number | null };

/** The two calls the self-test makes (the Cetec client has both). */
export type SelftestCetec = {
  /** `GET /api/order?external_key=`: the answer as it came (body null when not JSON). */
  lookupOrders(key: string): Promise<{ status: number; body: unknown; contentType: string; text: string }>;
  importOrders(orders: CetecImportOrder[]): Promise<ImportAnswer>;
};

export type SelftestOptions = {
  client: SelftestCetec;
  profile: string;
  /** Run (b): import a test order twice. Only for sandbox profiles. */
  sandbox: boolean;
  /** An order the hub created, for (a); without one (and without (b)) the lookup is not checked. */
  known: KnownOrder | null;
  /** Header values of the test order (the profile's sales-order settings). */
  testOrder: { location: string; internalCustomerId: string; internalVendorId: string; partPrefix: string };
  now?: () => number;
};

export type SelftestReport = {
  /** Facts observed in this run (null: not checked this time). */
  orderLookup: CetecLookupFact | null;
  reusedKey: CetecReusedKeyFact | null;
  /** Test orders left in the sandbox tenant, for people to delete. */
  testOrders: Array<{ externalKey: string; quotes: number[]; orders: number[] }>;
  notes: string[];
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : null);
const message = (error: unknown): string => redactText(error instanceof Error ? error.message : String(error));

export function testOrderFor(profile: string, o: SelftestOptions['testOrder'], stamp: number): CetecImportOrder {
  const marked = 'SHOPWIRE SELF-TEST ORDER: safe to delete';
  return {
    location: o.location,
    shipto_name: marked,
    shipto_address_1: '',
    shipto_address_2: '',
    shipto_address_3: '',
    shipto_address_4: '',
    shipto_city: '',
    shipto_state: '',
    shipto_zip: '',
    billto_name: marked,
    billto_address_1: '',
    billto_address_2: '',
    billto_address_3: '',
    billto_address_4: '',
    billto_city: '',
    billto_state: '',
    billto_zip: '',
    external_key: `shopwire-selftest-${profile}-${stamp}`,
    internal_comments: `${marked}. Imported twice on purpose by shopwire cetec selftest to see what a reused external_key does.`,
    commission_note: '',
    ship_via: '',
    shipping_instructions: '',
    customer_taxtype: '1',
    tax_collected: '0.00',
    place_order: true,
    internal_customer_id: o.internalCustomerId,
    internal_vendor_id: o.internalVendorId,
    customer_name: marked,
    lines: [
      {
        prcpart: `${o.partPrefix}SHOPWIRE SELFTEST`,
        custpart: '',
        resale: '0',
        cost: '0',
        qty: 1,
        revision: '',
        description: marked,
        comments: '',
        sourcing_comments: '',
        due_date: '',
        ship_date: '',
        wip_date: '',
        external_key: 'line_0',
        transcode: 'NN',
      },
    ],
  };
}

/** (b): what a reused key does, seen on a sandbox tenant. */
async function reusedKeyCheck(o: SelftestOptions, at: number, report: SelftestReport): Promise<KnownOrder | null> {
  const order = testOrderFor(o.profile, o.testOrder, at);
  const key = order.external_key;
  const fact = (behaviour: CetecReusedKeyFact['behaviour'], detail: string, words: string | null = null): void => {
    report.reusedKey = { behaviour, at, words, detail };
  };
  let first;
  try {
    first = await o.client.importOrders([order]);
  } catch (error) {
    fact('unknown', `the test order ${key} could not be imported: ${message(error)}; check Cetec for it and delete it`);
    return null;
  }
  report.testOrders.push({ externalKey: key, quotes: first.quotes, orders: first.orders });
  const known: KnownOrder = { externalKey: key, quote: first.quotes[0] ?? null, order: first.orders[0] ?? null };
  try {
    const second = await o.client.importOrders([order]);
    const same = second.quotes.join(',') === first.quotes.join(',') && second.orders.join(',') === first.orders.join(',');
    if (same && first.quotes.length > 0) {
      fact('return-existing', `importing ${key} again answered success with the same numbers (quote ${first.quotes.join(',')}, order ${first.orders.join(',') || '-'})`);
    } else if (second.quotes.length > 0 && !same) {
      report.testOrders.push({ externalKey: key, quotes: second.quotes, orders: second.orders });
      fact('allow', `importing ${key} again created a second quote/order (quote ${second.quotes.join(',')}, order ${second.orders.join(',') || '-'}): a reused key is not refused`);
    } else {
      fact('unknown', `importing ${key} again answered success without numbers; what it did is unclear: check Cetec for orders with that key`);
    }
  } catch (error) {
    const said = error instanceof ShopwireError && typeof error.details?.cetecMessage === 'string' ? error.details.cetecMessage : '';
    const code = error instanceof ShopwireError ? error.code : '';
    if ((code === 'cetec.duplicate_external_key' || code === 'cetec.rejected') && said !== '') {
      const words = reuseWordsPattern(said, key);
      fact(
        'reject',
        `importing ${key} again was refused: "${said}"${words === null ? ' (the words do not name the key, so a refusal is not taken as proof that an order exists)' : ''}`,
        words,
      );
    } else {
      fact('unknown', `importing ${key} again failed without a clear answer: ${message(error)}; check Cetec for orders with that key`);
    }
  }
  return known;
}

/** (a): does the lookup find `known` by its key, and nothing for an unused key? Reads only. */
async function lookupCheck(o: SelftestOptions, known: KnownOrder, at: number): Promise<CetecLookupFact> {
  const fact = (established: boolean, detail: string): CetecLookupFact => ({ established, at, detail });
  let answer;
  try {
    answer = await o.client.lookupOrders(known.externalKey);
  } catch (error) {
    return fact(false, `GET /api/order?external_key=${known.externalKey} failed: ${message(error)}`);
  }
  if (!Array.isArray(answer.body)) {
    const what = answer.body === null ? `not JSON (${answer.contentType || 'no content type'}: ${JSON.stringify(answer.text.slice(0, 80))})` : `JSON but not an array`;
    return fact(false, `GET /api/order?external_key= answered HTTP ${answer.status}, ${what}`);
  }
  const rows = answer.body.filter(isObj);
  const mine = rows.filter((r) => r.external_key === known.externalKey);
  const others = rows.filter((r) => r.external_key !== known.externalKey);
  if (mine.length === 0) {
    const fields = rows[0] === undefined ? 'an empty array' : `rows with fields ${Object.keys(rows[0]).slice(0, 12).join(', ')}`;
    return fact(false, `the lookup for ${known.externalKey} (an order that exists) answered ${fields}, none with that external_key`);
  }
  if (others.length > 0) return fact(false, `the lookup for ${known.externalKey} also answered ${others.length} other row(s): the filter is ignored or partial`);
  const row = mine[0]!;
  const numbersMatch = (known.order !== null && num(row.ordernum) === known.order) || (known.order === null && known.quote !== null && num(row.quote) === known.quote);
  if (!numbersMatch) {
    return fact(false, `the lookup found ${known.externalKey} but not with its numbers under ordernum/quote (fields ${Object.keys(row).slice(0, 12).join(', ')})`);
  }
  const unused = `shopwire-selftest-unused-${randomBytes(6).toString('hex')}`;
  let empty;
  try {
    empty = await o.client.lookupOrders(unused);
  } catch (error) {
    return fact(false, `the lookup for an unused key failed: ${message(error)}`);
  }
  if (!Array.isArray(empty.body) || empty.body.length > 0) {
    return fact(false, `the lookup for an unused key answered ${Array.isArray(empty.body) ? `${empty.body.length} row(s)` : 'something other than an array'}: absence cannot be proven`);
  }
  return fact(true, `found ${known.externalKey} (order ${known.order ?? '-'}, quote ${known.quote ?? '-'}) by its key, and nothing for an unused key`);
}

export async function runCetecSelftest(o: SelftestOptions): Promise<SelftestReport> {
  const now = o.now ?? Date.now;
  const report: SelftestReport = { orderLookup: null, reusedKey: null, testOrders: [], notes: [] };
  let known = o.known;
  if (o.sandbox) {
    const test = await reusedKeyCheck(o, now(), report);
    known = known ?? test;
  } else {
    report.notes.push('not a sandbox profile (cetec.sandbox is not true): no test order imported; what a reused external key does stays as last established');
  }
  if (known === null) {
    report.notes.push('no order created by the hub is known yet (and no test order): the lookup was not checked');
  } else {
    report.orderLookup = await lookupCheck(o, known, now());
  }
  return report;
}

/** The stored facts after a self-test: what this run checked replaces what was there; the rest stays. */
export function mergeFacts(previous: CetecTenantFacts, report: SelftestReport): CetecTenantFacts {
  return {
    orderLookup: report.orderLookup ?? previous.orderLookup,
    reusedKey: report.reusedKey ?? previous.reusedKey,
  };
}
