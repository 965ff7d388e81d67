/**
 * The hub's Send Design endpoint (reference 6.4, docs/cablebuilder.md "Receiver"): a Fastify
 * plugin, registered with `app.register(cableBuilderReceiver, options)`.
 *
 * Per request, in order:
 * 1. credentials (shared-secret header, basic, or explicitly none) → 401 error structure;
 * 2. another method on the path (HEAD, OPTIONS, TRACE, …) → 405 `Method Not Allowed`; another
 *    path under its prefix (`/cablebuilder/` for `/cablebuilder/send-design`: a typo, a trailing
 *    slash), any method → 404 `Request Not Found`;
 * 3. body size → 413; empty → 400 RequestBodyNotDefinedException; not JSON / not an object or
 *    array → 400 JsonException; detail missing → 400 DesignNotDefinedException; a field of the
 *    wrong type → 400 JsonException naming it. Nothing of such a request goes further;
 * 4. policy (valid / approved) and translation (mappings, quantities): a design that fails them is
 *    understood but refused: 200 `{ success: false, errors }`, and nothing reaches the ERP;
 * 5. the design is stored in the inbox (durable) BEFORE answering; a failure to store is a 500;
 *    the same content again is recognised as a repeat, changed content is an update;
 * 6. `queue` mode answers at once (`success: true`, a Note with the job); `sync` mode waits up to
 *    `syncBudgetMs` for the import, then answers with its outcome, or says truthfully it is queued.
 *    What is answered is recorded first (`inbox.recordAnswer`); after a "queued" answer the final
 *    outcome follows by Update Design (src/engine/design-report.ts). When nothing can report later
 *    (`inbox.reportsLater` false), an unfinished import is answered `success: false`, not in the ERP yet.
 * The answer's `update` writes the Cetec part number, revision and status into the configured
 * header attributes. An array body is one design set (a multi-level design, children first).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  errorAnswer, outcomeMessage, payloadHash, readReceivedDesign, toWriteBack, type ImportStatus, type ReceiverPolicy,
} from '../systems/cablebuilder/send-design-contract.ts';
import { resolveAssumptions, type CableBuilderAssumptions } from '../systems/cablebuilder/assumptions.ts';
import { registerSecret } from '../lib/redact.ts';
import { everyMethodBut } from './http-methods.ts';
import { designKey, type CommonDesign, type SendDesignResponse } from '../systems/cablebuilder/schemas.ts';
import { planDesignImport, DesignRefusedError } from '../engine/design-import.ts';
import { DesignTranslationError } from '../translate/design-to-cetec/errors.ts';
import type { DesignTranslationOptions } from '../translate/design-to-cetec/options.ts';

export type DesignInboxInput = {
  design: string;
  alternative: number;
  version: number | null;
  /** The design set as received (normalised): the top design, or a multi-level array. */
  payload: CommonDesign[];
  payloadHash: string;
};

export type DesignOutcome =
  | { state: 'done'; prcpart: string; revision: string; warnings?: string[] }
  | { state: 'failed'; errors: string[] };

/** The port the receiver stores designs through; `storeDesignInbox` (src/cli/cablebuilder.ts) implements it on the store's jobs. */
export interface DesignInbox {
  /** Durable on return. Same (design, alternative, version) and hash → created false, changed false. */
  receive(input: DesignInboxInput): Promise<{ jobId: string; created: boolean; changed: boolean }>;
  /** The job's final outcome within `budgetMs`, or null when it is not finished by then. */
  waitForOutcome(jobId: string, budgetMs: number): Promise<DesignOutcome | null>;
  /** Durable on return: what the receiver is about to answer CableBuilder about the job. */
  recordAnswer(jobId: string, status: ImportStatus, message: string): Promise<void>;
  /**
   * True when an outcome not known at answer time still reaches CableBuilder later (Update Design
   * with write-back attributes). When false the receiver never answers "queued" with success.
   */
  readonly reportsLater: boolean;
}

export type ReceiverAuth =
  | { mode: 'shared-secret'; secret: string; header?: string }
  | { mode: 'basic'; user: string; password: string }
  | { mode: 'none-explicit' };

