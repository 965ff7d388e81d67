/**
 * The config file's shape (zod). Objects are strict, so a misspelt key is an error rather than a
 * silently ignored setting. Secrets never appear in the file: settings ending in `Env` name an
 * environment variable (or an entry of the secrets file) that holds the value.
 */
import { z } from 'zod';
import { orderTranslationOptionsSchema } from '../translate/order-to-cetec/options.ts';
import { CONFIG_DEFAULTS as D } from './defaults.ts';
import { dashboardSettingsSchema } from '../server/settings.ts';
import { cableBuilderSettingsSchema } from './cablebuilder.ts';
import { CronError, parseCron } from '../lib/cron.ts';

const secretName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable or secrets-file entry, not the secret itself');

const httpUrl = z
  .string()
  .url('must be an absolute http(s) URL')
  .refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://')
  .transform((u) => u.replace(/\/+$/, ''));

const positiveInt = z.number().int().positive();

export const DUPLICATE_KEY_BEHAVIOURS = ['unknown', 'reject', 'return-existing', 'allow'] as const;

export const paperlessSettingsSchema = z.strictObject({
  baseUrl: httpUrl.default(D.paperless.baseUrl),
  tokenEnv: secretName.default(D.paperless.tokenEnv),
  /** Managed integration uuid: enables integration actions, events and heartbeats. */
  integrationUuid: z.string().min(1).optional(),
  timeoutMs: positiveInt.default(D.paperless.timeoutMs),
  ratePerMinute: positiveInt.default(D.paperless.ratePerMinute),
  /**
   * Written back to the order's `erp_code` once its sales order exists in Cetec, so the shop sees it
   * in Paperless Parts: `{salesOrder}`, `{quote}` and `{externalKey}` are filled in. null: off.
   */
  erpCode: z.string().min(1).nullable().default('{salesOrder}'),
  webhook: z
    .strictObject({
      secretEnv: secretName,
      toleranceSeconds: positiveInt.default(300),
    })
    .optional(),
});

export const cetecSettingsSchema = z.strictObject({
  baseUrl: httpUrl,
  tokenEnv: secretName.default(D.cetec.tokenEnv),
  tokenPlacement: z.enum(['body', 'query']).default('body'),
  importSourceName: z.string().min(1).default(D.cetec.importSourceName),
  timeoutMs: positiveInt.default(D.cetec.timeoutMs),
  concurrency: positiveInt.max(64).default(D.cetec.concurrency),
  ratePerSecond: z.number().positive().default(D.cetec.ratePerSecond),
  /**
   * What the operator expects of the tenant. Informational only: the engine uses what
   * `shopwire cetec selftest` established (src/engine/cetec-tenant.ts); doctor warns when the two differ.
   */
  duplicateExternalKey: z.enum(DUPLICATE_KEY_BEHAVIOURS).default(D.cetec.duplicateExternalKey),
  orderLookup: z.boolean().default(D.cetec.orderLookup),
  /** The tenant is a sandbox: the self-test may import a marked test order into it (twice). */
  sandbox: z.boolean().default(D.cetec.sandbox),
});

/**
 * When discovery runs: every `everyMinutes` (default 5, the seed's schedule), or at the times of a
 * cron expression (`cron`, in `timezone`), checked here so that a bad one names its profile.
 */
export const scheduleSchema = z
  .strictObject({
    everyMinutes: z.number().positive().optional(),
    /** null: none (a profile extending one with a cron expression goes back to `everyMinutes`). */
    cron: z.string().trim().min(1).nullable().optional(),
    timezone: z.string().min(1).optional(),
    heartbeatMinutes: z.number().positive().default(D.schedule.heartbeatMinutes),
    startAfterOrder: z.number().int().min(0).default(D.schedule.startAfterOrder),
  })
  .superRefine((s, ctx) => {
    if (typeof s.cron === 'string' && s.everyMinutes !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'set either cron or everyMinutes, not both' });
    }
    if (s.timezone !== undefined && typeof s.cron !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: 'applies to cron only: set cron too, or remove timezone' });
    }
    if (typeof s.cron !== 'string') return;
    try {
      parseCron(s.cron, s.timezone);
    } catch (error) {
      if (!(error instanceof CronError)) throw error;
      ctx.addIssue({ code: 'custom', path: [error.field], message: error.message });
    }
  })
  .transform(({ cron, timezone, ...s }) => ({ ...s, everyMinutes: s.everyMinutes ?? D.schedule.everyMinutes, ...(typeof cron !== 'string' ? {} : { cron, ...(timezone === undefined ? {} : { timezone }) }) }));

