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
import { parseStoredDesignPayload, planDesignImport, writeBackDesign } from '../engine/design-import.ts';
import { receiverPolicySchema } from '../systems/cablebuilder/send-design-contract.ts';
import { toDesignPartRevision, topDesignOf } from '../translate/design-to-cetec/plan.ts';
import type { Hub, HubParts } from './compose.ts';

export type CableBuilderWiring = {
  plugins: (hub: Hub) => FastifyPluginAsync[];
  handlers: (parts: HubParts) => Partial<Record<JobRecord['flow'], FlowHandler>>;
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
  pollMs = 100,
): DesignInbox {
  return {
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
        if (Date.now() >= deadline) return null;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
  };
}

export function cableBuilderWiring(config: Config, logger: Logger, overrides: { client?: CableBuilderClient } = {}): CableBuilderWiring {
  const settings = config.cablebuilder ?? (overrides.client ? cableBuilderSettingsSchema.parse({}) : undefined);
  if (!settings) return { plugins: () => [], handlers: () => ({}) };
  const profile = designProfile(config);
  const policy = settings.receiver?.policy ?? receiverPolicySchema.parse({});
  const client = overrides.client ?? (settings.client ? cableBuilderClientFrom(settings.client, (name, usedAt) => config.secret(name, usedAt)) : null);

  const factsOf = (job: JobRecord): { prcpart: string; revision: string } => {
    const designs = parseStoredDesignPayload(job.payload);
    const pr = toDesignPartRevision(topDesignOf(designs, settings.translation), settings.translation);
    return { prcpart: pr.prcpart, revision: pr.revision_text };
  };

  const handlers = (parts: HubParts): Partial<Record<JobRecord['flow'], FlowHandler>> => ({
    'design-import': createPayloadPlanHandler({
      cetec: parts.cetecPort,
      translate: (payload) => planDesignImport(parseStoredDesignPayload(payload), settings.translation, policy.accept).plan,
      duplicateExternalKey: (p) => parts.profile(p).cetec.duplicateExternalKey,
      retryPolicy: (p) => parts.profile(p).retry,
      async onStateChange(job) {
        await parts.onStateChange(job);
        // Queued sends and pulls learn the ERP facts by Update Design; sync sends got them in the answer.
        if (client === null || (job.state !== 'done' && job.state !== 'needs-attention')) return;
        if (settings.receiver?.mode === 'sync' && job.triggers.every((t) => t.kind === 'cablebuilder')) return;
        const top = topDesignOf(parseStoredDesignPayload(job.payload), settings.translation);
        await writeBackDesign(client, top, { ...factsOf(job), status: job.state === 'done' ? 'done' : 'failed' }, policy);
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
    const inbox = storeDesignInbox(hub.store, profile, factsOf);
    return [
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
  return { plugins, handlers };
}
