/**
 * `shopwire sync [--profile p]`: one discovery and export pass, then exit — for cron, like the
 * seed's every-5-minutes job. Exit 0 when every job of the pass ended done (or is waiting to
 * retry), 1 when some need attention.
 */
import type { Command } from 'commander';
import { openHub } from './compose.ts';
import { commandConfig, commandLogger, describeJob, jobJson, printJson } from './context.ts';

export function register(program: Command): void {
  program
    .command('sync')
    .description('one discovery and export pass, then exit (for cron)')
    .option('-p, --profile <name>', 'only this profile (default: all)')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: { profile?: string; json?: boolean }, command: Command) => {
      const config = commandConfig(command);
      const hub = await openHub({ config, logger: commandLogger(), ...(options.profile ? { profiles: [options.profile] } : {}) });
      try {
        const started = Date.now();
        const discovered: Record<string, number[]> = {};
        for (const profile of hub.profiles) discovered[profile.name] = (await hub.discovery(profile.name).runOnce()).enqueued;
        await hub.worker.runOnce();
        const { jobs } = await hub.store.listJobs({ limit: 1000, offset: 0 });
        const touched = jobs.filter((j) => j.updatedAt >= started);
        const attention = touched.filter((j) => j.state === 'needs-attention');
        if (options.json) {
          printJson({ discovered, jobs: touched.map(jobJson) });
        } else {
          for (const [profile, numbers] of Object.entries(discovered)) {
            process.stdout.write(`${profile}: ${numbers.length} new order(s)${numbers.length ? `: ${numbers.join(', ')}` : ''}\n`);
          }
          for (const job of touched) process.stdout.write(`${describeJob(job)}\n`);
          if (touched.length === 0) process.stdout.write('nothing to export\n');
        }
        process.exitCode = attention.length > 0 ? 1 : 0;
      } finally {
        await hub.close();
      }
    });
}