export const retrySchema = z.strictObject({
  maxAttempts: positiveInt.default(D.retry.maxAttempts),
  baseDelayMs: positiveInt.default(D.retry.baseDelayMs),
  maxDelayMs: positiveInt.default(D.retry.maxDelayMs),
});

export const discoverySchema = z.strictObject({
  /** Poll `orders/public/new` for orders above the cursor. */
  newOrders: z.boolean().default(true),
  /** Poll the managed integration for requested actions (needs paperless.integrationUuid). */
  integrationActions: z.boolean().default(true),
  /**
   * Paperless Parts order statuses that are exported (OA1: pending, confirmed, on_hold, in_process,
   * completed, cancelled). Others are skipped with their reason and exported once their status
   * changes to one of these. Default: the statuses of a placed, live order.
   */
  exportStatuses: z.array(z.string().min(1)).min(1).default(['pending', 'confirmed', 'in_process']),
  /** Exports done within this many days are re-read to notice cancellations and changes (0: off). */
  recheckDays: z.number().min(0).max(365).default(14),
  /** Orders re-read per re-check (the API allows 100 requests a minute). */
  recheckPerPass: z.number().int().min(1).max(500).default(10),
  /** A running hub re-checks at most this often (each `sync` process re-checks once). */
  recheckEveryMinutes: z.number().positive().default(15),
});

/** How a profile paused for an auth or config error is probed until the system accepts it again. */
export const healSchema = z.strictObject({
  /** First probe this long after the pause (and after each restart: at once). */
  probeSeconds: z.number().positive().max(86_400).default(D.heal.probeSeconds),
  /** The wait doubles after each refused probe, up to this. */
  maxProbeSeconds: z.number().positive().max(86_400).default(D.heal.maxProbeSeconds),
});

/** Who is told, and how, when the profile needs a person (docs/operations.md). */
export const notifySchema = z.strictObject({
  /** Webhook URLs are credentials: named by secret (environment or secrets file). */
  webhooks: z.array(z.strictObject({ urlEnv: secretName, format: z.enum(['generic', 'slack', 'teams']).default('generic') })).default([]),
  email: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      /** starttls (587), implicit (465), or none (only for a loopback SMTP relay). */
      tls: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
      userEnv: secretName.optional(),
      passwordEnv: secretName.optional(),
      from: z.string().min(3),
      to: z.array(z.string().min(3)).min(1),
    })
    .optional(),
  /** An outside system failing this long is announced (and its recovery). */
  outageMinutes: z.number().positive().default(10),
  /** At most one message per profile this often; what comes up meanwhile goes out together. */
  minIntervalMinutes: z.number().positive().default(15),
});

export const profileSchema = z.strictObject({
  extends: z.string().optional(),
  paperless: paperlessSettingsSchema.default(() => paperlessSettingsSchema.parse({})),
  cetec: cetecSettingsSchema,
  schedule: scheduleSchema.default(() => scheduleSchema.parse({})),
  discovery: discoverySchema.default(() => discoverySchema.parse({})),
  retry: retrySchema.default(() => retrySchema.parse({})),
  heal: healSchema.default(() => healSchema.parse({})),
  notify: notifySchema.optional(),
  translation: orderTranslationOptionsSchema.default(() => orderTranslationOptionsSchema.parse({})),
});

export const storeSchema = z.union([
  z.strictObject({ sqlite: z.string().min(1) }),
  z.strictObject({ postgres: z.strictObject({ urlEnv: secretName, schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional() }) }),
]);

