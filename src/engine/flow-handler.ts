/**
 * A flow handler says how one kind of job becomes a plan and where its steps go. The worker owns
 * everything else (leases, checkpoints, classification of failures, retries, part locks).
 */
import type { Logger } from 'pino';
import type { TransferRecorder } from '../lib/transfer.ts';
import type { JobRecord } from '../store/store.ts';
import type { Plan } from '../translate/plan.ts';
import type { CetecTenantBehaviour } from './cetec-tenant.ts';
import type { CetecPort } from './ports.ts';
import type { RetryPolicy } from './retry-policy.ts';

export type JobContext = {
  job: JobRecord;
  /** Durable per-job transfer recorder: pass it to every client call. */
  recorder: TransferRecorder;
  /** Aborted when the worker stops or loses the lease. */
  signal: AbortSignal;
  logger?: Logger;
};

export type StateChangeContext = { recorder?: TransferRecorder };

export interface FlowHandler {
  /** Makes the plan for a job that has none yet (fetch the source, translate). Throws ShopwireErrors. */
  prepare(ctx: JobContext): Promise<Plan>;
  /** The Cetec port of the job's profile. */
  cetec(profile: string): CetecPort;
  /** What is established about this profile's Cetec tenant (cetec-tenant.ts); read before each run. */
  tenant(profile: string): Promise<CetecTenantBehaviour>;
  retryPolicy?(profile: string): RetryPolicy;
  /**
   * Called after every state change the worker makes (e.g. reporting to Paperless). Failures are
   * logged, never fatal. `ctx.recorder` records its calls among the run's transfers.
   */
  onStateChange?(job: JobRecord, ctx?: StateChangeContext): Promise<void>;
}
