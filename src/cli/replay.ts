/** `shopwire replay <job>`: run a done, failed or cancelled job again, now. */
import type { Command } from 'commander';
import { ShopwireError } from '../lib/errors.ts';
import { openHub } from './compose.ts';
import { cliActor, commandConfig, commandLogger, describeJob, jobJson, jobStepsNote, printJson } from './context.ts';
import { withProgress } from './terminal.ts';
import { findJobByRef, JOB_ARGUMENT, withProfileOption } from './job-ref.ts';

export function register(program: Command): void {
  withProfileOption(
    program
      .command('replay')
      .description('run a done, failed or cancelled job again')
      .argument('<job>', JOB_ARGUMENT),
  )
    .option('--json', 'print the job as JSON')
    .action(async (ref: string, options: { json?: boolean; profile?: string }, command: Command) => {
      const config = commandConfig(command);
      const hub = await openHub({ config, logger: commandLogger() });
      try {
        const existing = await findJobByRef(hub.store, config, ref, options.profile, 'replay');
        const replayed = existing.state === 'retrying' ? await hub.store.retryJob(existing.id) : await hub.store.replayJob(existing.id);
        if (!replayed.ok) throw new ShopwireError(`replay: ${replayed.reason}`, { code: `cli.${replayed.code}`, kind: 'data' });
        await hub.store.addAudit({ actor: cliActor(), action: existing.state === 'retrying' ? 'retry' : 'replay', profile: existing.profile, jobId: existing.id, detail: 'shopwire replay' });
        await withProgress(`replay ${existing.key}`, { quiet: options.json === true, poll: () => jobStepsNote(hub.store, existing.id) }, () => hub.worker.runOnce());
        const job = (await hub.store.getJob(existing.id))!;
        if (options.json) printJson(jobJson(job));
        else process.stdout.write(`${describeJob(job)}\n`);
        process.exitCode = job.state === 'done' ? 0 : 1;
      } finally {
        await hub.close();
      }
    });
}
