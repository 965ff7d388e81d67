/**
 * The Paperless Parts Open API client: every call an order export makes (reference §5), on the
 * shared HTTP helper (src/lib/http.ts: timeouts, retries, breaker, concurrency, transfer records).
 *
 * Retry safety: reads, the `erp_code` PATCH, action status PATCHes and heartbeats repeat without
 * changing the outcome, so they are retried on 429/5xx/timeouts. Creating an action and posting
 * action errors are not: a lost answer surfaces as an `ambiguous` error for the caller to settle.
 * The event poll is marked retry-safe although reading consumes (§5.3): a repeat cannot duplicate
 * anything, and events lost with an answer can be found again with `listEvents`.
 *
 * 429: `Retry-After` is honoured by the HTTP helper; when only the message says how long
 * ("Expected available in N seconds", the SDK's parser), the client waits N seconds once more
 * for retry-safe calls (at most `maxRateLimitWaitMs`), else throws with `retryAfterMs` set.
 *
 * `getOrder` answers null for a number that does not exist: during discovery "no such order" is an
 * ordinary answer (orders can be deleted, numbering has gaps), not a failure.
 */
import { z } from 'zod';
import { createHttpTarget, HttpAmbiguousError, HttpUnavailableError } from '../../lib/http.ts';
import type { BreakerOptions, HttpPolicyOptions, HttpRequest, HttpResponse, HttpTarget, RetryOptions } from '../../lib/http.ts';
import type { RateGate } from '../../lib/http/policy.ts';
import { ShopwireError } from '../../lib/errors.ts';
import { redactText, registerSecret } from '../../lib/redact.ts';
import type { TransferRecorder } from '../../lib/transfer.ts';
import {
  PaperlessAuthError,
  PaperlessNotFoundError,
  PaperlessRateLimitedError,
  PaperlessRejectedError,
  PaperlessResponseError,
  PaperlessUnavailableError,
} from './errors.ts';
import type { PaperlessErrorFacts } from './errors.ts';
import {
  actionErrorSchema,
  customTableSchema,
  integrationActionSchema,
  managedIntegrationSchema,
  normaliseEvent,
  orderGroupPageSchema,
  orderNumbersSchema,
  paginatedSchema,
  paymentTermsSchema,
  pollPageSchema,
  rawEventSchema,
  STATUS_MESSAGE_MAX,
} from './schemas.ts';
import type { ActionErrorRecord, ActionStatus, CustomTable, IntegrationAction, ManagedIntegration, PaperlessEvent, PaymentTerms } from './schemas.ts';

export type PaperlessClientOptions = {
  /** e.g. `https://api.paperlessparts.com` (no version segment; `/v1` may be appended). */
  baseUrl: string;
  /** The API token, or how to read it at each call (a token fixed in the secrets file applies on a config reload). */
  token: string | (() => string);
  /** Deadline of one attempt (default 60 s; an order is a few hundred kB). */
  timeoutMs?: number;
  /** Calls in flight (default 4). */
  concurrency?: number;
  /** Client-side pacing; the account's budget is 100 per minute (SDK README). Default: unpaced. */
  ratePerMinute?: number;
  /** The token's rate held across processes: replaces this process's own bucket of `ratePerMinute`. */
  sharedRate?: RateGate;
  recorder?: TransferRecorder;
  retry?: Partial<RetryOptions>;
  breaker?: BreakerOptions | false;
  /** Longest wait taken from a 429 message before giving up (default 60 s). */
  maxRateLimitWaitMs?: number;
  random?: () => number;
};

export type EventPage = { results: PaperlessEvent[]; hasMore: boolean; invalid: unknown[] };
export type EventListPage = { count: number; hasNext: boolean; results: PaperlessEvent[]; invalid: unknown[] };
export type ActionListPage = { count: number; hasNext: boolean; results: IntegrationAction[] };
export type ActionUpdate = { status: ActionStatus; status_message?: string | null; current_record_count?: number | null };
export type ActionErrorInput = { reference_id?: string | null; error_message: string; cause?: string | null };
/** For a call made for a job: `recorder` records it among the job's transfers instead of the client's recorder. */
export type PaperlessCallContext = { recorder?: TransferRecorder; signal?: AbortSignal };