export type CableBuilderReceiverOptions = {
  /** Route path, e.g. `/cablebuilder/send-design`. */
  path: string;
  auth: ReceiverAuth;
  bodyLimitBytes?: number;
  policy: ReceiverPolicy;
  mode: 'queue' | 'sync';
  syncBudgetMs?: number;
  inbox: DesignInbox;
  translation: DesignTranslationOptions;
  assumptions?: Partial<CableBuilderAssumptions>;
  now?: () => Date;
};

export const DEFAULT_SECRET_HEADER = 'x-shopwire-secret';

/**
 * The prefix whose unknown paths the receiver answers (404 in the error structure): the path's
 * parent folder with a trailing slash, `/cablebuilder/` for `/cablebuilder/send-design`. A path
 * directly under `/` claims only itself plus anything below it (`/send-design/…`), never the app's root.
 */
export function receiverPrefix(path: string): string | null {
  const parent = path.replace(/\/+$/, '').replace(/\/[^/]*$/, '');
  return parent === '' ? null : `${parent}/`;
}

/** Catch-all routes already registered per HTTP server, so several receivers can share a prefix. */
const claimedPrefixes = new WeakMap<object, Set<string>>();

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorised(request: FastifyRequest, auth: ReceiverAuth): boolean {
  if (auth.mode === 'none-explicit') return true;
  if (auth.mode === 'shared-secret') {
    const given = request.headers[(auth.header ?? DEFAULT_SECRET_HEADER).toLowerCase()];
    return typeof given === 'string' && same(given, auth.secret);
  }
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return false;
  return same(Buffer.from(header.slice(6), 'base64').toString('utf8'), `${auth.user}:${auth.password}`);
}