/** How long a client may take, and how many connections one address may hold (docs/commands/run.md). */
export const serverLimitsSchema = z.strictObject({
  /** Until the request's headers are complete. */
  headersSeconds: z.number().positive().max(600).default(D.server.limits.headersSeconds),
  /** Until the whole request (headers and body) is received. */
  requestSeconds: z.number().positive().max(3600).default(D.server.limits.requestSeconds),
  /** An idle keep-alive connection is closed after this. */
  keepAliveSeconds: z.number().positive().max(600).default(D.server.limits.keepAliveSeconds),
  /** A connection with no traffic at all (in either direction) is closed after this. */
  idleSeconds: z.number().positive().max(3600).default(D.server.limits.idleSeconds),
  /** Open connections per client address; more are closed at once. */
  connectionsPerAddress: z.number().int().positive().max(100_000).default(D.server.limits.connectionsPerAddress),
});

export const serverSchema = z.strictObject({
  host: z.string().min(1).default(D.server.host),
  port: z.number().int().min(0).max(65535).default(D.server.port),
  /** Trust X-Forwarded-* from a reverse proxy (true, or its addresses); then Secure cookies follow https. */
  trustProxy: z.union([z.boolean(), z.string(), z.array(z.string())]).default(false),
  /**
   * The address people use to reach the dashboard (e.g. https://shopwire.example.com). When set,
   * a dashboard or API request naming another host (Host, or X-Forwarded-Host behind a trusted
   * proxy) is refused with 421: DNS rebinding cannot reach the dashboard.
   */
  publicUrl: httpUrl.optional(),
  limits: serverLimitsSchema.default(() => serverLimitsSchema.parse({})),
});

export const workerSchema = z.strictObject({
  /** Jobs one process runs at once (default: the largest Cetec concurrency of its profiles). */
  concurrency: z.number().int().positive().max(64).optional(),
  /**
   * How long a job stays leased to a process that stopped answering before another may take it
   * (failover time). A live process renews its jobs' leases every third of it, however slow the job.
   */
  leaseSeconds: z.number().positive().max(3600).default(15),
  /**
   * Lease on a profile's discovery (new orders, integration events, heartbeats), which runs on one
   * process at a time: a dead holder's discovery moves to another process after this long.
   */
  dutyLeaseSeconds: z.number().positive().max(3600).default(30),
});

/** How long the store keeps what it no longer needs (docs/operations.md). */
export const retentionSchema = z.strictObject({
  /** Transfer records and plans of jobs finished (done, cancelled) longer ago than this; handled inbox events. */
  days: z.number().int().positive().default(D.retention.days),
  /** Audit log entries. */
  auditDays: z.number().int().positive().default(D.retention.auditDays),
});

/** Top level; `profiles` are validated one by one after `extends` is resolved (load.ts). */
export const fileSchema = z.strictObject({
  defaultProfile: z.string().optional(),
  profiles: z.record(z.string(), z.record(z.string(), z.unknown())),
  store: storeSchema.default({ sqlite: D.store.sqlite }),
  server: serverSchema.default(() => serverSchema.parse({})),
  worker: workerSchema.default(() => workerSchema.parse({})),
  retention: retentionSchema.default(() => retentionSchema.parse({})),
  secretsFile: z.string().optional(),
  /** Dashboard and JSON API access (users, API token, /metrics access); see docs/dashboard.md. */
  dashboard: dashboardSettingsSchema.default(() => dashboardSettingsSchema.parse({})),
  /** CableBuilder receiver, client and translation settings (see docs/cablebuilder.md). */
  cablebuilder: cableBuilderSettingsSchema.optional(),
});

export type ProfileSettings = z.output<typeof profileSchema>;
export type StoreSettings = z.output<typeof storeSchema>;
export type ServerSettings = z.output<typeof serverSchema>;
export type WorkerSettings = z.output<typeof workerSchema>;
export type RetentionSettings = z.output<typeof retentionSchema>;
export type { DashboardSettings } from '../server/settings.ts';
export type Profile = Omit<ProfileSettings, 'extends'> & { name: string };
