/** `shopwire replay <job>`: run a done, failed or cancelled job again, now. */
import type { Command } from 'commander';
import { ShopwireError } from '../lib/errors.ts';
import { openHub } from './compose.ts';
import { commandConfig, commandLogger, describeJob, jobJson, printJson } from './context.ts';

export function register(program: Command): void {
  program
    .command('replay')
    .description('run a done, failed or cancelled job again')
    .argument('<job>', 'job id (see `shopwire status`)')
    .option('--json', 'print the job as JSON')
    .action(async (jobId: string, options: { json?: boolean }, command: Command) => {
      const config = commandConfig(command);
      const hub = await openHub({ config, logger: commandLogger() });
      try {
        const existing = await hub.store.getJob(jobId);
        if (!existing) throw new ShopwireError(`replay: no job ${jobId}`, { code: 'cli.not_found', kind: 'data' });
        const replayed = existing.state === 'retrying' ? await hub.store.retryJob(jobId) : await hub.store.replayJob(jobId);
        if (!replayed.ok) throw new ShopwireError(`replay: ${replayed.reason}`, { code: `cli.${replayed.code}`, kind: 'data' });
        await hub.worker.runOnce();
        const job = (await hub.store.getJob(jobId))!;
        if (options.json) printJson(jobJson(job));
        else process.stdout.write(`${describeJob(job)}\n`);
        process.exitCode = job.state === 'done' ? 0 : 1;
      } finally {
        await hub.close();
      }
    });
}
