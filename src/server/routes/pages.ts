/**
 * The dashboard's HTML pages. Each reads through the port and renders a view; actions are POST
 * forms (CSRF token checked by access.ts) that redirect back to the job (post/redirect/get).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { pageUser } from '../access.ts';
import { maskConfig, mappingTables } from '../config-view.ts';
import { profileNames, type ServerContext } from '../context.ts';
import { parseJobQuery } from '../job-query.ts';
import { loadOverview } from '../overview.ts';
import type { ActionName, JobSummary } from '../ports.ts';
import { redactText } from '../../lib/redact.ts';
import { PREVIEW_KINDS, type PreviewKind, type PreviewResult } from '../preview-types.ts';
import { PREVIEW_BODY_LIMIT } from './api.ts';
import { mappingsBody, settingsBody, type MappingsNotice } from '../views/config-pages.ts';
import { confirmBody, jobBody } from '../views/job-page.ts';
import { jobsBody } from '../views/jobs-page.ts';
import { errorPage, layout } from '../views/layout.ts';
import { overviewBody } from '../views/overview-page.ts';
import { previewBody } from '../views/preview-page.ts';

const page = { config: { access: 'page' } } as const;

const CSV_MAX_ROWS = 100_000;
const CSV_HEADER = ['job', 'flow', 'profile', 'key', 'state', 'failed_runs', 'created', 'updated', 'error_code', 'error'];

/** One CSV line (RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with '). */
function csvRow(j: JobSummary): string {
  const cells = [j.id, j.flow, j.profile, j.key, j.state, String(j.attempts), j.createdAt, j.updatedAt, j.lastError?.code ?? '', redactText(j.lastError?.message ?? '')];
  return cells
    .map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c))
    .map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
    .join(',');
}
const ACTIONS: readonly ActionName[] = ['retry', 'replay', 'cancel'];
const DONE_NOTICE: Record<ActionName, string> = {
  retry: 'Retry requested: the job will run again from its last completed step.',
  replay: 'Replay requested: the job will run again from the start.',
  cancel: 'Job cancelled.',
};

export function sendPage(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(markup);
}

