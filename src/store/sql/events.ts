/** Statements on `events` (the inbox of polled Paperless events) and `job_actions`. */
import { sqlFor, valueList } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';
import { merge } from './jobs.ts';

export function eventStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    insertEvent: (e: { profile: string; uuid: string; type: string; created: string; body: string; now: number }): Statement => sql`
      INSERT INTO events (profile, uuid, type, created, body, received_at)
      VALUES (${e.profile}, ${e.uuid}, ${e.type}, ${e.created}, ${e.body}, ${e.now})
      ON CONFLICT (profile, uuid) DO NOTHING`,

    selectUnhandled: (profile: string, types: string[] | undefined): Statement => {
      const parts = [sql`SELECT * FROM events WHERE profile = ${profile} AND handled_at IS NULL`];
      if (types !== undefined && types.length > 0) parts.push(sql`AND type IN`, valueList(d, types));
      parts.push(sql`ORDER BY created, uuid`);
      return merge(d, parts);
    },

    /** Events discovery set aside (outcome `quarantined …`), newest first. */
    selectQuarantined: (profile: string | undefined, limit: number): Statement =>
      profile === undefined
        ? sql`SELECT * FROM events WHERE outcome LIKE 'quarantined%' ORDER BY handled_at DESC, uuid LIMIT ${limit}`
        : sql`SELECT * FROM events WHERE profile = ${profile} AND outcome LIKE 'quarantined%' ORDER BY handled_at DESC, uuid LIMIT ${limit}`,

    countQuarantined: (): Statement =>
      sql`SELECT profile, type, COUNT(*) AS n FROM events WHERE outcome LIKE 'quarantined%' GROUP BY profile, type ORDER BY profile, type`,

    markHandled: (profile: string, uuid: string, outcome: string | null, now: number): Statement =>
      sql`UPDATE events SET handled_at = ${now}, outcome = ${outcome} WHERE profile = ${profile} AND uuid = ${uuid}`,

    insertAction: (a: { actionUuid: string; profile: string; jobId: string; status: string; message: string | null; now: number }): Statement => sql`
      INSERT INTO job_actions (action_uuid, profile, job_id, status, message, updated_at)
      VALUES (${a.actionUuid}, ${a.profile}, ${Number(a.jobId)}, ${a.status}, ${a.message}, ${a.now})
      ON CONFLICT (action_uuid) DO NOTHING`,

    selectAction: (actionUuid: string): Statement => sql`SELECT * FROM job_actions WHERE action_uuid = ${actionUuid}`,

    updateAction: (actionUuid: string, status: string, message: string | null, now: number): Statement =>
      sql`UPDATE job_actions SET status = ${status}, message = ${message}, updated_at = ${now} WHERE action_uuid = ${actionUuid}`,

    selectActions: (f: { profile?: string; jobId?: string; statuses?: string[] }): Statement => {
      const parts = [sql`SELECT * FROM job_actions WHERE 1 = 1`];
      if (f.profile !== undefined) parts.push(sql`AND profile = ${f.profile}`);
      if (f.jobId !== undefined) parts.push(sql`AND job_id = ${Number(f.jobId)}`);
      if (f.statuses !== undefined) {
        if (f.statuses.length === 0) parts.push(sql`AND 1 = 0`);
        else parts.push(sql`AND status IN`, valueList(d, f.statuses));
      }
      parts.push(sql`ORDER BY updated_at, action_uuid`);
      return merge(d, parts);
    },
  };
}
