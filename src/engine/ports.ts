/**
 * What the engine asks of the outside systems, as narrow interfaces. The composition root passes
 * the real clients (src/systems/*) in; tests pass emulator-backed clients or small in-process
 * implementations. The engine never imports a client.
 */
import type { TransferRecorder } from '../lib/transfer.ts';
import type { CetecBomNode, CetecImportOrder, CetecPartUpdate, CetecRevisionUpdate } from '../systems/cetec/schemas.ts';

export type StepCallContext = { step?: number; recorder?: TransferRecorder; signal?: AbortSignal };

/** Cetec's answer to a sales order import. */
export type ImportAnswer = { quotes: number[]; orders: number[]; message?: string; success?: 0 | 1 };

export type CetecOrderFound = { quote: number | null; order: number | null; location?: string };

export interface CetecPort {
  /** Replaces the BOM and routing of `node.prcpart` (idempotent). */
  defineBom(node: CetecBomNode, ctx?: StepCallContext): Promise<void>;
  /**
   * Imports sales orders (not idempotent). Throws ShopwireErrors: kind `ambiguous` when it may
   * have taken effect, code `cetec.duplicate_external_key` when the key was already used, kind
   * `data` when refused, `auth`, `transient`.
   */
  importOrders(orders: CetecImportOrder[], ctx?: StepCallContext): Promise<ImportAnswer>;
  /** Finds an order by its external key; used only once the tenant's lookup is established (cetec-tenant.ts). */
  findOrderByExternalKey?: (key: string, ctx?: StepCallContext) => Promise<CetecOrderFound | null>;
  /** Sets a part's description (`PUT /api/part`; idempotent). Needed by plans with `part` steps. */
  updatePart?: (body: CetecPartUpdate, ctx?: StepCallContext) => Promise<void | { warning?: string }>;
  /**
   * How long after an import was sent (or its answer was lost) it may still be taking effect in
   * Cetec: the call's own deadline, twice, plus a margin for a server that goes on after the client
   * gave up. A lookup that finds nothing sooner proves nothing (run-plan.ts). Default 65 s.
   */
  readonly importSettleMs?: number;
  /** Makes a revision the part's current one (older `PUT /api/partrevisiondefinition`; idempotent). Needed by plans with `current-revision` steps. */
  setCurrentRevision?: (body: CetecRevisionUpdate, ctx?: StepCallContext) => Promise<void>;
}

/**
 * What re-sending an import with an already used external key does in this Cetec tenant
 * (cetec.md §6.2): established per profile by the sandbox self-test, `unknown` until then.
 */
export type DuplicateKeyBehaviour = 'reject' | 'return-existing' | 'allow' | 'unknown';

export type PaperlessEventLike = {
  uuid: string;
  type: string;
  created: string;
  data: Record<string, unknown>;
  actionUuid: string | null;
  actionType: string | null;
  entityId: string | null;
};

/** An action as read: `status` and `entity_id` are whatever Paperless sent (`requested`, null, …). */
export type IntegrationActionLike = { uuid: string; type: string; entity_id: string | null; status: string; status_message?: string | null };

export type ActionStatusUpdate = {
  status: 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'timed_out';
  status_message?: string | null;
  current_record_count?: number | null;
};

/** For a Paperless Parts call made for a job: its transfer recorder (the call shows among the job's transfers) and the run's signal. */
export type PaperlessCallContext = { recorder?: TransferRecorder; signal?: AbortSignal };

export interface PaperlessPort {
  getOrder(number: number, ctx?: PaperlessCallContext): Promise<unknown | null>;
  newOrderNumbers(lastOrder?: number): Promise<number[]>;
  /** `invalid`: events of the page that could not be read at all (already consumed by the poll). */
  pollEvents(integrationUuid: string, types: string[]): Promise<{ results: PaperlessEventLike[]; hasMore: boolean; invalid?: unknown[] }>;
  getIntegrationAction(uuid: string): Promise<IntegrationActionLike>;
  updateIntegrationAction(uuid: string, update: ActionStatusUpdate, ctx?: PaperlessCallContext): Promise<unknown>;
  heartbeat(integrationUuid: string, intervalSeconds: number): Promise<void>;
  /** Writes the ERP's order id onto the order (`PATCH orders/public/{n}`, idempotent). */
  setOrderErpCode?(number: number, erpCode: string | null, ctx?: PaperlessCallContext): Promise<void>;
}

/**
 * The Cetec port for a profile. The lookup is always offered; the engine calls it only when the
 * tenant's lookup is established (cetec-tenant.ts), so an unproven lookup never proves anything.
 */
export function cetecPort(client: Required<CetecPort>): CetecPort {
  return {
    defineBom: (node, ctx) => client.defineBom(node, ctx),
    importOrders: (orders, ctx) => client.importOrders(orders, ctx),
    updatePart: (body, ctx) => client.updatePart(body, ctx),
    findOrderByExternalKey: (key, ctx) => client.findOrderByExternalKey(key, ctx),
    importSettleMs: client.importSettleMs,
    setCurrentRevision: (body, ctx) => client.setCurrentRevision(body, ctx),
  };
}
