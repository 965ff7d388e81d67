/**
 * Statements on `part_locks`: one row per (profile, top-level Cetec part), naming the job that
 * holds it. A hold is live while the holding job is unfinished (pending, running, retrying):
 * a job keeps its parts between retries, because a BOM it already defined would otherwise be
 * replaced by another order's before its sales order is imported (cetec.md §6.1).
 */
import { raw, sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function partStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    ensurePartRow: (profile: string, part: string): Statement =>
      sql`INSERT INTO part_locks (profile, part, job_id) VALUES (${profile}, ${part}, NULL) ON CONFLICT (profile, part) DO NOTHING`,

    /** The live holder of a part other than `jobId`, locking the part row for the transaction. */
    selectForeignHolder: (profile: string, part: string, jobId: string): Statement => sql`
      SELECT l.part, l.job_id FROM part_locks l
      JOIN jobs j ON j.id = l.job_id
      WHERE l.profile = ${profile} AND l.part = ${part} AND l.job_id <> ${Number(jobId)}
        AND j.state IN ('pending', 'running', 'retrying')`,

    lockPartRow: (profile: string, part: string): Statement =>
      sql`SELECT part FROM part_locks WHERE profile = ${profile} AND part = ${part} ${raw(d.forUpdate)}`,

    setHolder: (profile: string, part: string, jobId: string): Statement =>
      sql`UPDATE part_locks SET job_id = ${Number(jobId)} WHERE profile = ${profile} AND part = ${part}`,

    releaseParts: (jobId: string): Statement => sql`UPDATE part_locks SET job_id = NULL WHERE job_id = ${Number(jobId)}`,
  };
}
