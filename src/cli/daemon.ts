/**
 * The long-running hub (used by `run` and `demo`): per profile a discovery on the configured
 * schedule, the worker running jobs continuously, and the HTTP server (dashboard, JSON API,
 * /healthz, /readyz, /metrics, plus plugins such as the CableBuilder receiver).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/load.ts';
import { reloadConfig } from '../config/reload.ts';
import type { ReloadOutcome } from '../server/ports.ts';
import { createScheduler, type Scheduler } from '../engine/scheduler.ts';
import { createDuty, createDutyKeeper, dutyName, type Duty } from '../engine/duty.ts';
import type { FlowHandler } from '../engine/flow-handler.ts';
import type { Logger } from '../lib/log.ts';
import { createServer } from '../server/app.ts';
import { pruneStore } from './retention.ts';
import { notifierFor } from './notify.ts';
import { resolveAuthSettings } from '../server/settings.ts';
import type { JobRecord } from '../store/store.ts';
import { openHub, type Hub, type HubParts } from './compose.ts';
import { processGone } from './process-gone.ts';
import { discoveryTiming } from '../config/schedule.ts';
import { createDashboardPort } from './dashboard-port.ts';
import { paperlessWebhook } from '../server/paperless-webhook.ts';
import { storeWebhookSink } from './webhook-sink.ts';

export { processGone };

export type DaemonOptions = {
  config: Config;
  logger: Logger;
  profiles?: string[];
  /** HTTP plugins made from the running hub (e.g. the CableBuilder receiver, which needs the store). */
  plugins?: (hub: Hub) => FastifyPluginAsync[];
  handlers?: (parts: HubParts) => Partial<Record<JobRecord['flow'], FlowHandler>>;
  /** Override of the listen port (0 = any free one). */
  port?: number;
  /** Pause between claims when idle (ms). */
  idleMs?: number;
};

