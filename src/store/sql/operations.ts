/** Statements on `system_health`, `audit_log` and `sessions` (migration 0005). */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function operationStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    selectHealth: (profile: string, system: string): Statement => sql`SELECT * FROM system_health WHERE profile = ${profile} AND system = ${system}`,
    selectAllHealth: (): Statement => sql`SELECT * FROM system_health ORDER BY profile, system`,
    /**
     * A failure: the outage starts now unless it already runs; the count grows. A failure that
     * knows no next try (a job's call refused while its profile pauses) keeps the one a probe
     * scheduled, instead of showing "next try never" during an outage.
     */
    upsertFailure: (profile: string, system: string, at: number, code: string, message: string, nextTryAt: number | null): Statement => sql`
      INSERT INTO system_health (profile, system, failing_since, failures, last_error_code, last_error_message, last_error_at, next_try_at)
      VALUES (${profile}, ${system}, ${at}, 1, ${code}, ${message}, ${at}, ${nextTryAt})
      ON CONFLICT (profile, system) DO UPDATE SET
        failing_since = COALESCE(system_health.failing_since, excluded.failing_since),
        failures = system_health.failures + 1,
        last_error_code = excluded.last_error_code,
        last_error_message = excluded.last_error_message,
        last_error_at = excluded.last_error_at,
        next_try_at = COALESCE(excluded.next_try_at, system_health.next_try_at)`,
    /** A success ends any outage; the last error stays for the record. */
    upsertSuccess: (profile: string, system: string, at: number): Statement => sql`
      INSERT INTO system_health (profile, system, failing_since, failures, last_ok_at)
      VALUES (${profile}, ${system}, NULL, 0, ${at})
      ON CONFLICT (profile, system) DO UPDATE SET failing_since = NULL, failures = 0, last_ok_at = excluded.last_ok_at, next_try_at = NULL`,

    insertAudit: (at: number, actor: string, action: string, profile: string | null, jobId: string | null, detail: string | null): Statement =>
      sql`INSERT INTO audit_log (at, actor, action, profile, job_id, detail) VALUES (${at}, ${actor}, ${action}, ${profile}, ${jobId}, ${detail})`,
    /** Newest first, older than `before`; of one job, of one profile, or all. */
    selectAuditOfJob: (jobId: string, before: number, limit: number): Statement =>
      sql`SELECT * FROM audit_log WHERE job_id = ${jobId} AND at < ${before} ORDER BY at DESC, id DESC LIMIT ${limit}`,
    selectAuditOfProfile: (profile: string, before: number, limit: number): Statement =>
      sql`SELECT * FROM audit_log WHERE profile = ${profile} AND at < ${before} ORDER BY at DESC, id DESC LIMIT ${limit}`,
    selectAudit: (before: number, limit: number): Statement => sql`SELECT * FROM audit_log WHERE at < ${before} ORDER BY at DESC, id DESC LIMIT ${limit}`,

    upsertSession: (idHash: string, user: string, csrf: string, expiresAt: number): Statement => sql`
      INSERT INTO sessions (id_hash, user_name, csrf, expires_at) VALUES (${idHash}, ${user}, ${csrf}, ${expiresAt})
      ON CONFLICT (id_hash) DO UPDATE SET user_name = excluded.user_name, csrf = excluded.csrf, expires_at = excluded.expires_at`,
    selectSession: (idHash: string, now: number): Statement => sql`SELECT * FROM sessions WHERE id_hash = ${idHash} AND expires_at > ${now}`,
    deleteSession: (idHash: string): Statement => sql`DELETE FROM sessions WHERE id_hash = ${idHash}`,
    deleteExpiredSessions: (now: number): Statement => sql`DELETE FROM sessions WHERE expires_at <= ${now}`,

    /** Retention: the transfer records of jobs that ended (done, cancelled) before `before`. */
    deleteOldTransfers: (before: number): Statement => sql`
      DELETE FROM transfers WHERE job_id IN (
        SELECT id FROM jobs WHERE state IN ('done', 'cancelled') AND finished_at IS NOT NULL AND finished_at < ${before})`,
    /**
     * Retention: the plan of those jobs (and the payload of order exports, which fetch their order
     * again when replayed). The job row and its checkpoints stay: the proof that an order was
     * exported, so a late trigger finds the job instead of exporting the order again.
     */
    clearOldPlans: (before: number): Statement => sql`
      UPDATE jobs SET plan = NULL, payload = CASE WHEN flow = 'order-export' THEN NULL ELSE payload END
      WHERE state IN ('done', 'cancelled') AND finished_at IS NOT NULL AND finished_at < ${before} AND (plan IS NOT NULL OR (flow = 'order-export' AND payload IS NOT NULL))`,
    deleteOldEvents: (before: number): Statement => sql`DELETE FROM events WHERE handled_at IS NOT NULL AND handled_at < ${before}`,
    deleteOldAudit: (before: number): Statement => sql`DELETE FROM audit_log WHERE at < ${before}`,
  };
}
