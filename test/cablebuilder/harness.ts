/**
 * The three parts of the design-import flow, running for real on 127.0.0.1: the Cetec emulator,
 * a Fastify server with the Send Design receiver (sync and queue paths) whose in-memory inbox
 * imports through the real Cetec client, and the CableBuilder emulator sending to it.
 * Tests only; the production wiring goes through the store and engine.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { startCetecEmulator, type CetecEmulator } from '../../emulators/cetec/server.ts';
import { startCableBuilderEmulator, type CableBuilderEmulator } from '../../emulators/cablebuilder/server.ts';
import { createCetecClient, type CetecClient } from '../../src/systems/cetec/client.ts';
import { cableBuilderReceiver } from '../../src/server/cablebuilder-receiver.ts';
import { importDesigns } from '../../src/engine/design-import.ts';
import { receiverPolicySchema, type ReceiverPolicy } from '../../src/systems/cablebuilder/send-design-contract.ts';
import { designTranslationOptionsSchema, type DesignTranslationOptions } from '../../src/translate/design-to-cetec/options.ts';
import { DesignTranslationError } from '../../src/translate/design-to-cetec/errors.ts';
import { createMemoryInbox, type MemoryInbox } from './memory-inbox.ts';

export const SECRET = 'test-shared-secret-5f2c';
export const SECRET_HEADER = 'x-shopwire-secret';

export type Harness = {
  cetec: CetecEmulator;
  cetecClient: CetecClient;
  cablebuilder: CableBuilderEmulator;
  receiver: FastifyInstance;
  receiverUrl: string;
  inbox: MemoryInbox;
  translation: DesignTranslationOptions;
  policy: ReceiverPolicy;
  close(): Promise<void>;
};

export async function startHarness(options: { bodyLimitBytes?: number } = {}): Promise<Harness> {
  const translation = designTranslationOptionsSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/cablebuilder/translation-options.json', import.meta.url), 'utf8')));
  const policy = receiverPolicySchema.parse({ accept: 'valid-and-approved', writeBack: { partAttribute: 'erpPart', revisionAttribute: 'erpRevision', statusAttribute: 'erpStatus' } });
  const cetec = await startCetecEmulator({ tokens: ['cetec-test-token-1'] });
  const cetecClient = createCetecClient({ baseUrl: cetec.url, token: 'cetec-test-token-1', breaker: false, retry: { maxAttempts: 1 } });
  const inbox = createMemoryInbox(async (input) => {
    try {
      const result = await importDesigns(input.payload, { translation, policy, cetec: cetecClient });
      return { state: 'done', prcpart: result.prcpart, revision: result.revision };
    } catch (error) {
      if (error instanceof DesignTranslationError) return { state: 'failed', errors: error.problems.map((p) => `${p.where}: ${p.message}`) };
      return { state: 'failed', errors: [(error as Error).message] };
    }
  });
  const receiver = Fastify({ logger: false });
  const common = { auth: { mode: 'shared-secret' as const, secret: SECRET }, policy, inbox, translation, bodyLimitBytes: options.bodyLimitBytes ?? 256 * 1024 };
  await receiver.register(cableBuilderReceiver, { ...common, path: '/cablebuilder/send-design', mode: 'sync', syncBudgetMs: 5_000 });
  await receiver.register(cableBuilderReceiver, { ...common, path: '/cablebuilder/send-design-queued', mode: 'queue' });
  await receiver.listen({ host: '127.0.0.1', port: 0 });
  const address = receiver.server.address();
  const receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const cablebuilder = await startCableBuilderEmulator({
    sendTo: { url: `${receiverUrl}/cablebuilder/send-design`, auth: { kind: 'header', name: SECRET_HEADER, value: SECRET }, timeoutMs: 10_000 },
  });
  return {
    cetec, cetecClient, cablebuilder, receiver, receiverUrl, inbox, translation, policy,
    async close() {
      await cablebuilder.close();
      await receiver.close();
      await cetecClient.close();
      await cetec.close();
    },
  };
}