export type Daemon = {
  hub: Hub;
  server: FastifyInstance;
  /** http://host:port */
  url: string;
  schedulers: Map<string, Scheduler>;
  /** Reloads the config file (validated first; translation applies at once, the rest is reported as needing a restart) and logs the outcome. */
  reload(actor: string): ReloadOutcome;
  stop(): Promise<void>;
};

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config, logger } = options;
  const hub = await openHub({
    config,
    logger,
    ...(options.profiles ? { profiles: options.profiles } : {}),
    ...(options.handlers ? { handlers: options.handlers } : {}),
    ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
  });
  const auth = resolveAuthSettings(config.dashboard, (name, usedAt) => config.secret(name, usedAt));
  const reload = (actor: string): ReloadOutcome => {
    const outcome = reloadConfig(config);
    if (outcome.ok) {
      logger.info({ actor, file: outcome.file, applied: outcome.applied, needsRestart: outcome.needsRestart }, outcome.needsRestart.length > 0 ? 'config reloaded; some changes need a restart' : 'config reloaded');
      // A paused profile may have waited on exactly this fix: probe every paused one now instead
      // of at its next backoff step.
      hub.resumer.runOnce({ force: true }).catch((error: unknown) => logger.warn({ err: error }, 'probing paused profiles after the reload failed'));
    } else {
      logger.warn({ actor, file: outcome.file, problems: outcome.problems }, 'config not reloaded: the file has problems; the running config is kept');
    }
    const detail = outcome.ok
      ? `reloaded ${outcome.file}; applied: ${outcome.applied.join(', ') || 'nothing'}${outcome.needsRestart.length > 0 ? `; needs a restart: ${outcome.needsRestart.join(', ')}` : ''}`
      : `refused ${outcome.file}: ${outcome.problems.length} problem(s); the running config is kept`;
    hub.store.addAudit({ actor, action: 'config-reload', detail }).catch((error: unknown) => logger.warn({ err: error }, 'recording the reload in the audit log failed'));
    return outcome;
  };
  const server = createServer({
    port: createDashboardPort(hub.store, { reload }),
    config,
    logger,
    metrics: hub.metrics,
    auth,
    trustProxy: config.server.trustProxy,
    // Sessions in the store: they survive a restart and work on every process sharing it.
    sessions: {
      save: (idHash, session) => hub.store.saveSession(idHash, session),
      get: (idHash) => hub.store.getSession(idHash),
      delete: (idHash) => hub.store.deleteSession(idHash),
      purge: () => hub.store.purgeSessions(),
    },
    plugins: [...webhookPlugins(hub, config), ...(options.plugins?.(hub) ?? [])],
  });
  const schedulers = new Map<string, Scheduler>();
  // Each profile's discovery runs on one process at a time among all sharing the store (duty.ts).
  const duties: Duty[] = [];
  const dutyOf = new Map<string, Duty>();
  const releaseDuties = () => Promise.all(duties.map((d) => d.release().catch(() => undefined)));
  try {
    await server.listen({ host: config.server.host, port: options.port ?? config.server.port });
    for (const profile of hub.profiles) {
      const discovery = hub.discovery(profile.name);
      const duty = createDuty({ store: hub.store, duty: dutyName.discovery(profile.name), owner: hub.workerId, leaseMs: config.worker.dutyLeaseSeconds * 1000, holderGone: processGone, logger });
      duties.push(duty);
      dutyOf.set(profile.name, duty);
      // An interval starts with a pass; a cron schedule runs at its times only.
      const timing = discoveryTiming(profile);
      const scheduler = createScheduler({
        ...timing,
        immediately: timing.cron === undefined,
        run: () => duty.runIfHeld(() => discovery.runOnce()),
        onError: (error) => logger.warn({ err: error, profile: profile.name }, 'discovery pass failed; the next pass tries again'),
      });
      schedulers.set(profile.name, scheduler);
      scheduler.start();
    }
    // The duties this process holds stay its own between ticks, so a schedule's tick is evaluated
    // by the holder alone (duty.ts createDutyKeeper).
    const keepDuties = createDutyKeeper({ store: hub.store, owner: hub.workerId, leaseMs: config.worker.dutyLeaseSeconds * 1000, logger });
    schedulers.set('(duties)', keepDuties);
    keepDuties.start();
    // Paused profiles are probed (each on its own backoff) and resume when the system accepts them.
    // Only the holder of a profile's discovery duty probes it (taking the duty if no one holds it),
    // so several processes send one probe per backoff step, not one each.
    const here = async (profile: string): Promise<boolean> => {
      const duty = dutyOf.get(profile);
      return duty === undefined || (await duty.runIfHeld(async () => undefined)).ran;
    };
    const resumer = createScheduler({
      every: 1_000,
      run: () => hub.resumer.runOnce({ here }),
      onError: (error) => logger.warn({ err: error }, 'probing paused profiles failed; trying again'),
    });
    schedulers.set('(resume)', resumer);
    resumer.start();
    // Retention (config `retention`): at start, then every 6 hours.
    const retention = createScheduler({
      every: 6 * 3_600_000,
      run: async () => {
        const pruned = await pruneStore(hub.store, config.retention);
        if (pruned.transfers + pruned.plans + pruned.events + pruned.audit > 0) logger.info({ ...pruned, days: config.retention.days }, 'retention: pruned old records');
      },
      onError: (error) => logger.warn({ err: error }, 'retention pass failed; the next pass tries again'),
    });
    schedulers.set('(retention)', retention);
    retention.start();
    // Notifications (profiles.<p>.notify): checked every 15 s, grouped and rate-limited per profile.
    const notifier = notifierFor(hub, config, logger);
    if (notifier !== null) {
      const notify = createScheduler({
        every: 15_000,
        run: () => notifier.runOnce(),
        onError: (error) => logger.warn({ err: error }, 'notification check failed; the next check tries again'),
      });
      schedulers.set('(notify)', notify);
      notify.start();
    }
    hub.worker.start();
  } catch (error) {
    await Promise.all([...schedulers.values()].map((s) => s.stop()));
    await releaseDuties();
    await server.close();
    await hub.close();
    throw error;
  }
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the HTTP server did not report its address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    hub,
    server,
    url: `http://${host}:${address.port}`,
    schedulers,
    reload,
    async stop() {
      await Promise.all([...schedulers.values()].map((s) => s.stop()));
      // Another process takes the discovery at its next tick instead of after the lease.
      await releaseDuties();
      // HTTP before the worker: a request in flight (a CableBuilder Send Design waiting for its
      // job in sync mode) is answered while the worker still runs jobs. Fastify's close waits for
      // in-flight requests but closes only the connections idle when it starts; a keep-alive
      // connection that goes idle later would hold it for the whole keep-alive timeout (72 s), so
      // idle connections are closed as they appear.
      const sweep = setInterval(() => server.server.closeIdleConnections(), 100);
      try {
        await server.close();
      } finally {
        clearInterval(sweep);
      }
      await hub.worker.stop();
      await hub.close();
    },
  };
}

/** One signed-webhook route per profile that configures `paperless.webhook`. */
function webhookPlugins(hub: Hub, config: Config): FastifyPluginAsync[] {
  return hub.profiles.flatMap((profile) => {
    const settings = profile.paperless.webhook;
    if (!settings) return [];
    const secretHex = config.secret(settings.secretEnv, `profiles.${profile.name}.paperless.webhook.secretEnv`);
    const plugin: FastifyPluginAsync = async (app) =>
      paperlessWebhook(app, {
        profile: profile.name,
        secretHex,
        toleranceSeconds: settings.toleranceSeconds,
        sink: storeWebhookSink(hub.store, profile.name),
      });
    return [plugin];
  });
}

/** Resolves on SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
