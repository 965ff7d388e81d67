/**
 * JSON API under /api/v1: everything the dashboard shows and does (docs/http-api.md,
 * docs/openapi.json). Bodies that leave here pass `redactValue` once more.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { redactValue } from '../../lib/redact.ts';
import { apiError, principalOf } from '../access.ts';
import { maskConfig, mappingTables } from '../config-view.ts';
import { profileNames, type ServerContext } from '../context.ts';
import { parseJobQuery } from '../job-query.ts';
import { loadOverview } from '../overview.ts';
import type { ActionName } from '../ports.ts';
import { PREVIEW_KINDS } from '../preview-types.ts';

const api = { config: { access: 'api' } } as const;
const ACTIONS: ActionName[] = ['retry', 'replay', 'cancel'];
export const PREVIEW_BODY_LIMIT = 5 * 1024 * 1024;

const previewBody = z.object({
  kind: z.enum(PREVIEW_KINDS),
  profile: z.string().optional(),
  document: z.unknown().refine((v) => v !== undefined && v !== null, 'required'),
});

function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(redactValue(value));
}

export async function apiRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/api/v1/status', api, async (_request, reply) => sendJson(reply, await loadOverview(ctx.port, ctx.now(), Object.keys(ctx.config.profiles))));

  app.get('/api/v1/jobs', api, async (request, reply) => {
    const parsed = parseJobQuery(request.query);
    if (!parsed.ok) return apiError(reply, 400, 'bad-query', parsed.message);
    const { jobs, total } = await ctx.port.listJobs(parsed.query);
    return sendJson(reply, { jobs, total, limit: parsed.query.limit, offset: parsed.query.offset });
  });

  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', api, async (request, reply) => {
    const job = await ctx.port.getJob(request.params.id);
    if (job === null) return apiError(reply, 404, 'not-found', `no job ${request.params.id}`);
    return sendJson(reply, job);
  });

  for (const action of ACTIONS) {
    app.post<{ Params: { id: string } }>(`/api/v1/jobs/:id/${action}`, api, async (request, reply) => {
      const actor = principalOf(request)?.user ?? 'unknown';
      const result = await ctx.port.act(action, request.params.id, actor);
      if (!result.ok) return apiError(reply, result.code === 'not-found' ? 404 : 409, result.code, result.reason);
      return sendJson(reply, { job: result.job });
    });
  }

  app.get<{ Querystring: { jobId?: string; before?: string; limit?: string; format?: string } }>('/api/v1/audit', api, async (request, reply) => {
    const q = request.query;
    const limit = q.limit === undefined ? 1000 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return apiError(reply, 400, 'bad-query', 'limit: a whole number from 1 to 10000');
    if (q.before !== undefined && Number.isNaN(Date.parse(q.before))) return apiError(reply, 400, 'bad-query', 'before: an ISO time');
    const entries = await ctx.port.audit({ ...(q.jobId ? { jobId: q.jobId } : {}), ...(q.before ? { before: q.before } : {}), limit });
    if (q.format === 'csv') {
      const cell = (v: string | null): string => {
        const text = v ?? '';
        // Quoted, and a leading = + - @ neutralised so a spreadsheet does not run it as a formula.
        return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replaceAll('"', '""')}"`;
      };
      const rows = [['at', 'actor', 'action', 'profile', 'job', 'detail'], ...entries.map((e) => [e.at, e.actor, e.action, e.profile, e.jobId, e.detail])];
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="shopwire-audit.csv"')
        .send(`${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`);
    }
    return sendJson(reply, { entries });
  });

  app.post<{ Params: { profile: string } }>('/api/v1/profiles/:profile/resume', api, async (request, reply) => {
    const actor = principalOf(request)?.user ?? 'unknown';
    const result = await ctx.port.resume(request.params.profile, actor);
    if (!result.ok) return apiError(reply, result.code === 'not-found' ? 404 : 409, result.code, result.reason);
    return sendJson(reply, { profile: request.params.profile, resumed: true, wasPausedFor: result.wasPausedFor });
  });

  app.post('/api/v1/preview', { ...api, bodyLimit: PREVIEW_BODY_LIMIT }, async (request, reply) => {
    const parsed = previewBody.safeParse(request.body);
    if (!parsed.success) return apiError(reply, 400, 'bad-body', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const profile = parsed.data.profile ?? ctx.config.defaultProfile;
    if (!(profile in ctx.config.profiles)) return apiError(reply, 400, 'bad-body', `profile: no profile named ${JSON.stringify(profile)}`);
    const result = await ctx.preview({ kind: parsed.data.kind, document: parsed.data.document, profile });
    return sendJson(reply.code(result.ok ? 200 : 422), result);
  });

  app.get<{ Querystring: { profile?: string } }>('/api/v1/mappings', api, async (request, reply) => {
    const profile = request.query.profile || ctx.config.defaultProfile;
    if (!(await profileNames(ctx)).includes(profile)) return apiError(reply, 404, 'not-found', `no profile ${profile}`);
    const { tables, settings } = mappingTables(ctx.config, profile);
    return sendJson(reply, { profile, tables, settings, unmapped: await ctx.port.unmappedValues(profile) });
  });

  app.get('/api/v1/settings', api, async (_request, reply) => sendJson(reply, maskConfig(ctx.config)));
}
