/**
 * `shopwire resolve <job> --created [--quote N] [--order N] | --not-created`: the way out when
 * shopwire cannot prove whether a sales order import took effect (its answer was lost and the
 * tenant neither finds orders by key nor refuses a reused key). A person looks in Cetec for the
 * job's external key and says what they found; the job then finishes (created) or sends the
 * import once (not created).
 */
import type { Command } from 'commander';
import { resolveImport } from '../engine/resolve-import.ts';
import { ShopwireError } from '../lib/errors.ts';
import { openHub } from './compose.ts';
import { cliActor, commandConfig, commandLogger, describeJob, jobJson, jobStepsNote, printJson } from './context.ts';
import { withProgress } from './terminal.ts';
import { findJobByRef, JOB_ARGUMENT, withProfileOption } from './job-ref.ts';

type ResolveOptions = { created?: boolean; notCreated?: boolean; quote?: string; order?: string; profile?: string; json?: boolean };

export function register(program: Command): void {
  withProfileOption(
    program
      .command('resolve')
      .description('say whether a sales order whose import outcome is unknown exists in Cetec')
      .argument('<job>', JOB_ARGUMENT),
  )
    .option('--json', 'print the job as JSON')
    .option('--created', 'the sales order exists in Cetec')
    .option('--not-created', 'the sales order does not exist in Cetec: send the import once')
    .option('--quote <n>', 'with --created: the Cetec quote number')
    .option('--order <n>', 'with --created: the Cetec sales order number')
    .action(async (ref: string, options: ResolveOptions, command: Command) => {
      if (Boolean(options.created) === Boolean(options.notCreated)) {
        throw new ShopwireError('resolve: say exactly one of --created or --not-created', { code: 'cli.usage', kind: 'data' });
      }
      const numbers = (value: string | undefined, name: string): number[] => {
        if (value === undefined) return [];
        if (!/^\d+$/.test(value)) throw new ShopwireError(`resolve: --${name} must be a number, got "${value}"`, { code: 'cli.usage', kind: 'data' });
        return [Number(value)];
      };
      const finding = options.created ? { created: true as const, quotes: numbers(options.quote, 'quote'), orders: numbers(options.order, 'order') } : { created: false as const };
      const config = commandConfig(command);
      const hub = await openHub({ config, logger: commandLogger() });
      try {
        const jobId = (await findJobByRef(hub.store, config, ref, options.profile, 'resolve')).id;
        const result = await resolveImport(hub.store, jobId, finding);
        if (!result.ok) throw new ShopwireError(`resolve: ${result.reason}`, { code: `cli.${result.code}`, kind: 'data' });
        const resolved = await hub.store.getJob(jobId);
        await hub.store.addAudit({
          actor: cliActor(),
          action: 'resolve',
          profile: resolved?.profile ?? null,
          jobId,
          detail: finding.created ? `the sales order exists in Cetec (quote ${finding.quotes.join(', ') || 'unknown'}, order ${finding.orders.join(', ') || 'unknown'})` : 'the sales order does not exist in Cetec: import sent once',
        });
        await withProgress(`resolve ${resolved?.key ?? jobId}`, { quiet: options.json === true, poll: () => jobStepsNote(hub.store, jobId) }, () => hub.worker.runOnce());
        const job = (await hub.store.getJob(jobId))!;
        if (options.json) printJson(jobJson(job));
        else process.stdout.write(`${describeJob(job)}\n`);
        process.exitCode = job.state === 'done' ? 0 : 1;
      } finally {
        await hub.close();
      }
    });
}
