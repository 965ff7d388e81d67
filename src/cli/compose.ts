/**
 * The composition root: the one place that builds real parts from the config and wires them
 * together (store, clients per profile, engine handlers, worker, discovery, metrics). Commands call
 * `openHub` and use what they need; nothing below src/cli reads the config file or the environment.
 */
import { hostname } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config/load.ts';
import type { Profile } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';
import { createActionReporter, type ActionReporter } from '../engine/action-status.ts';
import { createDiscovery, type Discovery } from '../engine/discovery.ts';
import { createOrderWatch } from '../engine/order-watch.ts';
import { erpCodeFor } from '../engine/erp-code.ts';
import { createOrderExportHandler } from '../engine/order-export.ts';
import { cetecPort, type CetecPort, type PaperlessPort } from '../engine/ports.ts';
import { tenantBehaviour, type CetecTenantBehaviour } from '../engine/cetec-tenant.ts';
import type { FlowHandler, StateChangeContext } from '../engine/flow-handler.ts';
import { createWorker, type Worker } from '../engine/worker.ts';
import { nextTickAfter } from '../engine/scheduler.ts';
import { discoveryTiming } from '../config/schedule.ts';
import { createHealthTracker, isOutage, systemOf, type HealthChange, type HealthTracker } from '../engine/health.ts';
import { createResumer, type Resumer } from '../engine/resume.ts';
import type { Logger } from '../lib/log.ts';
import { createMetrics, metricsRecorder, type Metrics } from '../lib/metrics.ts';
import { nullRecorder } from '../lib/transfer.ts';
import { pollingGate } from '../lib/http/shared-gate.ts';
import { sharedRate } from '../lib/http/shared-rate.ts';
import { bucketCapacity, type RateGate } from '../lib/http/policy.ts';
import { openConfiguredStore } from './open-store.ts';
import type { JobRecord, RecorderOptions, Store } from '../store/store.ts';
import { createCetecClient, type CetecClient } from '../systems/cetec/client.ts';
import { createPaperlessClient, type PaperlessClient } from '../systems/paperless/client.ts';
import { toOrderPlan } from '../translate/order-to-cetec/plan.ts';

export type HubOptions = {
  config: Config;
  logger: Logger;
  /** Profiles this process works for (default: all). */
  profiles?: string[];
  /** Jobs run at once by this process's worker. Default: the largest Cetec concurrency of its profiles. */
  concurrency?: number;
  leaseMs?: number;
  /** Pause between claims when idle. */
  idleMs?: number;
  metrics?: Metrics;
  /** Extra flow handlers (the CableBuilder design import), made from the hub's parts. */
  handlers?: (parts: HubParts) => Partial<Record<JobRecord['flow'], FlowHandler>>;
};

/** What extra flow handlers may use. */
export type HubParts = {
  store: Store;
  cetecPort(profile: string): CetecPort;
  /** What the self-test established about the profile's Cetec tenant (read from the store each time). */
  cetecTenant(profile: string): Promise<CetecTenantBehaviour>;
  profile(name: string): Profile;
  /** Metrics and reporting every handler should call from its onStateChange. */
  onStateChange(job: JobRecord, ctx?: StateChangeContext): Promise<void>;
};

export type Hub = {
  config: Config;
  store: Store;
  metrics: Metrics;
  profiles: Profile[];
  workerId: string;
  worker: Worker;
  reporter: ActionReporter;
  /** Discovery per profile; a pass records Paperless Parts' health and counts failed polls. */
  discovery(profile: string): Discovery;
  /** Outages of the outside systems, per profile (store: system_health). */
  health: HealthTracker;
  /** Probes paused profiles and resumes them when the system accepts them again. */
  resumer: Resumer;
  /** Called on each outage start, growth and end (notifications). */
  onHealthChange(listener: (change: HealthChange) => void | Promise<void>): void;
  paperless(profile: string): PaperlessClient;
  cetec(profile: string): CetecClient;
  close(): Promise<void>;
};

// Opening the store alone lives in open-store.ts, so that commands that only read or change the
// store (status, cancel, backup…) do not load the hub's engine, clients and metrics.
export { openConfiguredStore, sqliteFileOf } from './open-store.ts';

