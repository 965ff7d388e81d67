/** Statements on `jobs` (one row per unit of work) and `job_steps` (checkpoints). */
import { raw, sqlFor, valueList } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export type NewJobRow = {
  flow: string;
  profile: string;
  key: string;
  payload: string | null;
  payloadHash: string | null;
  triggers: string;
  nextAttemptAt: number;
  correlationId: string;
  now: number;
};

export type JobFilter = { state?: string; profile?: string; flow?: string; text?: string; createdFrom?: number; createdBefore?: number };

export function jobStatements(d: Dialect) {
  const sql = sqlFor(d);
  const where = (f: JobFilter): Statement => {
    const parts: Statement[] = [sql`1 = 1`];
    if (f.state !== undefined) parts.push(sql`state = ${f.state}`);
    if (f.profile !== undefined) parts.push(sql`profile = ${f.profile}`);
    if (f.flow !== undefined) parts.push(sql`flow = ${f.flow}`);
    if (f.text !== undefined && f.text !== '') {
      const pattern = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // The key, part numbers, the last error's text, the plan (customer, PO) and the result (Cetec
      // quote and sales-order numbers). JSON columns are searched as text.
      const t = d.name === 'postgres' ? '::text' : '';
      parts.push(
        sql`(key ${raw(d.ilike)} ${pattern} ESCAPE '\\' OR parts ${raw(d.ilike)} ${pattern} ESCAPE '\\' OR last_error${raw(t)} ${raw(d.ilike)} ${pattern} ESCAPE '\\' OR plan${raw(t)} ${raw(d.ilike)} ${pattern} ESCAPE '\\' OR result${raw(t)} ${raw(d.ilike)} ${pattern} ESCAPE '\\')`,
      );
    }
    if (f.createdFrom !== undefined) parts.push(sql`created_at >= ${f.createdFrom}`);
    if (f.createdBefore !== undefined) parts.push(sql`created_at < ${f.createdBefore}`);
    return joinAnd(d, parts);
  };

  return {
    selectJobById: (id: string): Statement => sql`SELECT * FROM jobs WHERE id = ${Number(id)}`,

    selectJobByKey: (flow: string, profile: string, key: string): Statement =>
      sql`SELECT * FROM jobs WHERE flow = ${flow} AND profile = ${profile} AND key = ${key}`,

    /** Inserts unless (flow, profile, key) exists; returns the new row or nothing. */
    insertJob: (j: NewJobRow): Statement => sql`
      INSERT INTO jobs (flow, profile, key, payload, payload_hash, triggers, state, attempts, next_attempt_at,
        parts, run, update_requested, correlation_id, created_at, updated_at)
      VALUES (${j.flow}, ${j.profile}, ${j.key}, ${j.payload}, ${j.payloadHash}, ${j.triggers}, 'pending', 0,
        ${j.nextAttemptAt}, '[]', 1, 0, ${j.correlationId}, ${j.now}, ${j.now})
      ON CONFLICT (flow, profile, key) DO NOTHING
      RETURNING *`,

    updateTriggers: (id: string, triggers: string, now: number): Statement =>
      sql`UPDATE jobs SET triggers = ${triggers}, updated_at = ${now} WHERE id = ${Number(id)}`,

    /** A changed payload for a running job: stored now, run after the current run ends. */
    requestUpdate: (id: string, payload: string | null, hash: string | null, triggers: string, now: number): Statement => sql`
      UPDATE jobs SET payload = ${payload}, payload_hash = ${hash}, triggers = ${triggers}, update_requested = 1,
        updated_at = ${now}
      WHERE id = ${Number(id)}`,

    setPayload: (id: string, payload: string | null, hash: string | null, triggers: string, now: number): Statement => sql`
      UPDATE jobs SET payload = ${payload}, payload_hash = ${hash}, triggers = ${triggers}, updated_at = ${now}
      WHERE id = ${Number(id)}`,

    /** Starts a new run from scratch (replay, changed payload): the plan is made again. */
    resetRun: (id: string, now: number): Statement => sql`
      UPDATE jobs SET state = 'pending', run = run + 1, plan = NULL, parts = '[]', attempts = 0,
        next_attempt_at = ${now}, lease_owner = NULL, lease_until = NULL, last_error = NULL, result = NULL,
        update_requested = 0, finished_at = NULL, updated_at = ${now}
      WHERE id = ${Number(id)}`,

    leaseJob: (id: string, workerId: string, leaseUntil: number, lostLease: boolean, now: number): Statement => sql`
      UPDATE jobs SET state = 'running', lease_owner = ${workerId}, lease_until = ${leaseUntil},
        attempts = attempts + ${lostLease ? 1 : 0}, executions = executions + 1, updated_at = ${now}
      WHERE id = ${Number(id)}`,

    renewLease: (id: string, workerId: string, leaseUntil: number, now: number): Statement => sql`
      UPDATE jobs SET lease_until = ${leaseUntil}, updated_at = ${now}
      WHERE id = ${Number(id)} AND state = 'running' AND lease_owner = ${workerId} AND lease_until >= ${now}`,

    /** Renews the leases `workerId` still holds among `ids`, in one statement; returns the ids renewed. */
    renewLeases: (workerId: string, ids: string[], leaseUntil: number, now: number): Statement =>
      merge(d, [
        sql`UPDATE jobs SET lease_until = ${leaseUntil}, updated_at = ${now}
          WHERE state = 'running' AND lease_owner = ${workerId} AND lease_until >= ${now} AND id IN`,
        valueList(d, ids.map(Number)),
        sql`RETURNING id`,
      ]),

    savePlan: (id: string, workerId: string, plan: string, parts: string, now: number): Statement => sql`
      UPDATE jobs SET plan = ${plan}, parts = ${parts}, updated_at = ${now}
      WHERE id = ${Number(id)} AND state = 'running' AND lease_owner = ${workerId}`,

    /** Locks the job row for the rest of the transaction and checks the lease holder. */
    selectLeasedJob: (id: string, workerId: string): Statement =>
      sql`SELECT profile, run, update_requested, last_error FROM jobs
        WHERE id = ${Number(id)} AND state = 'running' AND lease_owner = ${workerId} ${raw(d.forUpdate)}`,

    finishJob: (f: {
      id: string;
      workerId: string;
      state: string;
      result: string | null;
      keepResult: boolean;
      error: string | null;
      nextAttemptAt: number;
      attemptsDelta: number;
      finishedAt: number | null;
      now: number;
    }): Statement =>
      merge(d, [
        sql`UPDATE jobs SET state = ${f.state},`,
        f.keepResult ? sql`result = result,` : sql`result = ${f.result},`,
        sql`last_error = ${f.error}, next_attempt_at = ${f.nextAttemptAt}, attempts = attempts + ${f.attemptsDelta},
          lease_owner = NULL, lease_until = NULL, finished_at = ${f.finishedAt}, updated_at = ${f.now}
          WHERE id = ${Number(f.id)} AND state = 'running' AND lease_owner = ${f.workerId}`,
      ]),

    operatorRetry: (id: string, now: number): Statement => sql`
      UPDATE jobs SET state = 'pending', attempts = 0, next_attempt_at = ${now}, finished_at = NULL, updated_at = ${now}
      WHERE id = ${Number(id)} AND state IN ('retrying', 'needs-attention')`,

    operatorCancel: (id: string, error: string, now: number): Statement => sql`
      UPDATE jobs SET state = 'cancelled', last_error = ${error}, finished_at = ${now}, updated_at = ${now}
      WHERE id = ${Number(id)} AND state IN ('pending', 'retrying', 'needs-attention')`,

    /** A finished export whose source changed afterwards: a person must look (no lease, nothing running). */
    flagDone: (id: string, error: string, now: number): Statement => sql`
      UPDATE jobs SET state = 'needs-attention', last_error = ${error}, updated_at = ${now}
      WHERE id = ${Number(id)} AND state = 'done'`,

    listJobs: (f: JobFilter, limit: number, offset: number): Statement => {
      const w = where(f);
      return merge(d, [sql`SELECT * FROM jobs WHERE `, w, sql` ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`]);
    },

    countMatching: (f: JobFilter): Statement => merge(d, [sql`SELECT COUNT(*) AS n FROM jobs WHERE `, where(f)]),

    countByState: (): Statement =>
      sql`SELECT flow, profile, state, COUNT(*) AS n FROM jobs GROUP BY flow, profile, state ORDER BY profile, flow, state`,

    /**
     * Finished jobs per profile, flow, end state and time bucket. The CAST truncates (SQLite binds
     * JS numbers as REAL, so its division is not an integer one); finished_at >= from, so that is
     * the floor.
     */
    countFinished: (from: number, bucketMs: number, to: number): Statement => sql`
      SELECT profile, flow, state, CAST((finished_at - ${from}) / ${bucketMs} AS INTEGER) AS bucket, COUNT(*) AS n FROM jobs
      WHERE state IN ('done', 'needs-attention') AND finished_at >= ${from} AND finished_at < ${to}
      GROUP BY profile, flow, state, bucket`,

    oldestRunnable: (now: number): Statement => sql`
      SELECT MIN(created_at) AS t FROM jobs
      WHERE (state = 'pending' OR (state = 'retrying' AND next_attempt_at <= ${now}))`,

    upsertStep: (s: { jobId: string; key: string; index: number; run: number; status: string; result: string | null; now: number }): Statement => sql`
      INSERT INTO job_steps (job_id, step_key, step_index, run, status, result, updated_at)
      VALUES (${Number(s.jobId)}, ${s.key}, ${s.index}, ${s.run}, ${s.status}, ${s.result}, ${s.now})
      ON CONFLICT (job_id, step_key) DO UPDATE SET step_index = excluded.step_index, run = excluded.run,
        status = excluded.status, result = excluded.result, updated_at = excluded.updated_at`,

    operatorSetStep: (jobId: string, key: string, status: string, result: string | null, now: number): Statement => sql`
      UPDATE job_steps SET status = ${status}, result = ${result}, updated_at = ${now}
      WHERE job_id = ${Number(jobId)} AND step_key = ${key}`,

    selectSteps: (jobId: string): Statement =>
      sql`SELECT * FROM job_steps WHERE job_id = ${Number(jobId)} ORDER BY run, step_index, step_key`,
  };
}

/** Concatenates statements, renumbering placeholders for the dialect. */
export function merge(d: Dialect, parts: Statement[]): Statement {
  let text = '';
  const values: unknown[] = [];
  for (const part of parts) {
    const renumbered =
      d.name === 'postgres'
        ? part.text.replace(/\$(\d+)/g, (_m, n: string) => `$${values.length + Number(n)}`)
        : part.text;
    text += (text === '' ? '' : ' ') + renumbered;
    values.push(...part.values);
  }
  return { text, values };
}

function joinAnd(d: Dialect, parts: Statement[]): Statement {
  const out: Statement[] = [];
  parts.forEach((p, i) => out.push(i === 0 ? p : { text: `AND ${p.text}`, values: p.values }));
  return merge(d, out);
}
