/**
 * One identity for a job on the command line: what `status` and the dashboard show. A job is
 * named by its id, or by its order number (order export) or design (`CABLE_A` or `CABLE_A/1`,
 * design import), with `--profile` when that names jobs in several profiles.
 */
import type { Command } from 'commander';
import type { Config } from '../config/load.ts';
import { ShopwireError } from '../lib/errors.ts';
import type { JobRecord, Store } from '../store/store.ts';

export const JOB_ARGUMENT = 'job id, order number or design (CABLE_A or CABLE_A/1); job:<id>, order:<n> or design:<name> to say which; see `shopwire status`';

/** Adds `--profile` for telling apart jobs of several profiles. */
export function withProfileOption(command: Command): Command {
  return command.option('-p, --profile <name>', 'the profile, when the order or design has jobs in several');
}

type RefKind = 'job' | 'order' | 'design';

/** `job:17`, `order:17`, `design:CABLE_A` name one kind; a bare word may be any of them. */
function parseRef(ref: string): { kinds: readonly RefKind[]; value: string } {
  const match = /^(job|order|design):(.+)$/.exec(ref);
  if (match) return { kinds: [match[1] as RefKind], value: match[2]! };
  return { kinds: ['job', 'order', 'design'], value: ref };
}

function describe(job: JobRecord): string {
  return `job ${job.id} (${job.profile}, ${job.flow === 'order-export' ? 'order' : 'design'} ${job.key}, ${job.state})`;
}

/**
 * Finds the one job `ref` names. A bare number can be both a job id and another job's order
 * number (both are small numbers): then nothing is guessed, the answer lists both and says how to
 * name each (`job:<id>` or `order:<n>`).
 */
export async function findJobByRef(store: Store, config: Config, ref: string, profile: string | undefined, verb: string): Promise<JobRecord> {
  if (profile !== undefined && !(profile in config.profiles)) {
    throw new ShopwireError(`${verb}: no profile named ${JSON.stringify(profile)} (have: ${Object.keys(config.profiles).join(', ')})`, { code: 'cli.usage', kind: 'data' });
  }
  const { kinds, value } = parseRef(ref);
  const found: JobRecord[] = [];
  const add = (job: JobRecord | null | undefined): void => {
    if (job && !found.some((j) => j.id === job.id)) found.push(job);
  };
  if (kinds.includes('job')) {
    const byId = await store.getJob(value);
    if (byId && (profile === undefined || byId.profile === profile)) add(byId);
  }
  const profiles = profile !== undefined ? [profile] : Object.keys(config.profiles);
  for (const p of profiles) {
    if (kinds.includes('order') && /^\d+$/.test(value)) add(await store.findJob('order-export', p, String(Number(value))));
    if (kinds.includes('design')) {
      for (const key of value.includes('/') ? [value] : [value, `${value}/0`]) add(await store.findJob('design-import', p, key));
    }
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new ShopwireError(
      `${verb}: no job ${JSON.stringify(ref)}${profile ? ` in profile ${profile}` : ''}: give a job id, an order number or a design (\`shopwire status\` lists the jobs that need attention)`,
      { code: 'cli.not_found', kind: 'data' },
    );
  }
  const list = found.map(describe).join('; ');
  const advice = new Set(found.map((j) => j.profile)).size > 1 ? 'add --profile <name>, or name one as job:<id>' : 'name one as job:<id>';
  throw new ShopwireError(`${verb}: ${JSON.stringify(ref)} names ${found.length} jobs: ${list}; ${advice}`, { code: 'cli.ambiguous', kind: 'data' });
}
