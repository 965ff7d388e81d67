/**
 * Wiring of the CableBuilder side into the hub: the Send Design receiver (an HTTP plugin) stores
 * each design as a `design-import` job through the store, and the design-import flow handler
 * turns the stored design into a Cetec plan, then writes the ERP facts back with Update Design
 * when a CableBuilder client is configured. Nothing here runs when `cablebuilder` is not in the
 * config file.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/load.ts';
import { cableBuilderSettingsSchema, type CableBuilderSettings } from '../config/cablebuilder.ts';
import { createPayloadPlanHandler } from '../engine/order-export.ts';
import type { FlowHandler } from '../engine/flow-handler.ts';
import type { Logger } from '../lib/log.ts';
import { cableBuilderReceiver, type DesignInbox, type DesignOutcome, type ReceiverAuth } from '../server/cablebuilder-receiver.ts';
import type { JobRecord, Store } from '../store/store.ts';
import { createCableBuilderClient, type CableBuilderAuth, type CableBuilderClient } from '../systems/cablebuilder/client.ts';
import { parseStoredDesignPayload, planDesignImport } from '../engine/design-import.ts';
import { createDesignReporter, finalOutcome, type DesignReporter } from '../engine/design-report.ts';
import type { CommonDesign } from '../systems/cablebuilder/schemas.ts';
import { receiverPolicySchema } from '../systems/cablebuilder/send-design-contract.ts';
import { toDesignPartRevision, topDesignOf } from '../translate/design-to-cetec/plan.ts';
import type { Hub, HubParts } from './compose.ts';

export type CableBuilderWiring = {
  plugins: (hub: Hub) => FastifyPluginAsync[];
  handlers: (parts: HubParts) => Partial<Record<JobRecord['flow'], FlowHandler>>;
  /** Reports design outcomes to CableBuilder by Update Design; null when nothing can (no client or no write-back attribute). */
  reporter: (store: Store) => DesignReporter | null;
};

/** The job key of a design: one job per design and alternative (a new version updates it). */
export const designJobKey = (design: string, alternative: number): string => `${design}/${alternative}`;

/** The profile designs go to. */
export function designProfile(config: Config): string {
  return config.cablebuilder?.profile ?? config.defaultProfile;
}

/** The CableBuilder client of `cablebuilder.client`; `secret` reads the credentials it names (Config.secret). */
export function cableBuilderClientFrom(
  settings: NonNullable<CableBuilderSettings['client']>,
  secret: (name: string, usedAt: string) => string,
): CableBuilderClient {
  let auth: CableBuilderAuth | undefined;
  if (settings.auth?.kind === 'basic') auth = { kind: 'basic', user: settings.auth.user, password: secret(settings.auth.passwordEnv, 'cablebuilder.client.auth.passwordEnv') };
  if (settings.auth?.kind === 'header') auth = { kind: 'header', name: settings.auth.name, value: secret(settings.auth.valueEnv, 'cablebuilder.client.auth.valueEnv') };
  return createCableBuilderClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs, multiLevelTimeoutMs: settings.multiLevelTimeoutMs, ...(auth ? { auth } : {}) });
}

/** The receiver's inbox over the store: durable on return, dedupe by design/alternative and content hash. */
export function storeDesignInbox(
  store: Store,
  profile: string,
  /** The Cetec part and revision a finished job defined (a pure function of its stored design). */
  factsOf: (job: JobRecord) => { prcpart: string; revision: string },
  /** Reports outcomes CableBuilder was not told in the answer; null when nothing can (no client or no write-back attribute). */
  reporter: DesignReporter | null,
  pollMs = 100,
): DesignInbox {
  return {
    reportsLater: reporter !== null,
    async recordAnswer(jobId, status, message) {
      if (reporter === null) return;
      await reporter.told({ jobId, profile }, status, message);
      // The job may have ended between the wait and this record: report it now rather than at the next pass.
      if (status === 'queued') {
        const job = await store.getJob(jobId);
        if (job !== null && finalOutcome(job) !== null) void reporter.reportJob(job);
      }
    },
    async receive(input) {
      const { job, created, changed } = await store.enqueueJob({
        flow: 'design-import',
        profile,
        key: designJobKey(input.design, input.alternative),
        payload: input.payload,
        payloadHash: input.payloadHash,
        trigger: { kind: 'cablebuilder' },
      });
      return { jobId: job.id, created, changed };
    },
    async waitForOutcome(jobId, budgetMs): Promise<DesignOutcome | null> {
      const deadline = Date.now() + budgetMs;
      for (;;) {
        const job = await store.getJob(jobId);
        if (job === null) return { state: 'failed', errors: [`job ${jobId} disappeared`] };
        if (job.state === 'done') {
          return { state: 'done', ...factsOf(job) };
        }
        if (job.state === 'needs-attention' || job.state === 'cancelled') {
          return { state: 'failed', errors: [job.lastError?.message ?? `the import is ${job.state}`] };
        }
        const left = deadline - Date.now();
        if (left <= 0) return null;
        // Never past the budget: the last sleep is cut to what is left of it.
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
      }
    },
  };
}

