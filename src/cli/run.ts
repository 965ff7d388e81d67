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

export function register(program: Command): void {
  program
    .command('run')
    .description('the daemon: schedules, workers, HTTP server')
    .option('-p, --profile <name...>', 'only these profiles (default: all)')
    .action(async (options: { profile?: string[] }, command: Command) => {
      const config = commandConfig(command);
      const logger = createLogger({ level: process.env.SHOPWIRE_LOG_LEVEL ?? 'info' });
      const cablebuilder = cableBuilderWiring(config, logger);
      const daemon = await startDaemon({
        config,
        logger,
        ...(options.profile ? { profiles: options.profile } : {}),
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
