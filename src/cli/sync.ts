/**
 * `shopwire sync [--profile p]`: one discovery and export pass, then exit — for cron, like the
 * seed's every-5-minutes job. Exit 0 when no job of the synced profiles needs attention after the
 * pass (done, or waiting to retry), 1 when one does, whether this pass or an earlier one put it there.
 * Each profile's discovery is taken as its duty for the pass, as a running hub takes it: while
 * another process (a `run`, another `sync`) holds it, this sync skips that profile's discovery
 * and says so, so the same pass never runs twice at once; the export of queued jobs still runs.
 */
import type { Command } from 'commander';
import { createDuty, dutyName } from '../engine/duty.ts';
import { isOutage } from '../engine/health.ts';
import { openHub } from './compose.ts';
import { processGone } from './process-gone.ts';
import { commandConfig, commandLogger, describeJob, jobJson, printJson } from './context.ts';
import { withProgress } from './terminal.ts';
import { exitCodeOf } from './exit.ts';
import { ShopwireError } from '../lib/errors.ts';
import { redactText } from '../lib/redact.ts';

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
        /** Profiles whose discovery another process held, and which. */
        const skipped: Record<string, string | null> = {};
        /** Profiles whose discovery failed (Paperless Parts unreachable, say), and why. */
        const failed: Record<string, unknown> = {};
        await withProgress('sync', { quiet: options.json === true }, async (bar) => {
          for (const profile of hub.profiles) {
            bar.note(`looking for new orders and requests in Paperless Parts (${profile.name})`);
            const duty = createDuty({ store: hub.store, duty: dutyName.discovery(profile.name), owner: hub.workerId, leaseMs: config.worker.dutyLeaseSeconds * 1000, holderGone: processGone });
            try {
              const pass = await duty.runIfHeld(() => hub.discovery(profile.name).runOnce());
              if (pass.ran) {
                discovered[profile.name] = pass.value.enqueued;
                // A stage that failed because a system did: the pass went on, but it was no full pass.
                const outage = pass.value.failures.find(isOutage);
                if (outage !== undefined) failed[profile.name] = outage;
              } else skipped[profile.name] = pass.holder;
            } catch (error) {
              // One profile's outage or bad settings must not keep the others from their pass.
              failed[profile.name] = error;
            } finally {
              await duty.release();
            }
          }
          let ended = 0;
          bar.note('exporting');
          await hub.worker.runOnce({ onRunEnded: (job) => bar.tick(++ended, `job run(s) ended, the last: ${job.flow === 'order-export' ? 'order' : 'design'} ${job.key}`) });
        });
        const { jobs } = await hub.store.listJobs({ limit: 1000, offset: 0 });
        const touched = jobs.filter((j) => j.updatedAt >= started);
        // Every job of these profiles that waits for a person counts, not only those this pass touched:
        // a cron job keeps failing (and mailing) until someone acts.
        const synced = new Set(hub.profiles.map((p) => p.name));
        const attention = (await hub.store.countJobs()).filter((c) => c.state === 'needs-attention' && synced.has(c.profile)).reduce((n, c) => n + c.count, 0);
        const failures = Object.entries(failed).map(([profile, error]) => ({ profile, ...failureJson(error) }));
        for (const f of failures) process.stderr.write(`${f.profile}: discovery failed (${f.code}): ${f.message}; the other profiles' passes and the export of queued jobs still ran\n`);
        if (options.json) {
          printJson({ discovered, skipped, failed: Object.fromEntries(failures.map(({ profile, ...f }) => [profile, f])), jobs: touched.map(jobJson), needsAttention: attention });
        } else {
          for (const [profile, holder] of Object.entries(skipped)) {
            process.stdout.write(`${profile}: discovery skipped: another process${holder === null ? '' : ` (${holder})`} is running it now (a running hub, or another sync); queued jobs were still exported\n`);
          }
          for (const [profile, numbers] of Object.entries(discovered)) {
            process.stdout.write(`${profile}: ${numbers.length} new order(s)${numbers.length ? `: ${numbers.join(', ')}` : ''}\n`);
          }
          for (const job of touched) process.stdout.write(`${describeJob(job)}\n`);
          if (touched.length === 0) process.stdout.write('nothing to export\n');
          if (attention > 0) process.stdout.write(`${attention} job(s) need attention: \`shopwire status\` lists them\n`);
        }
        // A failed discovery ends as it would alone (3: a system unreachable; 2: bad settings), before needing attention.
        process.exitCode = failures.length > 0 ? Math.max(...failures.map((f) => f.exitCode)) : attention > 0 ? 1 : 0;
      } finally {
        await hub.close();
      }
    });
}

/** A failed pass for output: its code and kind, the message redacted, and the exit code it would end a sync in. */
function failureJson(error: unknown): { code: string; kind: string; message: string; exitCode: number } {
  const e = error instanceof ShopwireError ? error : null;
  return { code: e?.code ?? 'internal.unexpected', kind: e?.kind ?? 'internal', message: redactText(error instanceof Error ? error.message : String(error)), exitCode: exitCodeOf(error) };
}