export interface PaperlessClient {
  /** The order as raw JSON (the translator validates it), or null when there is no such number. */
  getOrder(number: number, ctx?: PaperlessCallContext): Promise<unknown | null>;
  /** Order numbers created after `lastOrder` (all when omitted), ascending. */
  newOrderNumbers(lastOrder?: number): Promise<number[]>;
  /** The highest order number of the account via the SDK's group listing; null when it has no orders. */
  newestOrderNumber(groupSlug: string): Promise<number | null>;
  /** Writes the ERP's order id back onto the order (null clears it). */
  setOrderErpCode(number: number, erpCode: string | null, ctx?: PaperlessCallContext): Promise<void>;
  getManagedIntegration(uuid: string): Promise<ManagedIntegration>;
  /** Undelivered events of these types; reading marks them delivered unless `createDispatchRecords` is false. */
  pollEvents(integrationUuid: string, types: string[], options?: { createDispatchRecords?: boolean }): Promise<EventPage>;
  listEvents(options?: { types?: string[]; wasDispatched?: boolean; page?: number }): Promise<EventListPage>;
  listIntegrationActions(integrationUuid: string, options?: { statuses?: ActionStatus[]; types?: string[]; page?: number }): Promise<ActionListPage>;
  getIntegrationAction(uuid: string, ctx?: PaperlessCallContext): Promise<IntegrationAction>;
  createIntegrationAction(integrationUuid: string, input: { type: string; entity_id: string | number }): Promise<IntegrationAction>;
  /** `status_message` is redacted and cut to 250 characters. */
  updateIntegrationAction(uuid: string, update: ActionUpdate, ctx?: PaperlessCallContext): Promise<IntegrationAction>;
  reportActionErrors(uuid: string, errors: ActionErrorInput[]): Promise<ActionErrorRecord[]>;
  heartbeat(integrationUuid: string, intervalSeconds: number): Promise<void>;
  paymentTerms(): Promise<PaymentTerms[]>;
  getCustomTable(name: string): Promise<CustomTable | null>;
  close(): Promise<void>;
}

type Call = Omit<HttpRequest, 'headers'>;

