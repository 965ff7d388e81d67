/**
 * Client of CableBuilder's ERP Integration API: Get, Update and Create Design (reference 7–10).
 * Built on lib/http.ts (timeouts, retries only when safe, breaker, transfer records, redaction,
 * TLS always verified). Every documented exception comes back as a CableBuilderError carrying the
 * status, the exception name and the detail; requests CableBuilder would refuse with a 400 are
 * refused here first (request-checks.ts) and never sent.
 *
 * Retry safety: Get is a read; Update sets absolute values, so repeating it ends in the same state
 * (10.1); Create is not repeated automatically: after an unknown outcome the caller must Get first.
 */
import { createHttpTarget, HttpAmbiguousError, type HttpPolicyOptions, type HttpResponse, type HttpTarget } from '../../lib/http.ts';
import { registerSecret, redactValue } from '../../lib/redact.ts';
import type { TransferRecorder } from '../../lib/transfer.ts';
import { DEFAULT_ASSUMPTIONS } from './assumptions.ts';
import { CableBuilderAnswerError, CableBuilderError, splitErrorMessage, type CableBuilderCall } from './errors.ts';
import { checkCreateRequest, checkUpdateRequest, toWireDesign } from './request-checks.ts';
import { designKey, designSchema, errorResponseSchema, getDesignResponseSchema, type Attribute, type CommonDesign } from './schemas.ts';

export type CableBuilderAuth = { kind: 'basic'; user: string; password: string } | { kind: 'header'; name: string; value: string };

export type CableBuilderClientOptions = {
  /** e.g. `http://127.0.0.1:8080/live/rest/erpIntegration` (the context segment is part of it ). */
  baseUrl: string;
  auth?: CableBuilderAuth;
  /** Single-level Get, Update, Create (default 30 s [P-11]). */
  timeoutMs?: number;
  /** Multi-level Get (default 120 s [P-11]). */
  multiLevelTimeoutMs?: number;
  recorder?: TransferRecorder;
  concurrency?: number;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /**
   * Circuit breaker of lib/http/policy.ts (default 5 consecutive failures, 30 s open). It counts
   * only failures saying CableBuilder is unwell: the documented permanent 500s
   * (PlantDoesNotExistException…) are answers about the request and never open it.
   */
  breaker?: { consecutiveFailures: number; halfOpenAfterMs: number } | false;
};

export type GetDesignInput = { design: string; designAlternative: number; singleLevel?: boolean };

/** One attribute's result in an Update or Create answer, matched by position (8.3). */
export type AttributeResult = { location: string; name: string; value: string | null; success: boolean; message: string | null };

export type DesignWriteResult = {
  /** The answer body (the request echoed and populated). */
  design: CommonDesign;
  results: AttributeResult[];
  /** Every attribute succeeded (warnings count as success [DOC]). */
  ok: boolean;
  /** Failure lines from `detail.errors`. */
  errors: string[];
};

export interface CableBuilderClient {
  /** Single-level: one element. Multi-level: children first (level, order descending), no duplicates. */
  getDesign(input: GetDesignInput): Promise<CommonDesign[]>;
  /** `ctx.recorder` records the call somewhere else than the client's recorder (a job's transfers). */
  updateDesign(design: CommonDesign, ctx?: { recorder?: TransferRecorder }): Promise<DesignWriteResult>;
  createDesign(design: CommonDesign): Promise<DesignWriteResult>;
  /**
   * Diagnostics and conformance only: sends `body` as given (no checks, no retry) to `path` below
   * the base URL and returns the parsed answer or throws the CableBuilderError it maps to.
   */
  callRaw(path: string, body: unknown, method?: 'POST' | 'GET' | 'PUT' | 'DELETE'): Promise<unknown>;
  close(): Promise<void>;
}

