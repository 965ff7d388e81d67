/**
 * Realistic jobs for the server tests: plans made by the real translators from the repository's
 * fixtures (the Paperless Parts order 179, CableBuilder design CABLE_A), transfers shaped like the
 * Cetec client's records, and two canaries that must never reach a page or an API answer:
 * - REGISTERED_CANARY is registered as a secret (as the config loader registers every token) and
 *   sits in free text (an error message, a URL);
 * - KEYED_CANARY is not registered; it sits under secret-looking keys and after `Bearer`, where
 *   key- and pattern-based redaction must catch it.
 */
import { readFileSync } from 'node:fs';
import { registerSecret } from '../../src/lib/redact.ts';
import { designSchema } from '../../src/systems/cablebuilder/schemas.ts';
import { designTranslationOptionsSchema } from '../../src/translate/design-to-cetec/options.ts';
import { toDesignPlan } from '../../src/translate/design-to-cetec/plan.ts';
import { orderTranslationOptionsSchema } from '../../src/translate/order-to-cetec/options.ts';
import type { CetecBomNode } from '../../src/systems/cetec/schemas.ts';
import type { Plan } from '../../src/translate/plan.ts';
import type { TransferView } from '../../src/server/ports.ts';
import type { MemoryJob, MemoryPort } from './memory-port.ts';

export const REGISTERED_CANARY = 'CANARY-registered-7f3a9c1e5b';
export const KEYED_CANARY = 'CANARYkeyed9d2e4f6a8b';
registerSecret(REGISTERED_CANARY);

const root = new URL('../../', import.meta.url);
export const ORDER_FIXTURE_PATH = new URL('fixtures/paperless/order.json', root);
export const orderFixture = (): Record<string, unknown> => JSON.parse(readFileSync(ORDER_FIXTURE_PATH, 'utf8'));
export const designFixture = (): unknown => JSON.parse(readFileSync(new URL('test/fixtures/cablebuilder/send-design-cable-a.json', root), 'utf8'));
export const designTranslationFixture = (): unknown => JSON.parse(readFileSync(new URL('test/fixtures/cablebuilder/translation-options.json', root), 'utf8'));

type OrderTranslator = (order: unknown, options: unknown, context: { profile: string }) => Plan;

/** The real order translator, once src/translate/order-to-cetec/plan.ts exists; null before. */
export async function loadOrderTranslator(): Promise<OrderTranslator | null> {
  const path = new URL('src/translate/order-to-cetec/plan.ts', root).href;
  try {
    const mod = (await import(path)) as { toOrderPlan?: OrderTranslator };
    return mod.toOrderPlan ?? null;
  } catch {
    return null;
  }
}

/** The order's plan: the real translator when present, else a small stand-in of the same shape. */
export async function orderPlan(order: Record<string, unknown>, profile = 'prod'): Promise<Plan> {
  const translate = await loadOrderTranslator();
  if (translate) return translate(order, orderTranslationOptionsSchema.parse({}), { profile });
  return standInOrderPlan(order);
}

export function designPlan(): Plan {
  const options = designTranslationOptionsSchema.parse(designTranslationFixture());
  return toDesignPlan([designSchema.parse(designFixture())], options);
}

type Component = { id: number; part_number: string | null; part_name: string; part_uuid: string; is_root_component: boolean; children?: { child_id: number; quantity: number }[]; process?: { name?: string } | null };

function standInOrderPlan(order: Record<string, unknown>): Plan {
  const items = order.order_items as { id: number; quantity: number; unit_price: string; components: Component[]; root_component_id: number }[];
  const partOf = (c: Component): string => (c.part_number ?? `PP-${c.part_uuid.replace(/-/g, '').slice(0, 12)}`).toUpperCase();
  const steps: Plan['steps'] = [];
  for (const item of items) {
    const byId = new Map(item.components.map((c) => [c.id, c]));
    const node = (c: Component, qty?: number): CetecBomNode => ({
      prcpart: partOf(c),
      revision_text: '',
      ...(qty === undefined ? {} : { qty_per_top: qty }),
      ...(c.children && c.children.length > 0 ? { bom_definition: c.children.map((ch) => node(byId.get(ch.child_id)!, ch.quantity)) } : {}),
      ...(c.process?.name ? { locations: [{ location_external_key: 'cnc_milling', build_order: 1, operations: [] }] } : {}),
    });
    steps.push({ kind: 'partrevisiondefinition', body: node(byId.get(item.root_component_id)!) });
  }
  steps.push({
    kind: 'importjson',
    body: [
      {
        location: 'MN', shipto_name: 'Outside Firm', shipto_address_1: '1 FISKE TER', shipto_address_2: '', shipto_address_3: '', shipto_address_4: '',
        shipto_city: 'BOSTON', shipto_state: 'MA', shipto_zip: '02134-4503', billto_name: 'Outside Firm', billto_address_1: '1 FISKE TER', billto_address_2: '',
        billto_address_3: '', billto_address_4: '', billto_city: 'BOSTON', billto_state: 'MA', billto_zip: '02134-4503', external_key: `prod-${String(order.number)}`,
        internal_comments: '', commission_note: '', ship_via: 'ups_early_am_overnight', shipping_instructions: '', customer_taxtype: '', tax_collected: '0.00',
        place_order: true, internal_customer_id: '1', internal_vendor_id: '1', customer_name: 'Outside Firm',
        lines: items.map((item, i) => ({
          prcpart: partOf(item.components.find((c) => c.id === item.root_component_id)!), custpart: '', resale: item.unit_price, cost: '0', qty: item.quantity,
          revision: '', description: '', comments: '', sourcing_comments: '', due_date: '2020-12-28', ship_date: '2020-12-28', wip_date: '2020-12-28',
          external_key: `prod-${String(order.number)}-${i + 1}`, transcode: 'SA',
        })),
      },
    ],
  });
  return { steps, warnings: [{ code: 'stand-in', message: 'plan made by the test stand-in: the order translator is not present yet' }] };
}

