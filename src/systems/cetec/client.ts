/**
 * The Cetec client: the two write calls of the order export (cetec.md §4.1, §4.3) and a few reads,
 * on top of lib/http.ts. It adds the preshared token when it sends (plans never hold it), judges
 * each answer by status AND body (§8 item 21), and turns every failure into a Cetec error whose
 * kind tells the engine what to do (errors.ts).
 *
 * Retry policy, by call:
 * - `defineBom`: idempotent (the same tree replaces the same BOM, §6.1), so it is retried on
 *   transient failures, and a lost answer is reported as transient, not ambiguous.
 * - `importOrders`: never repeated once the request may have reached Cetec (§6.2, §8 items 2, 8);
 *   only a connection that was never established is retried. A lost answer is ambiguous.
 * - reads: retried freely.
 */
import { createHttpTarget, HttpAmbiguousError, HttpUnavailableError } from '../../lib/http.ts';
import type { RateGate, SharedGate } from '../../lib/http/policy.ts';
import type { BreakerOptions, HttpPolicyOptions, HttpRequest, HttpResponse, RetryOptions } from '../../lib/http.ts';
import { registerSecret, redactText } from '../../lib/redact.ts';
import type { TransferRecorder } from '../../lib/transfer.ts';
import {
  CetecAmbiguousError,
  CetecAuthError,
  CetecConfigError,
  CetecDuplicateKeyError,
  CetecRejectedError,
  CetecUnavailableError,
} from './errors.ts';
import type { CetecBomNode, CetecImportOrder, CetecImportResult, CetecPartUpdate, CetecRevisionUpdate } from './schemas.ts';

export type CetecClientOptions = {
  /** Tenant URL without `/api`, e.g. `https://acme.cetecerp.com`. */
  baseUrl: string;
  /** The preshared token, or how to read it at each call (a token fixed in the secrets file applies on a config reload). */
  token: string | (() => string);
  /** Per attempt: connect + headers + body. Default 30 s. */
  timeoutMs?: number;
  /** Calls in flight. Default 4. */
  concurrency?: number;
  ratePerSecond?: number;
  /** `import_source_name` on imports (§4.3); omitted when undefined. */
  importSourceName?: string;
  /** Where the token goes on `partrevisiondefinition`: the body (default; keeps it out of URLs) or the query. */
  tokenPlacement?: 'body' | 'query';
  /** The tenant's concurrency held across processes too (several hub processes on one PostgreSQL). */
  shared?: SharedGate;
  /** The tenant's rate held across processes: replaces this process's own bucket of `ratePerSecond`. */
  sharedRate?: RateGate;
  recorder?: TransferRecorder;
  retry?: Partial<RetryOptions>;
  breaker?: BreakerOptions | false;
};

export type CetecCallContext = { step?: number; recorder?: TransferRecorder; signal?: AbortSignal };

/** An answer as it came: status, parsed JSON body (null when not JSON), content type and the start of the text (redacted). */
export type CetecRawAnswer = { status: number; body: unknown; contentType: string; text: string };

export type CetecOrderRef = { quote: number | null; order: number | null; location: string };

