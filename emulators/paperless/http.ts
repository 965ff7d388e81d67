/**
 * Small HTTP helpers shared by the emulator's routes: the JSON error envelope (reference §4), the
 * plain-text 404 of GET-by-id routes, and `{count, next, previous, results}` pagination (§3).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export type ErrorCode = 'authentication_failed' | 'not_found' | 'throttled' | 'invalid' | 'server_error';

/** The JSON error envelope (OA2's 404 shape; the SDK reads `code` and `message`). */
export function errorEnvelope(code: ErrorCode, message: string, extra: unknown = null): { error: true; code: ErrorCode; message: string; extra: unknown } {
  return { error: true, code, message, extra };
}

/** 429 wording the SDK's parser reads the wait from ("… in N seconds"). */
export function throttledMessage(seconds: number): string {
  return `Request was throttled. Expected available in ${seconds} seconds.`;
}

export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string, extra: unknown = null): FastifyReply {
  return reply.code(status).type('application/json').send(errorEnvelope(code, message, extra));
}

/** OA1/OA2: `404` with `text/plain` body `Error: Not Found` on GETs by id or number. */
export function sendNotFoundText(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain').send('Error: Not Found');
}

export type Query = Record<string, string | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/** Parses `page` (1-based). Returns null when it is not a positive integer. */
export function pageOf(query: Query): number | null {
  if (query.page === undefined || query.page === '') return 1;
  return /^\d+$/.test(query.page) && Number(query.page) >= 1 ? Number(query.page) : null;
}

export function paginate<T>(request: FastifyRequest, items: T[], page: number, pageSize: number): { count: number; next: string | null; previous: string | null; results: T[] } {
  const start = (page - 1) * pageSize;
  const results = items.slice(start, start + pageSize);
  const link = (p: number): string => {
    const url = new URL(request.url, `${request.protocol}://${request.host}`);
    url.searchParams.set('page', String(p));
    return url.toString();
  };
  return {
    count: items.length,
    next: start + pageSize < items.length ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results,
  };
}

/** `a,b` or repeated parameters, as a list; undefined when absent. */
export function listParam(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return parts;
}

export function boolParam(value: string | undefined, fallback: boolean): boolean | null {
  if (value === undefined || value === '') return fallback;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