/** Transfers as the Cetec client records them, one per plan step (importjson last). */
export function transfersFor(plan: Plan, startedAt: number, fail: boolean): TransferView[] {
  return plan.steps.map((step, i) => {
    const last = i === plan.steps.length - 1;
    const failed = fail && last;
    return {
      id: `t${i + 1}`,
      step: i,
      system: 'cetec',
      endpoint: step.kind,
      method: 'POST',
      url: step.kind === 'importjson' ? `http://127.0.0.1:4010/importjson/quotes?preshared_token=${KEYED_CANARY}` : `http://127.0.0.1:4010/api/partrevisiondefinition/${REGISTERED_CANARY}`,
      attempt: failed ? 2 : 1,
      requestBody: step.kind === 'importjson' ? { preshared_token: KEYED_CANARY, import_source_name: 'PAPERLESS', orders: step.body } : { ...step.body, preshared_token: KEYED_CANARY },
      responseBody: failed ? `<html>502 Bad Gateway Bearer ${KEYED_CANARY}</html>` : step.kind === 'importjson' ? { quotes: [5001], orders: [7001], message: 'ok', success: 1 } : { success: true },
      status: failed ? 502 : 200,
      durationMs: 120 + i * 15,
      outcome: failed ? 'unknown' : 'ok',
      ...(failed ? { error: `cetec importjson (POST http://127.0.0.1:4010/importjson/quotes): HTTP 502 token ${REGISTERED_CANARY}` } : {}),
      startedAt: new Date(startedAt + i * 1000).toISOString(),
      run: 1,
      execution: 1,
    };
  });
}

const HOUR = 3_600_000;

/**
 * Fills a port with: order 179 done; order 180 needs attention (lost sales-order answer);
 * order 181 retrying; design CABLE_A done; and 12 more done orders spread over the last 7 days.
 */
export async function seedPort(port: MemoryPort, now: number): Promise<{ done: string; failed: string; retrying: string; design: string }> {
  const at = (ms: number): string => new Date(ms).toISOString();
  const order = orderFixture();
  const base = async (id: string, number: number, state: MemoryJob['state'], ageMs: number, fail: boolean): Promise<MemoryJob> => {
    const source = { ...order, number };
    const plan = await orderPlan(source);
    return {
      id, flow: 'order-export', profile: 'prod', key: String(number), state, attempts: fail ? 3 : 0,
      createdAt: at(now - ageMs), updatedAt: at(now - ageMs + 60_000), nextAttemptAt: null, lastError: null,
      source, plan, warnings: plan.warnings, result: state === 'done' ? { quotes: [5001], orders: [7001] } : null,
      checkpoints: [], transfers: transfersFor(plan, now - ageMs, fail), finishedAt: state === 'done' || state === 'needs-attention' ? at(now - ageMs + 60_000) : null,
    };
  };
  port.add(await base('j-179', 179, 'done', 2 * HOUR, false));
  port.add({
    ...(await base('j-180', 180, 'needs-attention', 5 * HOUR, true)),
    lastError: { code: 'http.server_error', kind: 'ambiguous', message: `cetec importjson: HTTP 502 (token ${REGISTERED_CANARY})`, where: 'order 180 › sales order' },
  });
  port.add({
    ...(await base('j-181', 181, 'retrying', 30 * 60_000, false)),
    transfers: [],
    attempts: 1,
    nextAttemptAt: at(now + 10 * 60_000),
    lastError: { code: 'http.connect_failed', kind: 'transient', message: 'cetec partrevisiondefinition: could not connect (ECONNREFUSED)' },
  });
  const dPlan = designPlan();
  port.add({
    id: 'j-cable-a', flow: 'design-import', profile: 'prod', key: 'CABLE_A/0', state: 'done', attempts: 0,
    createdAt: at(now - 3 * HOUR), updatedAt: at(now - 3 * HOUR + 30_000), nextAttemptAt: null, lastError: null,
    source: designFixture(), plan: dPlan, warnings: dPlan.warnings, result: { prcpart: 'CABLE_A' }, checkpoints: [],
    transfers: transfersFor(dPlan, now - 3 * HOUR, false), finishedAt: at(now - 3 * HOUR + 30_000),
  });
  for (let i = 0; i < 12; i++) {
    const age = (i + 1) * 13 * HOUR;
    const job = await base(`j-${100 + i}`, 100 + i, 'done', age, false);
    port.add({ ...job, transfers: [] });
  }
  port.setProfile({ profile: 'prod', paused: false, lastPollAt: at(now - 2 * 60_000), lastHeartbeatAt: at(now - 60_000), lastSuccessAt: at(now - 2 * HOUR + 60_000) });
  port.setUnmapped('prod', [{ kind: 'operation', value: 'Chem Film', count: 2, jobIds: ['j-180'] }]);
  return { done: 'j-179', failed: 'j-180', retrying: 'j-181', design: 'j-cable-a' };
}
