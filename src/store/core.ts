/**
 * The store's behaviour, written once over a `SqlDb` (store/sql/statement.ts). Each dialect
 * folder supplies a driver, its claim statement and its migrations; everything else is here so
 * that both behave the same, which the contract suite in test/store checks. One file per thing
 * kept, under store/core/:
 *
 * - jobs.ts: jobs and claims (enqueue, claim, lease renewal, finish, operator actions, queries);
 * - lease.ts: the lease check every lease holder's write makes first;
 * - checkpoints.ts: a run's plan and its step checkpoints;
 * - part-locks.ts: the parts a job holds while it runs;
 * - transfers.ts: the record of every outbound call;
 * - profiles.ts: per-profile cursor, pause and health times;
 * - duties.ts: leases on once-only duties (a profile's discovery) shared by several processes;
 * - events.ts: the event inbox and the integration actions linked to jobs;
 * - tenant-facts.ts: what a self-test established about a profile's tenant;
 * - notify-state.ts: what the notifier announced per profile;
 * - migrations.ts: applying the dialect's migration files;
 * - operations.ts: outside systems' health, the audit log, dashboard sessions, retention;
 * - context.ts: what they share (database, clock, a job's writes deferred to its next commit).
 */
import type { Dialect, SqlDb } from './sql/statement.ts';
import type { Store } from './store.ts';
import { checkpointMethods } from './core/checkpoints.ts';
import { createCoreContext } from './core/context.ts';
import { dutyMethods } from './core/duties.ts';
import { eventMethods } from './core/events.ts';
import { jobMethods, type ClaimOptions } from './core/jobs.ts';
import { migrationMethods, type MigrationOptions } from './core/migrations.ts';
import { partLockMethods } from './core/part-locks.ts';
import { profileMethods } from './core/profiles.ts';
import { tenantFactMethods } from './core/tenant-facts.ts';
import { notifyStateMethods } from './core/notify-state.ts';
import { transferMethods } from './core/transfers.ts';
import { operationMethods } from './core/operations.ts';

export { LeaseLostError } from './core/lease.ts';

export type StoreCoreOptions = ClaimOptions &
  MigrationOptions & {
    db: SqlDb;
    /** Where lease renewals run (PostgreSQL: a connection of their own); default `db`. */
    leaseDb?: SqlDb;
    dialect: Dialect;
    clock: () => number;
  };

export function createStoreCore(options: StoreCoreOptions): Store {
  const ctx = createCoreContext(options);
  return {
    ...migrationMethods(ctx, options),
    ...jobMethods(ctx, options),
    ...checkpointMethods(ctx),
    ...partLockMethods(ctx),
    ...transferMethods(ctx),
    ...profileMethods(ctx),
    ...dutyMethods(ctx),
    ...eventMethods(ctx),
    ...tenantFactMethods(ctx),
    ...notifyStateMethods(ctx),
    sharedSlots: null,
    sharedRates: null,
    ...operationMethods(options.db, options.dialect, options.clock),
    close: () => ctx.db.close(),
  };
}
