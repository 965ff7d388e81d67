/**
 * `shopwire order <number> [--profile p]`: export one Paperless Parts order now (the seed's
 * run_single_order.sh). An order already exported is not exported again: `replay` does that.
 */
import type { Command } from 'commander';
import { ShopwireError } from '../lib/errors.ts';
import { openHub } from './compose.ts';
import { cliActor, commandConfig, commandLogger, describeJob, jobJson, jobStepsNote, printJson, requeueNote } from './context.ts';
import { progress } from './terminal.ts';

export function register(program: Command): void {
  program
    .command('order')
    .description('export one Paperless Parts order now')
    .argument('<number>', 'Paperless Parts order number')
    .option('-p, --profile <name>', 'profile (default: the default profile)')
    .option('--json', 'print the job as JSON')
    .action(async (numberText: string, options: { profile?: string; json?: boolean }, command: Command) => {
      if (!/^\d+$/.test(numberText) || Number(numberText) <= 0) {
        throw new ShopwireError(`order: "${numberText}" is not an order number`, { code: 'cli.usage', kind: 'data' });
      }
      const config = commandConfig(command);
      const profile = options.profile ?? config.defaultProfile;
      const hub = await openHub({ config, logger: commandLogger(), profiles: [profile] });
      let jobId: string | null = null;
      const bar = progress(`order ${numberText}`, {
        quiet: options.json === true,
        poll: () => (jobId === null ? undefined : jobStepsNote(hub.store, jobId, `fetching order ${numberText} from Paperless Parts`)),
      });
      bar.note(`looking up order ${numberText} in Paperless Parts`);
      try {
        // A mistyped number must not leave a job behind: a new order is looked up first.
        if ((await hub.store.findJob('order-export', profile, numberText)) === null && (await hub.paperless(profile).getOrder(Number(numberText))) === null) {
          throw new ShopwireError(`order ${numberText} does not exist in Paperless Parts (profile ${profile}); nothing was created`, { code: 'cli.order_not_found', kind: 'data' });
        }
        const { job: queued, created } = await hub.store.enqueueJob({
          flow: 'order-export',
          profile,
          key: numberText,
          trigger: { kind: 'cli', actor: cliActor() },
        });
        // What the operator asked for, and what it did to the order's job (before it runs, so a crash keeps it).
        const did = requeueNote({ created, state: queued.state }, { created: 'a new export job', done: 'already exported: nothing done' });
        await hub.store.addAudit({ actor: cliActor(), action: 'order', profile, jobId: queued.id, detail: `shopwire order ${numberText}: ${did}` });
        if (!created && queued.state === 'done') {
          bar.done();
          if (options.json) printJson(jobJson(queued));
          else process.stdout.write(`${describeJob(queued)}\nalready exported; \`shopwire replay ${queued.id}\` exports it again\n`);
          return;
        }
        // Now means now: a job waiting for its next attempt or for a person runs from its checkpoints.
        if (queued.state === 'needs-attention' || queued.state === 'retrying') await hub.store.retryJob(queued.id);
        if (queued.state === 'cancelled') await hub.store.replayJob(queued.id);
        jobId = queued.id;
        bar.note('exporting');
        // Runs whatever is runnable, this order among it, until nothing is left to run now.
        await hub.worker.runOnce();
        bar.done();
        const job = (await hub.store.getJob(queued.id))!;
        if (options.json) printJson(jobJson(job));
        else process.stdout.write(`${describeJob(job)}\n`);
        process.exitCode = job.state === 'done' ? 0 : 1;
      } finally {
        bar.done();
        await hub.close();
      }
    });
}
