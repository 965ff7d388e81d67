/** Statements on `transfers`: each outbound call of a job, recorded before sending and after answering. */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export type NewTransferRow = {
  jobId: string;
  step: number | null;
  system: string;
  endpoint: string;
  method: string;
  url: string;
  attempt: number;
  requestBody: string | null;
  now: number;
  /** The run and start the call belongs to; null: the job's current ones. */
  run: number | null;
  execution: number | null;
};

export function transferStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    insertTransfer: (t: NewTransferRow): Statement => sql`
      INSERT INTO transfers (job_id, step, system, endpoint, method, url, attempt, request_body, started_at, outcome, run, execution)
      VALUES (${Number(t.jobId)}, ${t.step}, ${t.system}, ${t.endpoint}, ${t.method}, ${t.url}, ${t.attempt},
        ${t.requestBody}, ${t.now}, 'pending',
        COALESCE(${t.run}, (SELECT run FROM jobs WHERE id = ${Number(t.jobId)})),
        COALESCE(${t.execution}, (SELECT executions FROM jobs WHERE id = ${Number(t.jobId)})))
      RETURNING id`,

    endTransfer: (e: { id: string; status: number | null; responseBody: string | null; durationMs: number; outcome: string; error: string | null; now: number }): Statement => sql`
      UPDATE transfers SET status = ${e.status}, response_body = ${e.responseBody}, duration_ms = ${e.durationMs},
        outcome = ${e.outcome}, error = ${e.error}, ended_at = ${e.now}
      WHERE id = ${Number(e.id)}`,

    selectTransfers: (jobId: string): Statement =>
      sql`SELECT t.*, j.correlation_id FROM transfers t JOIN jobs j ON j.id = t.job_id WHERE t.job_id = ${Number(jobId)} ORDER BY t.id`,
  };
}