export async function openHub(options: HubOptions): Promise<Hub> {
  const { config, logger } = options;
  const names = options.profiles ?? Object.keys(config.profiles);
  const profiles = names.map((name) => {
    const profile = config.profiles[name];
    if (!profile) throw new ConfigError(`${config.file ?? 'config'}: no profile named ${JSON.stringify(name)}`);
    return profile;
  });
  const byName = new Map(profiles.map((p) => [p.name, p]));
  const profileOf = (name: string): Profile => {
    const profile = byName.get(name);
    if (!profile) throw new ConfigError(`profile ${JSON.stringify(name)} is not run by this process`);
    return profile;
  };
  const metrics = options.metrics ?? createMetrics();
  const rawStore = await openConfiguredStore(config);
  // Every transfer a job records also feeds the latency and retry metrics.
  const store: Store = new Proxy(rawStore, {
    get(target, property, receiver) {
      if (property === 'recorderFor') {
        return (jobId: string, recorderOptions?: RecorderOptions) => metricsRecorder(target.recorderFor(jobId, recorderOptions), metrics);
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  // A token is read at each call, so one fixed in the secrets file applies on a config reload
  // (config/reload.ts); it must be set now, though: a missing one fails here, naming where.
  const liveSecret = (name: string, usedAt: string): (() => string) => {
    config.secret(name, usedAt);
    return () => config.secret(name, usedAt);
  };
  // With several processes on one PostgreSQL, a rate holds across them all: one bucket per key,
  // the same size as a process's own bucket (policy.ts bucketCapacity).
  const rateShared = (key: () => string, perSecond: number): { sharedRate: RateGate } | Record<string, never> =>
    rawStore.sharedRates === null ? {} : { sharedRate: sharedRate(() => rawStore.sharedRates!.take(key(), perSecond, bucketCapacity(perSecond))) };
  const cetecScope = (baseUrl: string): string => `cetec:${baseUrl.replace(/\/+$/, '').toLowerCase()}`;

  const paperlessClients = new Map<string, PaperlessClient>();
  const cetecClients = new Map<string, CetecClient>();
  const paperless = (name: string): PaperlessClient => {
    let client = paperlessClients.get(name);
    if (!client) {
      const p = profileOf(name).paperless;
      const token = liveSecret(p.tokenEnv, `profiles.${name}.paperless.tokenEnv`);
      client = createPaperlessClient({
        baseUrl: p.baseUrl,
        token,
        timeoutMs: p.timeoutMs,
        ratePerMinute: p.ratePerMinute,
        // Paperless Parts limits calls per token (100 a minute): one bucket per token (the one in
        // use at each call), kept under a hash of it (never the token itself), shared by the
        // profiles and processes using it.
        ...rateShared(() => `paperless:${createHash('sha256').update(token()).digest('hex')}`, p.ratePerMinute / 60),
        recorder: metricsRecorder(nullRecorder, metrics),
      });
      paperlessClients.set(name, client);
    }
    return client;
  };
  const cetec = (name: string): CetecClient => {
    let client = cetecClients.get(name);
    if (!client) {
      const c = profileOf(name).cetec;
      client = createCetecClient({
        baseUrl: c.baseUrl,
        token: liveSecret(c.tokenEnv, `profiles.${name}.cetec.tokenEnv`),
        timeoutMs: c.timeoutMs,
        concurrency: c.concurrency,
        ratePerSecond: c.ratePerSecond,
        importSourceName: c.importSourceName,
        tokenPlacement: c.tokenPlacement,
        // With several processes on one PostgreSQL, the tenant's concurrency and rate hold across
        // them all (one scope per Cetec tenant URL, so profiles sharing a tenant share its slots
        // and bucket).
        ...(rawStore.sharedSlots === null ? {} : { shared: pollingGate(() => rawStore.sharedSlots!.take(cetecScope(c.baseUrl), c.concurrency)) }),
        ...rateShared(() => cetecScope(c.baseUrl), c.ratePerSecond),
        recorder: metricsRecorder(nullRecorder, metrics),
      });
      metrics.watchBreaker({ system: 'cetec', target: name }, () => client!.breakerState());
      cetecClients.set(name, client);
    }
    return client;
  };
  const paperlessPort = (name: string): PaperlessPort => paperless(name);
  const cetecPorts = new Map<string, CetecPort>();
  const cetecPortOf = (name: string): CetecPort => {
    let port = cetecPorts.get(name);
    if (!port) {
      port = cetecPort(cetec(name));
      cetecPorts.set(name, port);
    }
    return port;
  };

  const cetecTenant = async (name: string): Promise<CetecTenantBehaviour> => tenantBehaviour((await store.getTenantFacts(name, 'cetec'))?.facts);

  const reporter = createActionReporter({ store, paperless: paperlessPort, logger });
  const onStateChange = async (job: JobRecord, ctx?: StateChangeContext): Promise<void> => {
    if (job.state === 'done' || job.state === 'needs-attention') {
      metrics.jobFinished({ profile: job.profile, flow: job.flow, outcome: job.state === 'done' ? 'done' : 'failed' });
    }
    if (job.flow === 'order-export' && byName.get(job.profile)?.paperless.integrationUuid) await reporter.reportJob(job, ctx);
    if (job.flow === 'order-export' && job.state === 'done') await writeErpCode(job, ctx);
  };
  /** The sales order's number onto the Paperless order; a failure is logged and healed by the re-check. */
  const writeErpCode = async (job: JobRecord, ctx?: StateChangeContext): Promise<void> => {
    const template = byName.get(job.profile)?.paperless.erpCode ?? null;
    const code = template === null ? null : erpCodeFor(job, template);
    if (code === null) return;
    try {
      await paperless(job.profile).setOrderErpCode(Number(job.key), code, { recorder: ctx?.recorder ?? store.recorderFor(job.id) });
    } catch (error) {
      logger.warn({ err: error, jobId: job.id, order: job.key }, 'writing the ERP code back to Paperless Parts failed; the re-check of exported orders tries again');
    }
  };
  const orderExport = createOrderExportHandler({
    paperless: paperlessPort,
    cetec: cetecPortOf,
    translate: (order, profile) => toOrderPlan(order, profileOf(profile).translation, { profile }),
    tenant: cetecTenant,
    retryPolicy: (profile) => profileOf(profile).retry,
    exportStatuses: (profile) => profileOf(profile).discovery.exportStatuses,
    onStateChange,
  });
  const healthListeners: Array<(change: HealthChange) => void | Promise<void>> = [];
  const health = createHealthTracker({
    store,
    logger,
    onChange: async (change) => {
      for (const listener of healthListeners) await listener(change);
    },
  });
  const resumer = createResumer({
    store,
    profiles: names,
    health,
    logger,
    settings: (name) => profileOf(name).heal,
    // One harmless authenticated read of the system that refused the profile.
    probe: async (name, reason) => {
      if (reason?.includes('(paperless.')) await paperless(name).newOrderNumbers(Number.MAX_SAFE_INTEGER - 1);
      else await cetec(name).getPart('SHOPWIRE HEALTH PROBE');
    },
  });
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const worker = createWorker({
    health,
    store,
    workerId,
    handlers: { 'order-export': orderExport, ...options.handlers?.({ store, cetecPort: cetecPortOf, cetecTenant, profile: profileOf, onStateChange }) },
    concurrency: options.concurrency ?? config.worker.concurrency ?? Math.max(1, ...profiles.map((p) => p.cetec.concurrency)),
    leaseMs: options.leaseMs ?? config.worker.leaseSeconds * 1000,
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
    logger,
  });

  const discoveries = new Map<string, Discovery>();
  const discovery = (name: string): Discovery => {
    let d = discoveries.get(name);
    if (!d) {
      const p = profileOf(name);
      const inner = createDiscovery({
        store,
        profile: name,
        paperless: paperlessPort(name),
        reporter,
        ...(p.paperless.integrationUuid ? { integrationUuid: p.paperless.integrationUuid } : {}),
        startAfterOrder: p.schedule.startAfterOrder,
        newOrders: p.discovery.newOrders,
        integrationActions: p.discovery.integrationActions,
        heartbeatEveryMs: p.schedule.heartbeatMinutes * 60_000,
        watch: createOrderWatch({
          store,
          profile: name,
          paperless: paperlessPort(name),
          translate: (order) => toOrderPlan(order, p.translation, { profile: name }),
          exportStatuses: p.discovery.exportStatuses,
          recheckDays: p.discovery.recheckDays,
          perPass: p.discovery.recheckPerPass,
          everyMs: p.discovery.recheckEveryMinutes * 60_000,
          ...(p.paperless.erpCode === null ? {} : { erpCode: (job: JobRecord) => erpCodeFor(job, p.paperless.erpCode!) }),
          logger,
        }),
        logger,
      });
      const timing = discoveryTiming(p);
      d = {
        ...inner,
        async runOnce() {
          const failed = async (error: unknown): Promise<string | null> => {
            const system = systemOf(error);
            metrics.pollFailed({ profile: name, system: system ?? 'unknown' });
            if (system !== null) await health.failed(name, system, error, nextTickAfter(timing, Date.now()));
            return system;
          };
          try {
            const result = await inner.runOnce();
            // A stage that failed because a system did (Paperless Parts unreachable, say) did not stop
            // the pass, but is that system's outage all the same: the pass is no proof it works.
            const down = new Set<string | null>();
            for (const error of result.failures) if (isOutage(error)) down.add(await failed(error));
            if (!down.has('paperless')) await health.succeeded(name, 'paperless');
            return result;
          } catch (error) {
            await failed(error);
            throw error;
          }
        },
      };
      discoveries.set(name, d);
    }
    return d;
  };

  return {
    config,
    store,
    metrics,
    profiles,
    workerId,
    worker,
    reporter,
    discovery,
    health,
    resumer,
    onHealthChange: (listener) => {
      healthListeners.push(listener);
    },
    paperless,
    cetec,
    async close() {
      await worker.stop();
      await Promise.all([...paperlessClients.values(), ...cetecClients.values()].map((c) => c.close()));
      await rawStore.close();
    },
  };
}