export async function cableBuilderReceiver(app: FastifyInstance, options: CableBuilderReceiverOptions): Promise<void> {
  const a = resolveAssumptions(options.assumptions);
  const now = options.now ?? (() => new Date());
  if (options.auth.mode === 'shared-secret') registerSecret(options.auth.secret);
  if (options.auth.mode === 'basic') registerSecret(options.auth.password);
  const bodyLimit = options.bodyLimitBytes ?? 5 * 1024 * 1024;
  const fail = (request: FastifyRequest, reply: FastifyReply, status: number, name: string, detail: string): FastifyReply =>
    reply.code(status).type('application/json; charset=utf-8').send(errorAnswer(status, name, detail, `${request.protocol}://${request.host}${request.url.split('?')[0]}`, now()));

  // Bodies are read as text here whatever the Content-Type, so every failure gets our error structure.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error.statusCode === 413) return fail(request, reply, 413, 'PayloadTooLargeException', `request body exceeds ${bodyLimit} bytes`);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return fail(request, reply, error.statusCode, 'BadRequestException', error.message);
    request.log.error({ err: error }, 'cablebuilder receiver failed');
    return fail(request, reply, 500, 'Exception', 'internal error; the design was not processed');
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!authorised(request, options.auth)) return fail(request, reply, 401, 'UnauthorizedException', 'credentials missing or wrong');
  });

  // Every other method on the path is a 405, every other path under the prefix a 404, both in the
  // error structure (reference S1, S8): HEAD, OPTIONS, TRACE and the rarer methods included.
  const methods = everyMethodBut(app);
  app.route({
    method: methods.filter((m) => m !== 'POST'),
    url: options.path,
    // Answered before the body is read: a method Fastify expects a body for (QUERY, …) must not
    // turn into a content-type complaint.
    onRequest: async (request, reply) => fail(request, reply, 405, 'Method Not Allowed', `${request.method} is not supported; use POST`),
    handler: async (_request, reply) => reply,
  });
  const prefix = receiverPrefix(options.path);
  const claimed = claimedPrefixes.get(app.server) ?? new Set<string>();
  claimedPrefixes.set(app.server, claimed);
  for (const url of prefix === null ? [`${options.path}/`, `${options.path}/*`] : [prefix.slice(0, -1), prefix, `${prefix}*`]) {
    // Two receivers under one prefix (say a sync and a queue path) share one catch-all.
    if (claimed.has(url)) continue;
    claimed.add(url);
    app.route({
      method: methods,
      url,
      onRequest: async (request, reply) => fail(request, reply, 404, 'Request Not Found', `no Send Design endpoint at ${request.url.split('?')[0]}; it is POST ${options.path}`),
      handler: async (_request, reply) => reply,
    });
  }

  app.post(options.path, { bodyLimit }, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    if (raw.trim() === '') return fail(request, reply, 400, 'RequestBodyNotDefinedException', 'no request body found');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      return fail(request, reply, 400, 'JsonException', (error as Error).message);
    }
    const isArray = Array.isArray(json);
    if (isArray && !a.receiverAcceptsArray) return fail(request, reply, 400, 'JsonException', 'expected one design object, got an array');
    if (json === null || typeof json !== 'object') return fail(request, reply, 400, 'JsonException', 'expected a design object or an array of designs');
    const elements = isArray ? (json as unknown[]) : [json];
    if (elements.length === 0) return fail(request, reply, 400, 'DesignNotDefinedException', 'the array holds no design');
    const designs: CommonDesign[] = [];
    for (const [i, element] of elements.entries()) {
      const read = readReceivedDesign(element, isArray ? `[${i}]` : 'body', a);
      if ('exception' in read) return fail(request, reply, read.status, read.exception, read.message);
      designs.push(read);
    }
    return reply.code(200).type('application/json; charset=utf-8').send(await handle(designs));
  });

  async function handle(designs: CommonDesign[]): Promise<SendDesignResponse> {
    let planned;
    try {
      planned = planDesignImport(designs, options.translation, options.policy.accept);
    } catch (error) {
      if (error instanceof DesignRefusedError) return { success: false, errors: error.reasons, update: null };
      if (error instanceof DesignTranslationError) return { success: false, errors: error.problems.map((p) => `Error: ${p.where}: ${p.message}`), update: null };
      throw error;
    }
    const { top, partRevision, plan } = planned;
    const notes = plan.warnings.map((w) => `Warning: ${w.message}`);
    const name = designKey(top.detail.design, top.detail.designAlternative);
    // Durable before acknowledged (S5): an exception here becomes a 500 error structure.
    const stored = await options.inbox.receive({
      design: top.detail.design,
      alternative: top.detail.designAlternative,
      version: top.detail.version ?? null,
      payload: designs,
      payloadHash: payloadHash(designs),
    });
    if (!stored.created && !stored.changed) notes.push(`Note: design ${name} version ${top.detail.version ?? '?'} was already received (job ${stored.jobId})`);
    else if (!stored.created) notes.push(`Note: design ${name} was received before with other content; re-importing version ${top.detail.version ?? '?'} (job ${stored.jobId})`);
    const facts = { prcpart: partRevision.prcpart, revision: partRevision.revision_text };
    // What CableBuilder is told is recorded durably before it is answered, so a "queued" answer is
    // always followed by the real outcome through Update Design (engine/design-report.ts).
    const answer = async (success: boolean, status: ImportStatus, errors: string[], reason?: string): Promise<SendDesignResponse> => {
      const message = outcomeMessage({ ...facts, status }, reason);
      await options.inbox.recordAnswer(stored.jobId, status, `${message} (answer to Send Design, job ${stored.jobId})`);
      return { success, errors, update: toWriteBack(top, { ...facts, status, message }, options.policy.writeBack) };
    };
    if (options.mode === 'sync') {
      const outcome = await options.inbox.waitForOutcome(stored.jobId, options.syncBudgetMs ?? 10_000);
      if (outcome?.state === 'done') return answer(true, 'done', [...notes, `Note: imported into Cetec as ${outcome.prcpart} revision ${outcome.revision}`]);
      if (outcome?.state === 'failed') {
        const errors = outcome.errors.map((e) => (/^(Error|Warning|Note):/.test(e) ? e : `Error: ${e}`));
        return answer(false, 'failed', [...notes, ...errors], outcome.errors.join('; '));
      }
    }
    if (!options.inbox.reportsLater) {
      // Nothing could correct a "queued" answer later (no CableBuilder client or no write-back
      // attribute): say truthfully that the design is not in the ERP yet; a resend learns the outcome.
      return {
        success: false,
        errors: [...notes, `Error: design ${name} is not in the ERP yet: its import into Cetec as ${facts.prcpart} revision ${facts.revision} is still running (job ${stored.jobId}) and its outcome cannot be reported later; send the design again to learn it`],
        update: null,
      };
    }
    return answer(true, 'queued', [...notes, `Note: queued for import into Cetec as ${facts.prcpart} revision ${facts.revision} (job ${stored.jobId}); the outcome follows by Update Design`]);
  }
}