export function createPaperlessClient(options: PaperlessClientOptions): PaperlessClient {
  const token = (): string => (typeof options.token === 'function' ? options.token() : options.token);
  registerSecret(token());
  const headers = (): Record<string, string> => ({ authorization: `API-Token ${token()}` });
  const maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 60_000;
  // Policy: 4 calls in flight, Paperless's rate limit per minute when configured, the default
  // retry and breaker (lib/http/policy.ts); a 429 that names its wait only in the message is
  // waited out below (requestWithMessageWait).
  const policy: HttpPolicyOptions = {
    concurrency: options.concurrency ?? 4,
    ...(options.ratePerMinute === undefined ? {} : { ratePerSecond: options.ratePerMinute / 60 }),
    ...(options.sharedRate === undefined ? {} : { sharedRate: options.sharedRate }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
    ...(options.random === undefined ? {} : { random: options.random }),
  };
  const target: HttpTarget = createHttpTarget({
    system: 'paperless',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
    ...policy,
  });

  /** Sends a call; answers 2xx and the 4xx the caller lists in `pass`; maps everything else to a typed error. */
  async function send(call: Call, pass: readonly number[] = []): Promise<HttpResponse> {
    let response: HttpResponse;
    try {
      response = await requestWithMessageWait(call);
    } catch (error) {
      throw translateThrown(error, call);
    }
    if ((response.status >= 200 && response.status < 300) || pass.includes(response.status)) return response;
    throw statusError(response, call);
  }

  async function requestWithMessageWait(call: Call): Promise<HttpResponse> {
    try {
      return await target.requestJson({ ...call, headers: headers() });
    } catch (error) {
      const wait = rateLimitWait(error);
      if (!call.retrySafe || wait === undefined || error instanceof HttpUnavailableError && error.facts.retryAfterMs !== undefined || wait > maxRateLimitWaitMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      return await target.requestJson({ ...call, headers: headers() });
    }
  }

  async function json<T extends z.ZodType>(call: Call, schema: T): Promise<z.infer<T>> {
    const response = await send(call);
    return parse(schema, response, call);
  }

  const seg = encodeURIComponent;
  /** A call's own recorder and signal, when made for a job. */
  const inJob = (ctx: PaperlessCallContext | undefined): Pick<Call, 'recorder' | 'signal'> => ({
    ...(ctx?.recorder === undefined ? {} : { recorder: ctx.recorder }),
    ...(ctx?.signal === undefined ? {} : { signal: ctx.signal }),
  });

  return {
    async getOrder(number, ctx) {
      assertOrderNumber(number);
      const response = await send({ method: 'GET', path: `/orders/public/${number}`, endpoint: 'orders.get', retrySafe: true, ...inJob(ctx) }, [404]);
      if (response.status === 404) return null;
      if (response.body === null || typeof response.body !== 'object' || Array.isArray(response.body)) {
        throw new PaperlessResponseError(`Paperless order ${number}: answer is not a JSON object`, facts(call('orders.get', 'GET', `/orders/public/${number}`), response), `order ${number}`);
      }
      return response.body;
    },

    async newOrderNumbers(lastOrder) {
      if (lastOrder !== undefined && (!Number.isInteger(lastOrder) || lastOrder < 0)) throw new RangeError(`lastOrder must be a whole number ≥ 0, got ${lastOrder}`);
      const numbers = await json(
        { method: 'GET', path: '/orders/public/new', query: { last_order: lastOrder }, endpoint: 'orders.new', retrySafe: true },
        orderNumbersSchema,
      );
      return [...numbers].sort((a, b) => a - b);
    },

    async newestOrderNumber(groupSlug) {
      const page = await json(
        { method: 'GET', path: `/orders/groups/${seg(groupSlug)}`, query: { o: '-number' }, endpoint: 'orders.groups', retrySafe: true },
        orderGroupPageSchema,
      );
      return page.results.reduce<number | null>((max, r) => (max === null || r.number > max ? r.number : max), null);
    },

    async setOrderErpCode(number, erpCode, ctx) {
      assertOrderNumber(number);
      await send({ method: 'PATCH', path: `/orders/public/${number}`, body: { erp_code: erpCode }, endpoint: 'orders.set_erp_code', retrySafe: true, ...inJob(ctx) });
    },

    async getManagedIntegration(uuid) {
      const c: Call = { method: 'GET', path: `/managed_integrations/public/${seg(uuid)}`, endpoint: 'managed_integrations.get', retrySafe: true };
      try {
        return await json(c, managedIntegrationSchema);
      } catch (error) {
        // The uuid comes from configuration: a miss is a config problem, not bad data.
        if (error instanceof PaperlessNotFoundError) throw new PaperlessNotFoundError(`Paperless managed integration ${uuid} does not exist (check the configured uuid)`, error.facts, 'config');
        throw error;
      }
    },

    async pollEvents(integrationUuid, types, pollOptions = {}) {
      const c: Call = {
        method: 'GET',
        path: `/managed_integrations/public/${seg(integrationUuid)}/poll`,
        query: {
          event_type_in: types.length > 0 ? types.join(',') : undefined,
          create_dispatch_records: pollOptions.createDispatchRecords === false ? 'false' : undefined,
        },
        endpoint: 'managed_integrations.poll',
        retrySafe: true,
      };
      const page = await json(c, pollPageSchema);
      const items = Array.isArray(page) ? page : page.results;
      const { results, invalid } = events(items);
      return { results, hasMore: Array.isArray(page) ? false : page.has_more_events === true, invalid };
    },

    async listEvents(listOptions = {}) {
      const c: Call = {
        method: 'GET',
        path: '/events/public',
        query: {
          event_type_in: listOptions.types?.join(','),
          was_dispatched: listOptions.wasDispatched === undefined ? undefined : String(listOptions.wasDispatched),
          page: listOptions.page,
        },
        endpoint: 'events.list',
        retrySafe: true,
      };
      const page = await json(c, paginatedSchema(z.unknown()));
      const { results, invalid } = events(page.results);
      return { count: page.count, hasNext: page.next !== null, results, invalid };
    },

    async listIntegrationActions(integrationUuid, listOptions = {}) {
      const c: Call = {
        method: 'GET',
        path: `/managed_integrations/public/${seg(integrationUuid)}/integration_actions`,
        // OA1's spelling (the reference §9.12: accept both, emit the documented one).
        query: { status_in: listOptions.statuses?.join(','), type_in: listOptions.types?.join(','), page: listOptions.page },
        endpoint: 'integration_actions.list',
        retrySafe: true,
      };
      const page = await json(c, paginatedSchema(integrationActionSchema));
      return { count: page.count, hasNext: page.next !== null, results: page.results };
    },

    async getIntegrationAction(uuid, ctx) {
      return json({ method: 'GET', path: `/integration_actions/public/${seg(uuid)}`, endpoint: 'integration_actions.get', retrySafe: true, ...inJob(ctx) }, integrationActionSchema);
    },

    async createIntegrationAction(integrationUuid, input) {
      return json(
        {
          method: 'POST',
          path: `/managed_integrations/public/${seg(integrationUuid)}/integration_actions`,
          body: { type: input.type, entity_id: String(input.entity_id) },
          endpoint: 'integration_actions.create',
          retrySafe: false,
        },
        integrationActionSchema,
      );
    },

    async updateIntegrationAction(uuid, update, ctx) {
      const body: Record<string, unknown> = { status: update.status };
      if (update.status_message !== undefined) body.status_message = update.status_message === null ? null : statusMessage(update.status_message);
      if (update.current_record_count !== undefined) body.current_record_count = update.current_record_count;
      return json(
        { method: 'PATCH', path: `/integration_actions/public/${seg(uuid)}`, body, endpoint: 'integration_actions.update', retrySafe: true, ...inJob(ctx) },
        integrationActionSchema,
      );
    },

    async reportActionErrors(uuid, errors) {
      const body = {
        errors: errors.map((e) => ({ reference_id: e.reference_id ?? null, error_message: redactText(e.error_message), cause: e.cause === undefined || e.cause === null ? null : redactText(e.cause) })),
      };
      return json(
        { method: 'POST', path: `/integration_actions/public/${seg(uuid)}/errors`, body, endpoint: 'integration_actions.errors', retrySafe: false },
        z.array(actionErrorSchema),
      );
    },

    async heartbeat(integrationUuid, intervalSeconds) {
      if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) throw new RangeError(`heartbeat interval must be whole seconds > 0, got ${intervalSeconds}`);
      // A repeated heartbeat only says "alive" twice.
      await send({ method: 'POST', path: `/managed_integrations/public/${seg(integrationUuid)}/heartbeat`, body: { interval: intervalSeconds }, endpoint: 'managed_integrations.heartbeat', retrySafe: true });
    },

    async paymentTerms() {
      return json({ method: 'GET', path: '/customers/public/payment_terms', endpoint: 'payment_terms.list', retrySafe: true }, z.array(paymentTermsSchema));
    },

    async getCustomTable(name) {
      const c: Call = { method: 'GET', path: `/suppliers/public/custom_tables/${seg(name)}`, endpoint: 'custom_tables.get', retrySafe: true };
      const response = await send(c, [404]);
      if (response.status === 404) return null;
      return parse(customTableSchema, response, c);
    },

    close: () => target.close(),
  };
}

function call(endpoint: string, method: HttpRequest['method'], path: string): Call {
  return { endpoint, method, path, retrySafe: true };
}

function assertOrderNumber(number: number): void {
  if (!Number.isInteger(number) || number <= 0) throw new RangeError(`order number must be a whole number > 0, got ${number}`);
}

/** Redacted, then cut to the 250 characters Paperless shows (counted in code points, as Python does). */
export function statusMessage(text: string): string {
  const chars = Array.from(redactText(text));
  return chars.length <= STATUS_MESSAGE_MAX ? chars.join('') : `${chars.slice(0, STATUS_MESSAGE_MAX - 1).join('')}…`;
}

function events(items: unknown[]): { results: PaperlessEvent[]; invalid: unknown[] } {
  const results: PaperlessEvent[] = [];
  const invalid: unknown[] = [];
  // An event that cannot be read is handed back, not thrown: the poll has already consumed it.
  for (const item of items) {
    const parsed = rawEventSchema.safeParse(item);
    if (parsed.success) results.push(normaliseEvent(parsed.data));
    else invalid.push(item);
  }
  return { results, invalid };
}

function facts(c: Call, response: HttpResponse | null, bodyExcerpt?: string): PaperlessErrorFacts {
  return {
    endpoint: c.endpoint,
    method: c.method,
    url: redactText(c.path),
    status: response?.status ?? null,
    ...(bodyExcerpt === undefined ? {} : { bodyExcerpt: redactText(bodyExcerpt.slice(0, 500)) }),
  };
}

function parse<T extends z.ZodType>(schema: T, response: HttpResponse, c: Call): z.infer<T> {
  const result = schema.safeParse(response.body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.join('.');
  throw new PaperlessResponseError(
    `Paperless ${c.endpoint}: unexpected answer at ${where}: ${issue?.message ?? 'invalid'}`,
    facts(c, response, response.rawText),
    where,
  );
}

function statusError(response: HttpResponse, c: Call): ShopwireError {
  const envelope = response.body !== null && typeof response.body === 'object' ? (response.body as { code?: unknown; message?: unknown }) : {};
  const apiMessage = typeof envelope.message === 'string' ? envelope.message : response.rawText.slice(0, 200);
  const f = facts(c, response, response.rawText);
  const message = redactText(`Paperless ${c.endpoint} (${c.method} ${c.path}): HTTP ${response.status}: ${apiMessage}`);
  if (response.status === 401 || response.status === 403) return new PaperlessAuthError(message, f);
  if (response.status === 404) return new PaperlessNotFoundError(message, f);
  return new PaperlessRejectedError(message, f, typeof envelope.code === 'string' ? envelope.code : null);
}

/** Milliseconds to wait from a 429 answer: `Retry-After` first, then the message's N (SDK parser). */
function rateLimitWait(error: unknown): number | undefined {
  if (!(error instanceof HttpUnavailableError) || error.code !== 'http.rate_limited') return undefined;
  if (error.facts.retryAfterMs !== undefined) return error.facts.retryAfterMs;
  return secondsFromMessage(error.facts.bodyExcerpt);
}

export function secondsFromMessage(body: string | undefined): number | undefined {
  if (body === undefined) return undefined;
  const match = /available in (\d+) second/i.exec(body) ?? /(\d+) seconds?/i.exec(body);
  return match === null ? undefined : Number(match[1]) * 1000;
}

function translateThrown(error: unknown, c: Call): unknown {
  if (error instanceof HttpUnavailableError) {
    const f: PaperlessErrorFacts = { endpoint: c.endpoint, method: c.method, url: error.facts.url, status: error.facts.status };
    if (error.code === 'http.rate_limited') return new PaperlessRateLimitedError(`Paperless ${c.endpoint}: rate limited (HTTP 429)`, f, rateLimitWait(error), error);
    return new PaperlessUnavailableError(error.message, f, error);
  }
  if (error instanceof HttpAmbiguousError && c.retrySafe) {
    // Repeating a read or an idempotent write is harmless, so "unknown outcome" is just "try later".
    return new PaperlessUnavailableError(error.message, { endpoint: c.endpoint, method: c.method, url: error.facts.url, status: error.facts.status }, error);
  }
  return error;
}
