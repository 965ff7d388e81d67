/**
 * Outbound JSON over HTTP, the one way every client (Cetec, Paperless, CableBuilder) talks to the
 * outside. One `HttpTarget` per system and base URL joins two parts:
 *
 * - the transport (src/lib/http/transport.ts): one attempt over an undici Agent under its own
 *   deadline, the answer classified as returned, `HttpUnavailableError` (certainly not applied) or
 *   `HttpAmbiguousError` (maybe applied) (src/lib/http/errors.ts), and recorded with secrets
 *   redacted;
 * - the policy (src/lib/http/policy.ts): concurrency and rate limits, the circuit breaker, and
 *   which failures are retried with what backoff, stated by each client in `HttpPolicyOptions`.
 */
import { createHttpPolicy } from './http/policy.ts';
import type { BreakerStateName, HttpPolicyOptions } from './http/policy.ts';
import { createHttpTransport } from './http/transport.ts';
import type { HttpRequest, HttpResponse, HttpTransportOptions } from './http/transport.ts';

export { HttpAmbiguousError, HttpUnavailableError } from './http/errors.ts';
export type { HttpErrorFacts } from './http/errors.ts';
export { DEFAULT_BREAKER, DEFAULT_RETRY } from './http/policy.ts';
export type { BreakerOptions, BreakerStateName, HttpPolicyOptions, RetryOptions } from './http/policy.ts';
export { parseRetryAfter } from './http/transport.ts';
export type { HttpRequest, HttpResponse, HttpTransportOptions, QueryValue } from './http/transport.ts';

export type HttpTargetOptions = HttpTransportOptions & HttpPolicyOptions;

export interface HttpTarget {
  requestJson(req: HttpRequest): Promise<HttpResponse>;
  breakerState(): BreakerStateName;
  close(): Promise<void>;
}

export function createHttpTarget(options: HttpTargetOptions): HttpTarget {
  const transport = createHttpTransport(options);
  const policy = createHttpPolicy(options);
  return {
    async requestJson(req) {
      const url = transport.urlOf(req);
      const call = { system: options.system, endpoint: req.endpoint, method: req.method, url, retrySafe: req.retrySafe, signal: req.signal };
      return policy.execute(call, (attempt) => transport.attempt(req, url, attempt));
    },
    breakerState: () => policy.breakerState(),
    close: () => transport.close(),
  };
}
