/**
 * One identity for a job on the command line: what `status` and the dashboard show. A job is
 * named by its id, or by its order number (order export) or design (`CABLE_A` or `CABLE_A/1`,
 * design import), with `--profile` when that names jobs in several profiles.
 */
import type { Command } from 'commander';
import type { Config } from '../config/load.ts';
import { ShopwireError } from '../lib/errors.ts';
import type { JobRecord, Store } from '../store/store.ts';

export const JOB_ARGUMENT = 'job id, order number or design (CABLE_A or CABLE_A/1); see `shopwire status`';

/** Adds `--profile` for telling apart jobs of several profiles. */
export function withProfileOption(command: Command): Command {
  return command.option('-p, --profile <name>', 'the profile, when the order or design has jobs in several');
}

export async function findJobByRef(store: Store, config: Config, ref: string, profile: string | undefined, verb: string): Promise<JobRecord> {
  if (profile !== undefined && !(profile in config.profiles)) {
    throw new ShopwireError(`${verb}: no profile named ${JSON.stringify(profile)} (have: ${Object.keys(config.profiles).join(', ')})`, { code: 'cli.usage', kind: 'data' });
  }
  const byId = await store.getJob(ref);
  if (byId && (profile === undefined || byId.profile === profile)) return byId;
  const profiles = profile !== undefined ? [profile] : Object.keys(config.profiles);
  const found: JobRecord[] = [];
  for (const p of profiles) {
    if (/^\d+$/.test(ref)) {
      const job = await store.findJob('order-export', p, String(Number(ref)));
      if (job) found.push(job);
    }
    for (const key of ref.includes('/') ? [ref] : [ref, `${ref}/0`]) {
      const job = await store.findJob('design-import', p, key);
      if (job && !found.some((j) => j.id === job.id)) found.push(job);
    }
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ShopwireError(
      `${verb}: no job ${JSON.stringify(ref)}${profile ? ` in profile ${profile}` : ''}: give a job id, an order number or a design (\`shopwire status\` lists the jobs that need attention)`,
      { code: 'cli.not_found', kind: 'data' },
    );
  }
  const list = found.map((j) => `${j.id} (${j.profile}, ${j.flow === 'order-export' ? 'order' : 'design'} ${j.key}, ${j.state})`).join('; ');
  throw new ShopwireError(`${verb}: ${JSON.stringify(ref)} names ${found.length} jobs: ${list}; add --profile <name> or give the job id`, { code: 'cli.ambiguous', kind: 'data' });
}
