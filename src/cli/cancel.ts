/** `shopwire cancel <job>`: stop a job that has not finished; it runs again only when replayed. */
import type { Command } from 'commander';
import { ShopwireError } from '../lib/errors.ts';
import { openConfiguredStore } from './open-store.ts';
import { cliActor, commandConfig, describeJob, jobJson, printJson } from './context.ts';
import { findJobByRef, JOB_ARGUMENT, withProfileOption } from './job-ref.ts';

export function register(program: Command): void {
  withProfileOption(
    program
      .command('cancel')
      .description('stop a pending, retrying or needs-attention job (it runs again only when replayed)')
      .argument('<job>', JOB_ARGUMENT),
  )
    .option('--reason <text>', 'why, for the job history', 'cancelled from the command line')
    .option('--json', 'print the job as JSON')
    .action(async (ref: string, options: { json?: boolean; profile?: string; reason: string }, command: Command) => {
      const config = commandConfig(command);
      const store = await openConfiguredStore(config);
      try {
        const job = await findJobByRef(store, config, ref, options.profile, 'cancel');
        const result = await store.cancelJob(job.id, options.reason);
        if (!result.ok) throw new ShopwireError(`cancel: ${result.reason}`, { code: `cli.${result.code}`, kind: 'data' });
        await store.addAudit({ actor: cliActor(), action: 'cancel', profile: job.profile, jobId: job.id, detail: `shopwire cancel: ${options.reason}` });
        if (options.json) printJson(jobJson(result.job));
        else process.stdout.write(`${describeJob(result.job)}\n`);
      } finally {
        await store.close();
      }
    });
}
