/**
 * Operations endpoints: `/healthz` (the process answers; open), `/readyz` (the store answers, no
 * profile is paused and no outside system is failing; 503 with reasons otherwise; open), `/metrics` (Prometheus; open or bearer
 * token per `dashboard.metrics`).
 */
import type { FastifyInstance } from 'fastify';
import { bearerToken, tokenMatches } from '../auth.ts';
import type { ServerContext } from '../context.ts';

export async function opsRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const reasons: string[] = [];
    try {
      const health = await ctx.port.health();
      if (!health.ok) reasons.push(`store: ${health.reason}`);
      const profiles = await ctx.port.profiles();
      for (const p of profiles) {
        if (p.paused) reasons.push(`profile ${p.profile} is paused${p.pausedReason ? `: ${p.pausedReason}` : ''}`);
        for (const s of p.systems ?? []) {
          if (s.failingSince === null) continue;
          const error = s.lastError === null ? '' : `: ${s.lastError.code}: ${s.lastError.message}`;
          reasons.push(`profile ${p.profile}: ${s.system} failing since ${s.failingSince} (${s.failures} failure${s.failures === 1 ? '' : 's'})${error}${s.nextTryAt ? `; next try ${s.nextTryAt}` : ''}`);
        }
      }
    } catch (error) {
      reasons.push(`store: ${(error as Error).message}`);
    }
    if (reasons.length > 0) return reply.code(503).send({ status: 'not-ready', reasons });
    return { status: 'ready' };
  });

  app.get('/metrics', async (request, reply) => {
    if (ctx.auth.metrics === 'token') {
      const token = bearerToken(request);
      if (ctx.auth.apiToken === null || token === null || !tokenMatches(token, ctx.auth.apiToken)) {
        reply.header('www-authenticate', 'Bearer realm="shopwire"');
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'metrics need Authorization: Bearer <api token>' } });
      }
    }
    const text = await ctx.metrics.render();
    return reply.type(ctx.metrics.contentType).send(text);
  });
}
