/**
 * The order-export flow: a job keyed by a Paperless Parts order number. Preparing it fetches the
 * order (always fresh, reference §7.2: orders change after creation) and translates it with the
 * profile's options into a plan. Translation is passed in, so the engine imports no translator.
 */
import { ShopwireError } from '../lib/errors.ts';
import { JobSkippedError } from './classify.ts';
import type { JobRecord } from '../store/store.ts';
import type { Plan } from '../translate/plan.ts';
import type { FlowHandler, JobContext, StateChangeContext } from './flow-handler.ts';
import type { CetecTenantBehaviour } from './cetec-tenant.ts';
import type { CetecPort, PaperlessPort } from './ports.ts';
import type { RetryPolicy } from './retry-policy.ts';

export type OrderExportHandlerOptions = {
  paperless: (profile: string) => PaperlessPort;
  cetec: (profile: string) => CetecPort;
  /** Pure: the order as fetched → plan; throws a ShopwireError of kind `data` naming what is wrong. */
  translate: (order: unknown, profile: string) => Plan;
  /** What is established about the profile's Cetec tenant (the store's tenant facts). */
  tenant: (profile: string) => Promise<CetecTenantBehaviour>;
  retryPolicy?: (profile: string) => RetryPolicy;
  onStateChange?: (job: JobRecord, ctx?: StateChangeContext) => Promise<void>;
  /** Order statuses the profile exports (`discovery.exportStatuses`); absent: every status. */
  exportStatuses?: (profile: string) => readonly string[];
};

export const ORDER_NOT_EXPORTABLE = 'paperless.order_not_exportable';

/** The order's `status` as sent (any value), or null when it has none. */
export function orderStatusOf(order: unknown): string | null {
  const status = order !== null && typeof order === 'object' ? (order as { status?: unknown }).status : undefined;
  return typeof status === 'string' && status.trim() !== '' ? status.trim() : null;
}

/** Throws JobSkippedError when the order's status is not one the profile exports. */
export function assertExportable(number: number, order: unknown, statuses: readonly string[]): void {
  const status = orderStatusOf(order);
  if (status !== null && statuses.includes(status)) return;
  const what = status === null ? 'has no status' : `is ${JSON.stringify(status)}`;
  throw new JobSkippedError(
    `order ${number} ${what} in Paperless Parts; shopwire exports orders in status ${statuses.join(', ')} (discovery.exportStatuses). Skipped: nothing was sent to Cetec; it is exported if its status changes to one of these.`,
    { code: ORDER_NOT_EXPORTABLE, where: `order ${number} › status`, details: { status } },
  );
}

export function orderNumberOf(job: JobRecord): number {
  const n = Number(job.key);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new ShopwireError(`job ${job.id}: "${job.key}" is not a Paperless Parts order number`, {
      code: 'engine.bad_order_key',
      kind: 'data',
      where: `order ${job.key}`,
    });
  }
  return n;
}

export function createOrderExportHandler(options: OrderExportHandlerOptions): FlowHandler {
  return {
    async prepare(ctx: JobContext) {
      const number = orderNumberOf(ctx.job);
      // Recorded among the job's transfers: a run that fails here shows the call and its answer.
      const order = await options.paperless(ctx.job.profile).getOrder(number, { recorder: ctx.recorder, signal: ctx.signal });
      if (order === null) {
        throw new ShopwireError(`order ${number} does not exist in Paperless Parts`, {
          code: 'paperless.order_not_found',
          kind: 'data',
          where: `order ${number}`,
        });
      }
      const statuses = options.exportStatuses?.(ctx.job.profile);
      if (statuses !== undefined) assertExportable(number, order, statuses);
      return options.translate(order, ctx.job.profile);
    },
    cetec: options.cetec,
    tenant: options.tenant,
    ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
    ...(options.onStateChange === undefined ? {} : { onStateChange: options.onStateChange }),
  };
}

/**
 * A flow whose source document arrives with the job (a CableBuilder design sent to us): the plan
 * is a pure function of the stored payload.
 */
export function createPayloadPlanHandler(options: {
  cetec: (profile: string) => CetecPort;
  translate: (payload: unknown, job: JobRecord) => Plan;
  /** What is established about the profile's Cetec tenant (the store's tenant facts). */
  tenant: (profile: string) => Promise<CetecTenantBehaviour>;
  retryPolicy?: (profile: string) => RetryPolicy;
  onStateChange?: (job: JobRecord, ctx?: StateChangeContext) => Promise<void>;
}): FlowHandler {
  return {
    async prepare(ctx) {
      return options.translate(ctx.job.payload, ctx.job);
    },
    cetec: options.cetec,
    tenant: options.tenant,
    ...(options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy }),
    ...(options.onStateChange === undefined ? {} : { onStateChange: options.onStateChange }),
  };
}