export interface CetecClient {
  /** How long an import may still take effect after it was sent: twice the call's deadline plus 5 s. */
  readonly importSettleMs: number;
  defineBom(node: CetecBomNode, ctx?: CetecCallContext): Promise<void>;
  importOrders(orders: CetecImportOrder[], ctx?: CetecCallContext): Promise<CetecImportResult>;
  findOrderByExternalKey(key: string, ctx?: CetecCallContext): Promise<CetecOrderRef | null>;
  /**
   * `GET /api/order?external_key=`: the tenant's answer as it came (parsed JSON), for the self-test
   * that establishes whether the lookup works (selftest.ts). Non-2xx answers throw like any read.
   */
  lookupOrders(key: string, ctx?: CetecCallContext): Promise<CetecRawAnswer>;
  /**
   * `GET /api/customer?id=0&columns=id` (the read Cetec's own backup tool makes, BT): a working
   * tenant answers a JSON array. The answer as it came, whatever its status (for doctor); a
   * connection or server failure throws.
   */
  probe(ctx?: CetecCallContext): Promise<CetecRawAnswer & { location: string }>;
  getPart(prcpart: string, ctx?: CetecCallContext): Promise<unknown | null>;
  /**
   * `PUT /api/part`: creates the part or updates its description (all input in the query, §4.5).
   * Reads first; a refused update of an existing part is a warning, not a failure. Safe to repeat.
   */
  updatePart(body: CetecPartUpdate, ctx?: CetecCallContext): Promise<{ warning?: string }>;
  /**
   * `PUT /api/partrevisiondefinition` in the older shape (§4.2): makes `body.revision` the part's
   * current revision and sets its BOM lines (the same ones the definition sent). Safe to repeat.
   */
  setCurrentRevision(body: CetecRevisionUpdate, ctx?: CetecCallContext): Promise<void>;
  breakerState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Cetec signals a refused token or a reused key only in free text (no codes are evidenced, §2,
 * §6.2), so these two patterns are the one place that reads its messages.
 */
const TOKEN_REFUSED = /\b(invalid|bad|wrong|missing)\b.*\btoken\b|\btoken\b.*\b(invalid|refused|required)\b/i;
const KEY_REUSED = /external[ _]?key.*\b(already|used|exists|duplicate|unique)\b|\b(duplicate|already)\b.*external[ _]?key/i;

function messageOf(body: unknown): string {
  return isObj(body) && typeof body.message === 'string' ? body.message : '';
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return null;
}

function numberList(v: unknown): number[] | null {
  if (!Array.isArray(v)) return null;
  const out = v.map(toNumber);
  return out.every((n): n is number => n !== null) ? out : null;
}

export function createCetecClient(options: CetecClientOptions): CetecClient {
  const token = (): string => (typeof options.token === 'function' ? options.token() : options.token);
  registerSecret(token());
  // Policy: 4 calls in flight, the default retry and breaker (lib/http/policy.ts); each call says
  // whether it is retry-safe (see the top of this file).
  const policy: HttpPolicyOptions = {
    concurrency: options.concurrency ?? 4,
    ...(options.ratePerSecond === undefined ? {} : { ratePerSecond: options.ratePerSecond }),
    ...(options.shared === undefined ? {} : { shared: options.shared }),
    ...(options.sharedRate === undefined ? {} : { sharedRate: options.sharedRate }),
    ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const target = createHttpTarget({
    system: 'cetec',
    baseUrl: options.baseUrl,
    timeoutMs,
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
    ...policy,
  });
  const tokenInBody = (options.tokenPlacement ?? 'body') === 'body';

  const call = (req: Omit<HttpRequest, 'step' | 'recorder' | 'signal'>, ctx: CetecCallContext | undefined): Promise<HttpResponse> =>
    target.requestJson({
      ...req,
      ...(ctx?.step === undefined ? {} : { step: ctx.step }),
      ...(ctx?.recorder === undefined ? {} : { recorder: ctx.recorder }),
      ...(ctx?.signal === undefined ? {} : { signal: ctx.signal }),
    });

  /**
   * A write that replaces what it sets (a BOM, a part's description): retried when transient, and
   * judged by status (the bodies are not documented, cetec.md 4.1, 4.5), though a JSON body saying
   * `success: 0` is still a refusal.
   */
  async function idempotentWrite(
    req: Omit<HttpRequest, 'step' | 'recorder' | 'signal' | 'retrySafe'>,
    ctx: CetecCallContext | undefined,
    success: (status: number) => boolean = ok,
  ): Promise<void> {
    let res: HttpResponse;
    try {
      res = await call({ ...req, retrySafe: true, expectJson: false, outcome: succeeded }, ctx);
    } catch (error) {
      fromHttpError(error, req.endpoint, true);
    }
    if (!ok(res.status)) fromStatus(res, req.endpoint);
    if (isObj(res.body) && Number(res.body.success) === 0) fromSuccessZero(res, req.endpoint);
    if (!success(res.status)) {
      const cetecMessage = redactText(messageOf(res.body) || res.rawText.slice(0, 300));
      throw new CetecRejectedError(`Cetec answered ${req.endpoint} with HTTP ${res.status}, not the 200 the production exporter saw as success (cetec.md §4.1); check the result in Cetec`, {
        endpoint: req.endpoint,
        status: res.status,
        cetecMessage,
      });
    }
  }

  /** Maps an HTTP-level failure; `idempotent` turns a lost answer into a transient failure. */
  function fromHttpError(error: unknown, endpoint: string, idempotent: boolean): never {
    if (error instanceof HttpUnavailableError) {
      throw new CetecUnavailableError(`Cetec ${endpoint} unavailable: ${error.message}`, { endpoint, status: error.facts.status, httpCode: error.code, ...(error.facts.retryAfterMs === undefined ? {} : { retryAfterMs: error.facts.retryAfterMs }) }, error);
    }
    if (error instanceof HttpAmbiguousError) {
      const details = { endpoint, status: error.facts.status, httpCode: error.code };
      if (idempotent) throw new CetecUnavailableError(`Cetec ${endpoint}: answer lost, safe to repeat: ${error.message}`, details, error);
      throw new CetecAmbiguousError(`Cetec ${endpoint}: the call may have taken effect: ${error.message}`, details, error);
    }
    throw error;
  }

  /** Statuses that are not 2xx (5xx and 429 were already thrown by the HTTP layer). */
  function fromStatus(res: HttpResponse, endpoint: string): never {
    const cetecMessage = redactText(messageOf(res.body) || res.rawText.slice(0, 300));
    const details = { endpoint, status: res.status, cetecMessage };
    if (res.status === 401 || res.status === 403) throw new CetecAuthError(`Cetec refused the token on ${endpoint} (HTTP ${res.status})`, details);
    if (res.status === 404 || (res.status >= 300 && res.status < 400)) {
      throw new CetecConfigError(`Cetec ${endpoint} answered HTTP ${res.status}: check the base URL`, details);
    }
    throw new CetecRejectedError(`Cetec refused ${endpoint} (HTTP ${res.status}): ${cetecMessage}`, details);
  }

  function fromSuccessZero(res: HttpResponse, endpoint: string): never {
    const cetecMessage = redactText(messageOf(res.body));
    const details = { endpoint, status: res.status, cetecMessage };
    if (TOKEN_REFUSED.test(cetecMessage)) throw new CetecAuthError(`Cetec refused the token on ${endpoint}: ${cetecMessage}`, details);
    throw new CetecRejectedError(`Cetec refused ${endpoint}: ${cetecMessage || '(no message)'}`, details);
  }

  const ok = (status: number): boolean => status >= 200 && status < 300;
  const succeeded = (res: HttpResponse): 'ok' | 'failed' => (ok(res.status) && !(isObj(res.body) && Number(res.body.success) === 0) ? 'ok' : 'failed');

  /** `GET /api/part/{prcpart}`: the part, or null when Cetec says it is missing (404, or no `prcpart` in the answer). */
  async function getPart(prcpart: string, ctx?: CetecCallContext): Promise<unknown | null> {
    const endpoint = 'part.get';
    let res: HttpResponse;
    try {
      res = await call({ method: 'GET', path: `/api/part/${encodeURIComponent(prcpart)}`, query: { preshared_token: token() }, endpoint, retrySafe: true }, ctx);
    } catch (error) {
      fromHttpError(error, endpoint, true);
    }
    if (res.status === 404) return null;
    if (!ok(res.status)) fromStatus(res, endpoint);
    return isObj(res.body) && res.body.prcpart ? res.body : null;
  }

  return {
    importSettleMs: 2 * timeoutMs + 5_000,
    async defineBom(node, ctx) {
      await idempotentWrite(
        {
          method: 'POST',
          path: '/api/partrevisiondefinition',
          query: tokenInBody ? {} : { preshared_token: token() },
          headers: { version: '2.0' },
          body: tokenInBody ? { ...node, preshared_token: token() } : node,
          endpoint: 'partrevisiondefinition',
        },
        ctx,
        // Only 200 is evidenced as success (PY accepts nothing else; CY's 2xx check is looser).
        (status) => status === 200,
      );
    },

    async importOrders(orders, ctx) {
      const endpoint = 'importjson';
      let res: HttpResponse;
      try {
        res = await call(
          {
            method: 'POST',
            path: '/importjson/quotes',
            query: { preshared_token: token(), import_source_name: options.importSourceName },
            // As the production exporter sent it (cetec.md §3): its imports succeeded on a real
            // tenant with this header; CY's without it. Either is evidenced; production's wins.
            headers: { version: '2.0' },
            body: orders,
            endpoint,
            retrySafe: false,
            outcome: succeeded,
          },
          ctx,
        );
      } catch (error) {
        fromHttpError(error, endpoint, false);
      }
      if (!ok(res.status)) fromStatus(res, endpoint);
      const body = res.body;
      const quotes = isObj(body) ? numberList(body.quotes ?? []) : null;
      const placed = isObj(body) ? numberList(body.orders ?? []) : null;
      if (!isObj(body) || quotes === null || placed === null || !('success' in body)) {
        // 2xx but not the documented shape: Cetec may have created the order.
        throw new CetecAmbiguousError(`Cetec ${endpoint}: unexpected answer (HTTP ${res.status}); the order may exist`, {
          endpoint,
          status: res.status,
          cetecMessage: redactText(res.rawText.slice(0, 300)),
        });
      }
      if (Number(body.success) === 1) return { quotes, orders: placed, message: messageOf(body), success: 1 };
      const cetecMessage = redactText(messageOf(body));
      if (KEY_REUSED.test(cetecMessage)) {
        const key = orders.length === 1 ? orders[0]!.external_key : orders.map((o) => o.external_key).join(',');
        throw new CetecDuplicateKeyError(`Cetec ${endpoint}: external_key ${key} was already used; the order exists but its numbers are unknown`, key, {
          endpoint,
          status: res.status,
          cetecMessage,
        });
      }
      if (quotes.length > 0) {
        // Some orders of a multi-order body were created; repeating would duplicate them.
        throw new CetecRejectedError(`Cetec ${endpoint}: partly refused: ${cetecMessage}`, { endpoint, status: res.status, cetecMessage, createdQuotes: quotes, createdOrders: placed });
      }
      fromSuccessZero(res, endpoint);
    },

    async findOrderByExternalKey(key, ctx) {
      const endpoint = 'order.lookup';
      let res: HttpResponse;
      try {
        res = await call({ method: 'GET', path: '/api/order', query: { preshared_token: token(), external_key: key }, endpoint, retrySafe: true }, ctx);
      } catch (error) {
        fromHttpError(error, endpoint, true);
      }
      if (!ok(res.status)) fromStatus(res, endpoint);
      if (!Array.isArray(res.body)) throw new CetecConfigError(`Cetec ${endpoint}: expected a JSON array; this tenant does not support the lookup`, { endpoint, status: res.status });
      // Filter here too: a server that ignored the filter must not make another order look like ours.
      const match = res.body.find((o): o is Obj => isObj(o) && o.external_key === key);
      if (match === undefined) return null;
      return { quote: toNumber(match.quote), order: toNumber(match.ordernum), location: typeof match.location === 'string' ? match.location : '' };
    },

    async lookupOrders(key, ctx) {
      const endpoint = 'order.lookup';
      let res: HttpResponse;
      try {
        res = await call({ method: 'GET', path: '/api/order', query: { preshared_token: token(), external_key: key }, endpoint, retrySafe: true, expectJson: false }, ctx);
      } catch (error) {
        fromHttpError(error, endpoint, true);
      }
      if (!ok(res.status)) fromStatus(res, endpoint);
      return { status: res.status, body: res.body, contentType: res.headers['content-type'] ?? '', text: redactText(res.rawText.slice(0, 300)) };
    },

    getPart,

    async probe(ctx) {
      const endpoint = 'customer.probe';
      let res: HttpResponse;
      try {
        res = await call({ method: 'GET', path: '/api/customer', query: { preshared_token: token(), id: '0', columns: 'id' }, endpoint, retrySafe: true, expectJson: false }, ctx);
      } catch (error) {
        fromHttpError(error, endpoint, true);
      }
      return { status: res.status, body: res.body, contentType: res.headers['content-type'] ?? '', text: redactText(res.rawText.slice(0, 300)), location: redactText(res.headers.location ?? '') };
    },

    async setCurrentRevision(body, ctx) {
      await idempotentWrite(
        {
          method: 'PUT',
          path: '/api/partrevisiondefinition',
          query: tokenInBody ? {} : { preshared_token: token() },
          body: tokenInBody ? { ...body, preshared_token: token() } : body,
          endpoint: 'partrevisiondefinition.put',
        },
        ctx,
      );
    },

    async updatePart(body, ctx) {
      // Read before write (§4.5: what PUT does to an existing part is unknown; CY reads first or
      // tolerates a failure): a part that already reads as wanted is left alone.
      const before = (await getPart(body.prcpart, ctx)) as Obj | null;
      if (before !== null && before.description === body.description) return {};
      try {
        await idempotentWrite(
          { method: 'PUT', path: '/api/part', query: { preshared_token: token(), prcpart: body.prcpart, description: body.description }, endpoint: 'part.put' },
          ctx,
        );
        return {};
      } catch (error) {
        // A refusal ("already exists", or any 4xx) on a part that exists: judge by what Cetec holds now.
        if (!(error instanceof CetecRejectedError)) throw error;
        const after = (await getPart(body.prcpart, ctx)) as Obj | null;
        if (after === null) throw error;
        if (after.description === body.description) return {};
        const held = typeof after.description === 'string' ? `"${after.description}"` : 'its old description';
        return {
          warning: `Cetec refused to change the description of existing part ${body.prcpart} (${error.cetecMessage || `HTTP ${String(error.status)}`}); it keeps ${held}`,
        };
      }
    },

    breakerState: () => target.breakerState(),
    close: () => target.close(),
  };
}
