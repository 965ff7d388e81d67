/** What every route module receives from createServer (built once, passed down). */
import type { Logger } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { LoginLimiter, SessionStore } from './auth.ts';
import type { ServerConfig } from './config-view.ts';
import type { DashboardPort } from './ports.ts';
import type { Previewer } from './preview-types.ts';
import type { AuthSettings } from './settings.ts';

export type ServerContext = {
  port: DashboardPort;
  config: ServerConfig;
  logger: Logger;
  metrics: Metrics;
  auth: AuthSettings;
  sessions: SessionStore;
  limiter: LoginLimiter;
  preview: Previewer;
  now: () => number;
  refreshSeconds: number;
};

/** Profile names: those configured, then any the store knows that the config no longer lists. */
export async function profileNames(ctx: ServerContext): Promise<string[]> {
  const configured = Object.keys(ctx.config.profiles);
  const known = (await ctx.port.profiles()).map((p) => p.profile);
  return [...new Set([...configured, ...known])];
}
