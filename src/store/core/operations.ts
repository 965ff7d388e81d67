/**
 * The store's operations records, written once over a `SqlDb` like the core: the health of each
 * outside system per profile, the audit log of operator actions, and dashboard sessions.
 * `createStoreCore` merges these methods into the Store.
 */
import { redactText } from '../../lib/redact.ts';
import { operationStatements } from '../sql/operations.ts';
import type { Dialect, Row, SqlDb } from '../sql/statement.ts';
import type { AuditEntry, AuditInput, HealthOutcome, Store, StoredSession, SystemHealth } from '../store.ts';

type OperationsMethods = Pick<Store, 'recordHealth' | 'listHealth' | 'addAudit' | 'listAudit' | 'saveSession' | 'getSession' | 'deleteSession' | 'purgeSessions' | 'prune'>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function operationMethods(db: SqlDb, dialect: Dialect, clock: () => number): OperationsMethods {
  const ops = operationStatements(dialect);
  const read = async (profile: string, system: string): Promise<SystemHealth | null> => {
    const row = (await db.all(ops.selectHealth(profile, system)))[0];
    return row === undefined ? null : toHealth(row);
  };
  return {
    async recordHealth(profile, system, outcome: HealthOutcome) {
      const before = await read(profile, system);
      const at = outcome.at ?? clock();
      if (outcome.ok) await db.run(ops.upsertSuccess(profile, system, at));
      else await db.run(ops.upsertFailure(profile, system, at, outcome.code, redactText(outcome.message).slice(0, 1000), outcome.nextTryAt));
      return { before, after: (await read(profile, system))! };
    },
    async listHealth() {
      return (await db.all(ops.selectAllHealth())).map(toHealth);
    },
    async addAudit(entry: AuditInput) {
      await db.run(ops.insertAudit(entry.at ?? clock(), entry.actor, entry.action, entry.profile ?? null, entry.jobId ?? null, entry.detail === undefined || entry.detail === null ? null : redactText(entry.detail).slice(0, 2000)));
    },
    async listAudit(query = {}) {
      const before = query.before ?? Number.MAX_SAFE_INTEGER;
      const limit = Math.min(Math.max(1, query.limit ?? 100), 10_000);
      const statement =
        query.jobId !== undefined ? ops.selectAuditOfJob(query.jobId, before, limit) : query.profile !== undefined ? ops.selectAuditOfProfile(query.profile, before, limit) : ops.selectAudit(before, limit);
      return (await db.all(statement)).map(toAudit);
    },
    async saveSession(idHash, session: StoredSession) {
      await db.run(ops.upsertSession(idHash, session.user, session.csrf, session.expiresAt));
    },
    async getSession(idHash) {
      const row = (await db.all(ops.selectSession(idHash, clock())))[0];
      return row === undefined ? null : { user: String(row.user_name), csrf: String(row.csrf), expiresAt: Number(row.expires_at) };
    },
    async deleteSession(idHash) {
      await db.run(ops.deleteSession(idHash));
    },
    async purgeSessions() {
      return db.run(ops.deleteExpiredSessions(clock()));
    },
    async prune({ before, auditBefore }) {
      return db.transaction(async (tx) => ({
        transfers: await tx.run(ops.deleteOldTransfers(before)),
        plans: await tx.run(ops.clearOldPlans(before)),
        events: await tx.run(ops.deleteOldEvents(before)),
        audit: auditBefore === undefined ? 0 : await tx.run(ops.deleteOldAudit(auditBefore)),
      }));
    },
  };
}

function toHealth(r: Row): SystemHealth {
  return {
    profile: String(r.profile),
    system: String(r.system),
    failingSince: num(r.failing_since),
    failures: Number(r.failures),
    lastErrorCode: str(r.last_error_code),
    lastErrorMessage: str(r.last_error_message),
    lastErrorAt: num(r.last_error_at),
    lastOkAt: num(r.last_ok_at),
    nextTryAt: num(r.next_try_at),
  };
}

function toAudit(r: Row): AuditEntry {
  return {
    id: String(r.id),
    at: Number(r.at),
    actor: String(r.actor),
    action: String(r.action),
    profile: str(r.profile),
    jobId: str(r.job_id),
    detail: str(r.detail),
  };
}