export function createCableBuilderClient(options: CableBuilderClientOptions): CableBuilderClient {
  const headers: Record<string, string> = {};
  if (options.auth?.kind === 'basic') {
    registerSecret(options.auth.password);
    const token = Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64');
    registerSecret(token);
    headers.authorization = `Basic ${token}`;
  } else if (options.auth?.kind === 'header') {
    registerSecret(options.auth.value);
    headers[options.auth.name.toLowerCase()] = options.auth.value;
  }
  // Policy: 4 calls in flight, the default retry, the default breaker; each of the two targets
  // (short and multi-level calls) has its own.
  const policy: HttpPolicyOptions = {
    concurrency: options.concurrency ?? 4,
    ...(options.retry ? { retry: options.retry } : {}),
    breaker: options.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
    // A documented exception the hub classifies as permanent (kind data, config or internal) says
    // the request is wrong, not that CableBuilder is unwell: the breaker does not count it.
    permanentAnswer: (error) => errorFromBody('getDesign', error.facts.status ?? 500, error.body ?? error.facts.bodyExcerpt ?? '', error)?.permanent === true,
  };
  const common = {
    system: 'cablebuilder' as const,
    baseUrl: options.baseUrl,
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...policy,
  };
  const short: HttpTarget = createHttpTarget({ ...common, timeoutMs: options.timeoutMs ?? DEFAULT_ASSUMPTIONS.clientTimeoutMs });
  const long: HttpTarget = createHttpTarget({ ...common, timeoutMs: options.multiLevelTimeoutMs ?? DEFAULT_ASSUMPTIONS.clientMultiLevelTimeoutMs });

  async function call(target: HttpTarget, endpoint: CableBuilderCall, body: unknown, retrySafe: boolean, path = `/${endpoint}`, method: 'POST' | 'GET' | 'PUT' | 'DELETE' = 'POST', recorder?: TransferRecorder): Promise<unknown> {
    let response: HttpResponse;
    try {
      response = await target.requestJson({ method, path, body, endpoint, retrySafe, headers, ...(recorder ? { recorder } : {}) });
    } catch (error) {
      // lib/http/transport.ts turns every 5xx into HttpAmbiguousError; CableBuilder's 500s carry a named
      // exception, several of them permanent (PlantDoesNotExist...), so read the name back.
      // The whole body (up to 1 MiB), not an excerpt: a message with a stack trace is several KB.
      const text = error instanceof HttpAmbiguousError ? (error.body ?? error.facts.bodyExcerpt) : undefined;
      if (error instanceof HttpAmbiguousError && error.facts.status !== null && text !== undefined) {
        const named = errorFromBody(endpoint, error.facts.status, text, error);
        if (named !== null) throw named;
      }
      throw error;
    }
    if (response.status === 200) return response.body;
    const named = errorFromBody(endpoint, response.status, response.rawText, undefined);
    throw named ?? new CableBuilderError({ call: endpoint, status: response.status, exception: null, detail: response.rawText.slice(0, 200) });
  }

  return {
    async getDesign(input) {
      const singleLevel = input.singleLevel === true;
      const body = { design: input.design, designAlternative: input.designAlternative, ...(singleLevel ? { singleLevel: true } : {}) };
      const answer = await call(singleLevel ? short : long, 'getDesign', body, true);
      const parsed = getDesignResponseSchema.safeParse(answer);
      if (!parsed.success) throw new CableBuilderAnswerError('getDesign', `not an array of designs: ${parsed.error.issues[0]?.message ?? ''}`);
      return normaliseMultiLevel(parsed.data);
    },
    async updateDesign(design, ctx) {
      checkUpdateRequest(design);
      const answer = await call(short, 'updateDesign', toWireDesign(design, 'update'), true, '/updateDesign', 'POST', ctx?.recorder);
      return writeResult('updateDesign', answer);
    },
    async createDesign(design) {
      checkCreateRequest(design);
      const answer = await call(short, 'createDesign', toWireDesign(design, 'create'), false);
      return writeResult('createDesign', answer);
    },
    async callRaw(path, body, method = 'POST') {
      const endpoint = (['getDesign', 'updateDesign', 'createDesign'] as const).find((e) => path === `/${e}`) ?? 'getDesign';
      return call(short, endpoint, body, false, path, method);
    },
    async close() {
      await Promise.all([short.close(), long.close()]);
    },
  };
}

