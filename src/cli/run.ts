/**
 * `shopwire run`: the daemon. Discovery on each profile's schedule, workers, and the HTTP server
 * (dashboard, JSON API, /healthz, /readyz, /metrics). Stops cleanly on SIGINT or SIGTERM: running
 * jobs finish their current step or keep their lease for the next process to pick up.
 */
import type { Command } from 'commander';
import { createLogger } from '../lib/log.ts';
import { commandConfig } from './context.ts';
import { startDaemon, untilSignal } from './daemon.ts';
import { cableBuilderWiring } from './cablebuilder.ts';
import { ConfigError } from '../config/errors.ts';

/**
 * The port to listen on: `--port`, else `SHOPWIRE_PORT`, else the config's `server.port`
 * (undefined). Lets one config file serve several instances on one machine (docs/scaling.md).
 */
export function listenPort(option: string | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const [value, source] = option !== undefined ? [option, '--port'] : [env.SHOPWIRE_PORT || undefined, 'SHOPWIRE_PORT'];
  if (value === undefined) return undefined;
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError(`${source}: ${JSON.stringify(value)} is not a port number (0 to 65535; 0 picks a free one)`);
  return port;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('the daemon: schedules, workers, HTTP server')
    .option('-p, --profile <name...>', 'only these profiles (default: all)')
    .option('--port <n>', 'listen on this port instead of server.port (also SHOPWIRE_PORT; 0: any free port)')
    .action(async (options: { profile?: string[]; port?: string }, command: Command) => {
      const config = commandConfig(command);
      const port = listenPort(options.port, process.env);
      const logger = createLogger({ level: process.env.SHOPWIRE_LOG_LEVEL ?? 'info' });
      const cablebuilder = cableBuilderWiring(config, logger);
      const daemon = await startDaemon({
        config,
        logger,
        ...(options.profile ? { profiles: options.profile } : {}),
        ...(port === undefined ? {} : { port }),
        plugins: cablebuilder.plugins,
        handlers: cablebuilder.handlers,
      });
      if (config.dashboard.users.length === 0 && config.dashboard.apiTokenEnv === undefined) {
        logger.warn('no dashboard users and no API token configured: the dashboard and API refuse every request (docs/dashboard.md)');
      }
      process.stdout.write(
        `shopwire running for ${daemon.hub.profiles.map((p) => p.name).join(', ')}\n` +
          `dashboard ${daemon.url}/   health ${daemon.url}/healthz   metrics ${daemon.url}/metrics\n`,
      );
      // SIGHUP reloads the config file (a mapping fix needs no restart); the log says what it did.
      const onHangup = (): void => void daemon.reload('SIGHUP');
      process.on('SIGHUP', onHangup);
      const signal = await untilSignal();
      process.off('SIGHUP', onHangup);
      logger.info({ signal }, 'stopping');
      await daemon.stop();
    });
}
