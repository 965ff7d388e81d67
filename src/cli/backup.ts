/**
 * `shopwire backup [--to file]`: an online, consistent copy of the SQLite store (hubs keep running);
 * with PostgreSQL, how to back up with pg_dump. `shopwire prune [--days n]`: retention now (the
 * running hub also prunes every 6 hours). Restoring: docs/operations.md.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ShopwireError } from '../lib/errors.ts';
import { backupSqlite } from '../store/sqlite/backup.ts';
import { openConfiguredStore, sqliteFileOf } from './open-store.ts';
import { commandConfig } from './context.ts';
import { withProgress } from './terminal.ts';
import { pruneStore } from './retention.ts';

export function register(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite store while shopwire runs (PostgreSQL: prints how to use pg_dump)')
    .option('--to <file>', 'where to write the copy (default: backups/shopwire-<time>.db beside the store)')
    .action(async (options: { to?: string }, command: Command) => {
      const config = commandConfig(command);
      const file = sqliteFileOf(config);
      if (file === null) {
        const schema = 'postgres' in config.store ? (config.store.postgres.schema ?? 'public') : 'public';
        process.stdout.write(
          [
            'The store is PostgreSQL: back it up with pg_dump, which takes a consistent snapshot while shopwire runs:',
            `  pg_dump --format=custom --schema=${schema} --file=shopwire-$(date -u +%Y%m%dT%H%M%SZ).dump "$${'postgres' in config.store ? config.store.postgres.urlEnv : 'URL'}"`,
            'Restore into an empty database (with every shopwire process stopped):',
            `  pg_restore --clean --if-exists --schema=${schema} --dbname="$${'postgres' in config.store ? config.store.postgres.urlEnv : 'URL'}" shopwire-<time>.dump`,
            '',
          ].join('\n'),
        );
        process.exitCode = 2;
        return;
      }
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const to = options.to ?? path.join(path.dirname(file), 'backups', `shopwire-${stamp}.db`);
      if (path.resolve(to) === path.resolve(file)) throw new ShopwireError('backup: --to names the store itself', { code: 'cli.usage', kind: 'data' });
      const result = await withProgress('backup', {}, async (bar) => {
        bar.note(`copying ${file} and checking the copy`);
        return backupSqlite(file, to);
      });
      process.stdout.write(`backup written: ${result.file} (${result.bytes} bytes, ${result.jobs} jobs, integrity ok, ${result.ms} ms)\n`);
    });

  program
    .command('prune')
    .description('retention now: drop transfer records and plans of jobs finished before --days (default: retention.days)')
    .option('--days <n>', 'keep this many days')
    .action(async (options: { days?: string }, command: Command) => {
      const config = commandConfig(command);
      if (options.days !== undefined && !/^\d+$/.test(options.days)) throw new ShopwireError(`prune: --days must be a whole number, got "${options.days}"`, { code: 'cli.usage', kind: 'data' });
      const store = await openConfiguredStore(config);
      try {
        const days = options.days === undefined ? config.retention.days : Number(options.days);
        const result = await withProgress('prune', {}, async (bar) => {
          bar.note(`dropping records older than ${days} days`);
          return pruneStore(store, { ...config.retention, days });
        });
        process.stdout.write(`pruned (older than ${days} days): ${result.transfers} transfer records, ${result.plans} plans, ${result.events} inbox events, ${result.audit} audit entries\n`);
      } finally {
        await store.close();
      }
    });
}
