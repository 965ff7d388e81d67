/**
 * The way out of "the order may exist in Cetec": a person looks in Cetec and tells shopwire what
 * they found. `created` records the numbers (the job then finishes without sending anything);
 * `not created` clears the checkpoint (the job then sends the import once). Either way the job is
 * queued again.
 */
import { ShopwireError } from '../lib/errors.ts';
import type { OperatorResult, Store } from '../store/store.ts';
import type { ImportOutcome } from './stored-state.ts';

export type ImportFinding = { created: false } | { created: true; quotes: number[]; orders: number[] };

export async function resolveImport(store: Store, jobId: string, finding: ImportFinding): Promise<OperatorResult> {
  const job = await store.getJob(jobId);
  if (job === null) return { ok: false, code: 'not-found', reason: `no job ${jobId}` };
  const open = (await store.getCheckpoints(jobId)).filter((c) => c.stepKey.startsWith('importjson:') && (c.status === 'sent' || c.status === 'unknown'));
  if (open.length !== 1) {
    return { ok: false, code: 'invalid-state', reason: `job ${jobId} has ${open.length} sales order imports with an unknown outcome; expected 1` };
  }
  const step = open[0]!;
  const keys = step.stepKey.slice('importjson:'.length).split(',');
  let resolved: OperatorResult;
  if (finding.created) {
    const outcome: ImportOutcome = {
      externalKeys: keys,
      quotes: finding.quotes,
      orders: finding.orders,
      numbersKnown: finding.quotes.length + finding.orders.length > 0,
      note: 'confirmed in Cetec by an operator',
    };
    resolved = await store.resolveStep(jobId, step.stepKey, 'done', outcome);
  } else {
    resolved = await store.resolveStep(jobId, step.stepKey, 'not-started', { note: 'confirmed absent from Cetec by an operator' });
  }
  if (!resolved.ok) return resolved;
  if (resolved.job.state === 'needs-attention' || resolved.job.state === 'retrying') return store.retryJob(jobId);
  if (resolved.job.state === 'running') throw new ShopwireError(`job ${jobId} is running`, { code: 'engine.job_running', kind: 'data' });
  return resolved;
}
