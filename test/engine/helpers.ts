/**
 * Shared pieces of the engine tests: a fresh SQLite store on a movable clock, a small plan, and a
 * slow recording Cetec with the workers of the lease tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNESTABLISHED } from '../../src/engine/cetec-tenant.ts';
import { createPayloadPlanHandler } from '../../src/engine/order-export.ts';
import type { CetecPort } from '../../src/engine/ports.ts';
import { createWorker, type Worker } from '../../src/engine/worker.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import type { Store } from '../../src/store/store.ts';
import type { CetecBomNode, CetecImportOrder } from '../../src/systems/cetec/schemas.ts';
import type { Plan } from '../../src/translate/plan.ts';

export type TestClock = { now: number; read: () => number; advance(ms: number): void };

export function testClock(): TestClock {
  const c: TestClock = {
    now: Date.parse('2026-02-01T08:00:00Z'),
    read: () => c.now,
    advance(ms) {
      c.now += ms;
    },
  };
  return c;
}

/** A store on a temporary file; `reopen` gives another connection, as a restarted process would have. */
export async function tempStore(clock: TestClock): Promise<{ store: Store; reopen: () => Promise<Store>; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'shopwire-engine-'));
  const path = join(dir, 'shopwire.db');
  const opened: Store[] = [];
  const open = async () => {
    const s = openSqliteStore({ path, clock: clock.read });
    await s.migrate();
    opened.push(s);
    return s;
  };
  const store = await open();
  return {
    store,
    reopen: open,
    cleanup: async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const bom = (prcpart: string): CetecBomNode => ({
  prcpart,
  revision_text: 'A',
  bom_definition: [{ prcpart: 'RAW 6061', revision_text: '', qty_per_top: 1.5, component: 1 }],
  locations: [
    {
      location_external_key: 'cnc_milling',
      build_order: 1,
      operations: [{ operation_external_key: 'generic_1_sec_operation', repetitions: 90, setup: false, place_in_line: 1, instructions: [] }],
    },
  ],
});

export const importOrder = (key: string, prcpart: string): CetecImportOrder => ({
  location: 'MN',
  shipto_name: 'Wile', shipto_address_1: '1 Desert Rd', shipto_address_2: '', shipto_address_3: '', shipto_address_4: '',
  shipto_city: 'Tucson', shipto_state: 'AZ', shipto_zip: '85701',
  billto_name: 'Acme', billto_address_1: '1 Desert Rd', billto_address_2: '', billto_address_3: '', billto_address_4: '',
  billto_city: 'Tucson', billto_state: 'AZ', billto_zip: '85701',
  external_key: key,
  internal_comments: '', commission_note: '', ship_via: 'ups_ground', shipping_instructions: '', customer_taxtype: '1', tax_collected: '0.00',
  place_order: true, internal_customer_id: '1', internal_vendor_id: '1', customer_name: 'Acme Manufacturing',
  lines: [
    { prcpart, custpart: '', resale: '12.50', cost: '0', qty: 10, revision: 'A', description: '', comments: '', sourcing_comments: '',
      due_date: '2026-03-01', ship_date: '', wip_date: '', external_key: 'line_0', transcode: 'SA' },
  ],
});

/** The plan of a one-item order: define the part's BOM, then import the sales order. */
export function orderPlan(orderNumber: string, prcpart = `PRT ORDER-${orderNumber}`): Plan {
  return {
    steps: [
      { kind: 'partrevisiondefinition', body: bom(prcpart) },
      { kind: 'importjson', body: [importOrder(`prod-${orderNumber}`, prcpart)] },
    ],
    warnings: [],
  };
}

/**
 * A Cetec whose BOM definition takes `bomMs` (or, per worker, what `bomMs(worker)` says); records
 * what it was sent, and by whom: `boms` as `worker:prcpart`, `imports` as `worker:external_key`,
 * and both in the order they happened in `calls` (`worker:bom:prcpart`, `worker:import:external_key`).
 */
export function slowCetec(bomMs: number | ((worker: string) => number)) {
  const boms: string[] = [];
  const imports: string[] = [];
  const calls: string[] = [];
  const port = (worker: string): CetecPort => ({
    async defineBom(node) {
      await new Promise((r) => setTimeout(r, typeof bomMs === 'number' ? bomMs : bomMs(worker)));
      boms.push(`${worker}:${node.prcpart}`);
      calls.push(`${worker}:bom:${node.prcpart}`);
    },
    async importOrders(list) {
      for (const o of list) {
        imports.push(`${worker}:${o.external_key}`);
        calls.push(`${worker}:import:${o.external_key}`);
      }
      return { quotes: list.map((_, i) => 1000 + i), orders: list.map((_, i) => 5000 + i), success: 1 };
    },
  });
  return { boms, imports, calls, port };
}

/** A worker `id` on `store` running order exports (each order's `orderPlan`) against `port(id)`. */
export function leaseWorker(store: Store, id: string, leaseMs: number, port: (worker: string) => CetecPort): Worker {
  return createWorker({
    store,
    workerId: id,
    leaseMs,
    idleMs: 50,
    handlers: {
      'order-export': createPayloadPlanHandler({ cetec: () => port(id), translate: (_p, job) => orderPlan(job.key), tenant: async () => UNESTABLISHED }),
    },
  });
}
