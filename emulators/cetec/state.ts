/**
 * In-memory state of the emulated Cetec tenant, and its read-back view for tests.
 *
 * Writes are applied synchronously inside one request handler, after the whole request has been
 * validated, so they are atomic and serialised in arrival order (Node runs one handler at a time
 * between awaits, and the write paths have none): concurrent definitions of one part end with
 * the last writer's tree, as in Cetec (§6.1, §9 item 36).
 */
import type { CetecSeed, CetecSeedContact, CetecSeedCustomer } from './seed.ts';

export type BomLine = {
  line: number;
  prcpart: string;
  revision: string;
  /** Null when the caller sent null (PY's raw material without bar-stock variables). */
  qty_per_top: number | null;
  component: number | null;
  sourcing: string | null;
  pick_comments: string | null;
};

export type LaborOperation = {
  operation_external_key: string;
  repetitions: number;
  setup: boolean;
  place_in_line: number;
  instructions: string[];
};

export type LaborLocation = {
  location_external_key: string;
  build_order: number;
  lead_time: number | null;
  operations: LaborOperation[];
};

export type PartRevision = {
  revision: string;
  status: string;
  bom: BomLine[];
  labor: LaborLocation[];
};

export type Part = {
  prcpart: string;
  description: string;
  is_bom: boolean;
  current_revision: string | null;
  /** By revision label, in creation order. */
  revisions: Map<string, PartRevision>;
};

export type OrderLine = {
  line: number;
  /** `{location}{ordernum}.{line}` (§9 item 26). */
  display: string;
  prcpart: string;
  revision: string;
  qty: number;
  transcode: string;
  resale: string;
  cost: string;
  external_key: string | null;
  description: string;
  due_date: string;
  ship_date: string;
};

export type Quote = {
  quotenum: number;
  external_key: string;
  location: string;
  import_source_name: string | null;
  customer_id: number;
  /** The import's header fields as received (without lines). */
  header: Record<string, unknown>;
  lines: OrderLine[];
  ordernum: number | null;
  /** Sequence of the deterministic clock when created. */
  created_seq: number;
};

export type Order = {
  ordernum: number;
  quote: number;
  external_key: string;
  location: string;
  customer_id: number;
  lines: OrderLine[];
};

export type Customer = CetecSeedCustomer & Record<string, unknown>;
export type Contact = CetecSeedContact;
export type DocumentRecord = { object_type: string; object_id: string; name: string; bytes: number };

export type CetecState = {
  seed: CetecSeed;
  parts: Map<string, Part>;
  quotes: Quote[];
  orders: Order[];
  customers: Customer[];
  contacts: Contact[];
  documents: DocumentRecord[];
  nextQuote: number;
  nextOrder: number;
  nextCustomerId: number;
  /** Deterministic clock: advances by one per write. */
  clock: number;
};

export function normalisePart(prcpart: string): string {
  return prcpart.toUpperCase();
}

export function createState(seed: CetecSeed): CetecState {
  const parts = new Map<string, Part>();
  for (const p of seed.parts) {
    const key = normalisePart(p.prcpart);
    parts.set(key, { prcpart: key, description: p.description, is_bom: false, current_revision: null, revisions: new Map() });
  }
  return {
    seed,
    parts,
    quotes: [],
    orders: [],
    customers: seed.customers.map((c) => ({ ...c })),
    contacts: seed.contacts.map((c) => ({ ...c })),
    documents: [],
    nextQuote: seed.firstQuoteNumber,
    nextOrder: seed.firstOrderNumber,
    nextCustomerId: Math.max(0, ...seed.customers.map((c) => c.id)) + 1,
    clock: 0,
  };
}

/** Finds or creates a part (upper-cased number). */
export function ensurePart(state: CetecState, prcpart: string, description = ''): Part {
  const key = normalisePart(prcpart);
  let part = state.parts.get(key);
  if (part === undefined) {
    part = { prcpart: key, description, is_bom: false, current_revision: null, revisions: new Map() };
    state.parts.set(key, part);
  }
  return part;
}

export function ensureRevision(part: Part, label: string, firstBecomesCurrent: boolean): PartRevision {
  let revision = part.revisions.get(label);
  if (revision === undefined) {
    revision = { revision: label, status: 'Active', bom: [], labor: [] };
    part.revisions.set(label, revision);
    if (part.current_revision === null && firstBecomesCurrent) part.current_revision = label;
  }
  return revision;
}

/** Plain-JSON view of a part, as tests and `GET /api/part` see it. */
export function partView(part: Part): {
  prcpart: string;
  description: string;
  is_bom: boolean;
  current_revision: string | null;
  revisions: PartRevision[];
} {
  return {
    prcpart: part.prcpart,
    description: part.description,
    is_bom: part.is_bom,
    current_revision: part.current_revision,
    revisions: [...part.revisions.values()].map((r) => structuredClone(r)),
  };
}

/** Read-back accessors for tests (in process) and the `/__emulator/` routes. */
export type CetecStateView = {
  parts(): ReturnType<typeof partView>[];
  part(prcpart: string): ReturnType<typeof partView> | null;
  revision(prcpart: string, label?: string): PartRevision | null;
  bom(prcpart: string, label?: string): BomLine[] | null;
  labor(prcpart: string, label?: string): LaborLocation[] | null;
  quotes(): Quote[];
  orders(): Order[];
  quotesByExternalKey(key: string): Quote[];
  ordersByExternalKey(key: string): Order[];
  customers(): Customer[];
  documents(): DocumentRecord[];
};

export function stateView(get: () => CetecState): CetecStateView {
  const revisionOf = (prcpart: string, label?: string): PartRevision | null => {
    const part = get().parts.get(normalisePart(prcpart));
    if (part === undefined) return null;
    const key = label ?? part.current_revision ?? '';
    const revision = part.revisions.get(key);
    return revision === undefined ? null : structuredClone(revision);
  };
  return {
    parts: () => [...get().parts.values()].map(partView),
    part: (prcpart) => {
      const part = get().parts.get(normalisePart(prcpart));
      return part === undefined ? null : partView(part);
    },
    revision: revisionOf,
    bom: (prcpart, label) => revisionOf(prcpart, label)?.bom ?? null,
    labor: (prcpart, label) => revisionOf(prcpart, label)?.labor ?? null,
    quotes: () => structuredClone(get().quotes),
    orders: () => structuredClone(get().orders),
    quotesByExternalKey: (key) => structuredClone(get().quotes.filter((q) => q.external_key === key)),
    ordersByExternalKey: (key) => structuredClone(get().orders.filter((o) => o.external_key === key)),
    customers: () => structuredClone(get().customers),
    documents: () => structuredClone(get().documents),
  };
}