export async function pageRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/', page, async (request, reply) => {
    const now = ctx.now();
    const overview = await loadOverview(ctx.port, now, Object.keys(ctx.config.profiles));
    const user = pageUser(request);
    return sendPage(reply, layout({ title: 'Overview', active: 'overview', page: 'overview', user, refreshSeconds: ctx.refreshSeconds, body: overviewBody(overview, now, user.csrf) }));
  });

  app.get('/jobs', page, async (request, reply) => {
    const user = pageUser(request);
    const parsed = parseJobQuery(request.query);
    if (!parsed.ok) return sendPage(reply, errorPage('Bad filter', parsed.message, user), 400);
    const [{ jobs, total }, profiles] = await Promise.all([ctx.port.listJobs(parsed.query), profileNames(ctx)]);
    return sendPage(
      reply,
      layout({ title: 'Jobs', active: 'jobs', page: 'jobs', user, refreshSeconds: ctx.refreshSeconds, body: jobsBody({ query: parsed.query, jobs, total, profiles, nowMs: ctx.now() }) }),
    );
  });

  // The job history as CSV, with the list's filters (a date range, say); at most CSV_MAX_ROWS rows.
  app.get('/jobs.csv', page, async (request, reply) => {
    const parsed = parseJobQuery(request.query);
    if (!parsed.ok) return sendPage(reply, errorPage('Bad filter', parsed.message, pageUser(request)), 400);
    const rows: string[] = [CSV_HEADER.join(',')];
    for (let offset = 0; offset < CSV_MAX_ROWS; offset += 200) {
      const { jobs } = await ctx.port.listJobs({ ...parsed.query, limit: 200, offset });
      for (const j of jobs) rows.push(csvRow(j));
      if (jobs.length < 200) break;
    }
    const name = `shopwire-jobs${parsed.query.from ? `-from-${parsed.query.from}` : ''}${parsed.query.to ? `-to-${parsed.query.to}` : ''}.csv`;
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(`${rows.join('\r\n')}\r\n`);
  });

  app.get<{ Params: { id: string }; Querystring: { did?: string } }>('/jobs/:id', page, async (request, reply) => {
    const user = pageUser(request);
    const job = await ctx.port.getJob(request.params.id);
    if (job === null) return sendPage(reply, errorPage('Job not found', `There is no job ${request.params.id}.`, user), 404);
    const did = ACTIONS.find((a) => a === request.query.did);
    return sendPage(
      reply,
      layout({
        title: `${job.key} (${job.flow})`,
        active: 'jobs',
        page: 'job',
        user,
        // Follow a job that is still moving; a finished one stays still.
        ...(job.state === 'pending' || job.state === 'running' || job.state === 'retrying' ? { refreshSeconds: ctx.refreshSeconds } : {}),
        body: jobBody(job, user.csrf, ctx.now(), did ? DONE_NOTICE[did] : undefined, await ctx.port.audit({ jobId: job.id, limit: 50 })),
      }),
    );
  });

  app.post<{ Params: { id: string; action: string }; Body: Record<string, string> }>('/jobs/:id/:action', page, async (request, reply) => {
    const user = pageUser(request);
    const action = ACTIONS.find((a) => a === request.params.action);
    if (action === undefined) return sendPage(reply, errorPage('Unknown action', `No action ${request.params.action}.`, user), 404);
    const job = await ctx.port.getJob(request.params.id);
    if (job === null) return sendPage(reply, errorPage('Job not found', `There is no job ${request.params.id}.`, user), 404);
    // Without JavaScript there was no confirm dialog: ask on a page of its own first.
    if (request.body?.confirmed !== '1') {
      return sendPage(reply, layout({ title: 'Confirm', active: 'jobs', page: 'confirm', user, body: confirmBody(job.id, job.key, action, user.csrf) }));
    }
    const result = await ctx.port.act(action, job.id, user.name);
    if (!result.ok) return sendPage(reply, errorPage(`Cannot ${action}`, result.reason, user), result.code === 'not-found' ? 404 : 409);
    return reply.redirect(`/jobs/${encodeURIComponent(job.id)}?did=${action}`, 303);
  });

  app.post<{ Params: { profile: string } }>('/profiles/:profile/resume', page, async (request, reply) => {
    const user = pageUser(request);
    const result = await ctx.port.resume(request.params.profile, user.name);
    if (!result.ok) return sendPage(reply, errorPage('Cannot resume', result.reason, user), result.code === 'not-found' ? 404 : 409);
    return reply.redirect(`/?resumed=${encodeURIComponent(request.params.profile)}`, 303);
  });

  const previewPage = async (
    request: { body?: unknown },
    reply: FastifyReply,
    user: { name: string; csrf: string },
    form: { kind: PreviewKind; profile: string; text: string },
    result: PreviewResult | null,
  ): Promise<FastifyReply> =>
    sendPage(
      reply,
      layout({ title: 'Preview', active: 'preview', page: 'preview', user, body: previewBody({ csrf: user.csrf, profiles: await profileNames(ctx), ...form, result }) }),
      result !== null && !result.ok ? 422 : 200,
    );

  app.get('/preview', page, async (request, reply) =>
    previewPage(request, reply, pageUser(request), { kind: 'order', profile: ctx.config.defaultProfile, text: '' }, null),
  );

  app.post<{ Body: Record<string, string> }>('/preview', { ...page, bodyLimit: PREVIEW_BODY_LIMIT }, async (request, reply) => {
    const user = pageUser(request);
    const body = request.body ?? {};
    const kind = PREVIEW_KINDS.find((k) => k === body.kind) ?? 'order';
    const profile = body.profile && body.profile in ctx.config.profiles ? body.profile : ctx.config.defaultProfile;
    const text = typeof body.document === 'string' ? body.document : '';
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      return previewPage(request, reply, user, { kind, profile, text }, { ok: false, problems: [{ code: 'json.invalid', message: `not valid JSON: ${(error as Error).message}` }] });
    }
    const result = await ctx.preview({ kind, document, profile });
    return previewPage(request, reply, user, { kind, profile, text }, result);
  });

  const mappingsPage = async (
    request: Parameters<typeof pageUser>[0],
    reply: FastifyReply,
    requested: string | undefined,
    notice?: MappingsNotice,
  ): Promise<FastifyReply> => {
    const user = pageUser(request);
    const profiles = await profileNames(ctx);
    const profile = requested && profiles.includes(requested) ? requested : ctx.config.defaultProfile;
    const { tables, settings } = mappingTables(ctx.config, profile);
    const unmapped = await ctx.port.unmappedValues(profile);
    return sendPage(
      reply,
      layout({
        title: 'Mappings',
        active: 'mappings',
        page: 'mappings',
        user,
        body: mappingsBody({ profiles, profile, tables, settings, unmapped, csrf: user.csrf, canReload: ctx.port.reloadConfig !== undefined, canRetry: ctx.port.retryMappingJobs !== undefined, ...(notice ? { notice } : {}) }),
      }),
      notice?.ok === false ? 422 : 200,
    );
  };

  app.get<{ Querystring: { profile?: string } }>('/mappings', page, async (request, reply) => mappingsPage(request, reply, request.query.profile));

  // Reload the config file: validated first; the running config is kept when it has problems.
  app.post<{ Body: Record<string, string> }>('/mappings/reload', page, async (request, reply) => {
    const user = pageUser(request);
    if (!ctx.port.reloadConfig) return sendPage(reply, errorPage('Cannot reload', 'This hub cannot reload its configuration.', user), 409);
    const outcome = await ctx.port.reloadConfig(user.name);
    const notice: MappingsNotice = outcome.ok
      ? {
          ok: true,
          lines: [
            outcome.applied.length > 0 ? `Configuration reloaded from ${outcome.file}: new mappings in force for ${outcome.applied.map((a) => a.split('.')[1]).join(', ')}.` : `Configuration reloaded from ${outcome.file}: no mapping changed.`,
            ...(outcome.needsRestart.length > 0 ? [`These changes need a restart to take effect: ${outcome.needsRestart.join(', ')}.`] : []),
          ],
        }
      : { ok: false, lines: ['The configuration was not reloaded: the file has problems, so the running configuration is kept.', ...outcome.problems] };
    return mappingsPage(request, reply, request.body?.profile, notice);
  });

  // Retry, in one action, every job of the profile that stopped on a missing mapping.
  app.post<{ Body: Record<string, string> }>('/mappings/retry', page, async (request, reply) => {
    const user = pageUser(request);
    if (!ctx.port.retryMappingJobs) return sendPage(reply, errorPage('Cannot retry', 'This hub cannot retry jobs from here.', user), 409);
    const profiles = await profileNames(ctx);
    const profile = request.body?.profile && profiles.includes(request.body.profile) ? request.body.profile : ctx.config.defaultProfile;
    const { retried } = await ctx.port.retryMappingJobs(profile, user.name);
    return mappingsPage(request, reply, profile, {
      ok: true,
      lines: [retried.length === 0 ? 'No job of this profile was waiting on a mapping.' : `Retry requested for ${retried.length} job(s) that waited on a mapping: ${retried.slice(0, 10).join(', ')}${retried.length > 10 ? ', …' : ''}.`],
      jobIds: retried,
    });
  });

  app.get('/settings', page, async (request, reply) => {
    const tenants = ctx.port.cetecTenant === undefined ? [] : await Promise.all((await profileNames(ctx)).map(async (profile) => ({ profile, lines: await ctx.port.cetecTenant!(profile) })));
    return sendPage(reply, layout({ title: 'Settings', active: 'settings', page: 'settings', user: pageUser(request), body: settingsBody(maskConfig(ctx.config), tenants) }));
  });
}
