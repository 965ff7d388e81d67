/** Parsing the jobs filter from a query string (pages and API share it). */
import { z } from 'zod';
import { FLOWS, JOB_STATES, type JobQuery } from './ports.ts';

const emptyToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const jobQuerySchema = z.object({
  state: z.preprocess(emptyToUndefined, z.enum(JOB_STATES).optional()),
  profile: z.preprocess(emptyToUndefined, z.string().max(100).optional()),
  flow: z.preprocess(emptyToUndefined, z.enum(FLOWS).optional()),
  text: z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(200).optional()),
  from: z.preprocess(emptyToUndefined, z.string().regex(DAY, 'a day as YYYY-MM-DD').optional()),
  to: z.preprocess(emptyToUndefined, z.string().regex(DAY, 'a day as YYYY-MM-DD').optional()),
  limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(50)),
  offset: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(0)),
});

export type JobQueryResult = { ok: true; query: JobQuery } | { ok: false; message: string };

export function parseJobQuery(raw: unknown): JobQueryResult {
  const parsed = jobQuerySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') };
  }
  const q = parsed.data;
  return {
    ok: true,
    query: {
      limit: q.limit,
      offset: q.offset,
      ...(q.state ? { state: q.state } : {}),
      ...(q.profile ? { profile: q.profile } : {}),
      ...(q.flow ? { flow: q.flow } : {}),
      ...(q.text ? { text: q.text } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
    },
  };
}