/** Maps an error answer (status and body text) to its CableBuilderError, or null when it is not one. */
export function errorFromBody(call: CableBuilderCall, status: number, text: string, cause: unknown): CableBuilderError | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Container-made 404/405 pages may not be JSON: classify by status.
    if (status === 404) return new CableBuilderError({ call, status, exception: 'Request Not Found', detail: 'non-JSON 404 (wrong base URL or context?)' }, { cause });
    if (status === 405) return new CableBuilderError({ call, status, exception: 'Method Not Allowed', detail: 'non-JSON 405' }, { cause });
    return null;
  }
  const parsed = errorResponseSchema.safeParse(json);
  if (!parsed.success) return null;
  const { name, detail } = splitErrorMessage(parsed.data.message);
  // A 500 `Exception` from Create may follow a partial write: the outcome is unknown (10.1).
  const kind = call === 'createDesign' && name === 'Exception' ? ('ambiguous' as const) : undefined;
  return new CableBuilderError({ call, status, exception: name, detail: detail.split('\n')[0] ?? '', body: redactValue(parsed.data) }, { cause, ...(kind ? { kind } : {}) });
}

/**
 * Keeps the guide's multi-level contract: sorted by level then order, both descending, no
 * duplicate (design, alternative), the occurrence with the highest (level, order) kept [DOC, A-41].
 * A conforming answer comes back unchanged.
 */
export function normaliseMultiLevel(designs: CommonDesign[]): CommonDesign[] {
  const best = new Map<string, CommonDesign>();
  const rank = (d: CommonDesign): [number, number] => [d.detail.level ?? 0, d.detail.order ?? 0];
  for (const d of designs) {
    const key = designKey(d.detail.design, d.detail.designAlternative);
    const seen = best.get(key);
    if (seen === undefined) best.set(key, d);
    else {
      const [l1, o1] = rank(seen);
      const [l2, o2] = rank(d);
      if (l2 > l1 || (l2 === l1 && o2 > o1)) best.set(key, d);
    }
  }
  return [...best.values()].sort((a, b) => rank(b)[0] - rank(a)[0] || rank(b)[1] - rank(a)[1]);
}

/** Reads an Update or Create answer: each attribute's result by position (8.3); `ok` only when every one says `success: true`. */
export function writeResult(call: CableBuilderCall, answer: unknown): DesignWriteResult {
  const parsed = designSchema.safeParse(answer);
  if (!parsed.success) throw new CableBuilderAnswerError(call, `not a design: ${parsed.error.issues[0]?.message ?? ''}`);
  const design = parsed.data;
  const results: AttributeResult[] = [];
  const add = (location: string, attrs: Attribute[] | null | undefined): void => {
    // Stored only when CableBuilder says so: `success: null` or missing is not a success.
    for (const a of attrs ?? []) results.push({ location, name: a.name, value: a.value ?? null, success: a.success === true, message: a.message ?? null });
  };
  add('header', design.header?.attributes);
  if (design.plant) add(`plant ${design.plant.plant ?? ''}`, design.plant.attributes);
  for (const op of design.operations ?? []) {
    const at = `operation ${op.operation}`;
    add(at, op.attributes);
    for (const r of op.resources ?? []) add(`${at} resource ${r.resource}`, r.attributes);
    for (const l of op.layers ?? []) {
      add(`${at} layer ${l.layer}`, l.attributes);
      for (const b of l.boms ?? []) add(`${at} layer ${l.layer} position ${b.position}`, b.attributes);
    }
  }
  return { design, results, ok: results.every((r) => r.success), errors: design.detail.errors ?? [] };
}