export function cableBuilderWiring(config: Config, logger: Logger, overrides: { client?: CableBuilderClient } = {}): CableBuilderWiring {
  const settings = config.cablebuilder ?? (overrides.client ? cableBuilderSettingsSchema.parse({}) : undefined);
  if (!settings) return { plugins: () => [], handlers: () => ({}), reporter: () => null };
  const profile = designProfile(config);
  const policy = settings.receiver?.policy ?? receiverPolicySchema.parse({});
  const client = overrides.client ?? (settings.client ? cableBuilderClientFrom(settings.client, (name, usedAt) => config.secret(name, usedAt)) : null);

  const designFacts = (job: JobRecord): { top: CommonDesign; prcpart: string; revision: string } => {
    const top = topDesignOf(parseStoredDesignPayload(job.payload), settings.translation);
    const pr = toDesignPartRevision(top, settings.translation);
    return { top, prcpart: pr.prcpart, revision: pr.revision_text };
  };
  const factsOf = (job: JobRecord): { prcpart: string; revision: string } => {
    const { prcpart, revision } = designFacts(job);
    return { prcpart, revision };
  };
  // CableBuilder learns every outcome it was not told in its answer, by Update Design (S9, S10).
  const writes = [policy.writeBack.partAttribute, policy.writeBack.revisionAttribute, policy.writeBack.statusAttribute, policy.writeBack.messageAttribute].some((a) => a !== null);
  const reporters = new WeakMap<Store, DesignReporter>();
  const reporterFor = (store: Store): DesignReporter | null => {
    if (client === null || !writes) return null;
    let reporter = reporters.get(store);
    if (reporter === undefined) {
      reporter = createDesignReporter({ store, cablebuilder: client, writeBack: policy.writeBack, factsOf: designFacts, logger });
      reporters.set(store, reporter);
    }
    return reporter;
  };

  const handlers = (parts: HubParts): Partial<Record<JobRecord['flow'], FlowHandler>> => ({
    'design-import': createPayloadPlanHandler({
      cetec: parts.cetecPort,
      translate: (payload) => planDesignImport(parseStoredDesignPayload(payload), settings.translation, policy.accept).plan,
      tenant: parts.cetecTenant,
      retryPolicy: (p) => parts.profile(p).retry,
      async onStateChange(job, ctx) {
        await parts.onStateChange(job, ctx);
        // An outcome CableBuilder was not told in its answer ("queued", or a replay since) goes by Update Design.
        await reporterFor(parts.store)?.reportJob(job);
      },
    }),
  });

  const plugins = (hub: Hub): FastifyPluginAsync[] => {
    const receiver = settings.receiver;
    if (!receiver) return [];
    let auth: ReceiverAuth;
    if (receiver.auth.mode === 'shared-secret') {
      auth = { mode: 'shared-secret', secret: config.secret(receiver.auth.secretEnv, 'cablebuilder.receiver.auth.secretEnv'), ...(receiver.auth.header ? { header: receiver.auth.header } : {}) };
    } else if (receiver.auth.mode === 'basic') {
      auth = { mode: 'basic', user: receiver.auth.user, password: config.secret(receiver.auth.passwordEnv, 'cablebuilder.receiver.auth.passwordEnv') };
    } else {
      logger.warn('the CableBuilder receiver accepts anonymous requests (cablebuilder.receiver.auth.mode: none-explicit)');
      auth = { mode: 'none-explicit' };
    }
    const reporter = reporterFor(hub.store);
    const inbox = storeDesignInbox(hub.store, profile, factsOf, reporter);
    if (reporter === null) {
      logger.warn('CableBuilder cannot learn outcomes after the answer (no cablebuilder.client or no receiver.policy.writeBack attribute): imports that outlive the answer are answered success: false, not in the ERP yet');
    }
    return [
      // Reports that failed, or raced the answer, or were cut by a restart: tried again on a timer.
      async (app) => {
        if (reporter === null) return;
        let timer: NodeJS.Timeout | undefined;
        const pass = async (): Promise<void> => {
          try {
            await reporter.reconcile();
          } catch (error) {
            logger.warn({ err: error }, 'CableBuilder report pass failed; the next pass tries again');
          }
        };
        app.addHook('onReady', async () => {
          void pass();
          timer = setInterval(() => void pass(), receiver.reportEverySeconds * 1000);
          timer.unref();
        });
        app.addHook('onClose', async () => clearInterval(timer));
      },
      async (app) =>
        cableBuilderReceiver(app, {
          path: receiver.path,
          auth,
          bodyLimitBytes: receiver.bodyLimitBytes,
          policy: receiver.policy,
          mode: receiver.mode,
          syncBudgetMs: receiver.syncBudgetMs,
          inbox,
          translation: settings.translation,
        }),
    ];
  };
  return { plugins, handlers, reporter: reporterFor };
}
