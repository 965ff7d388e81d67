/** Statements on `notify_state`: what the notifier announced per profile, written compare-and-set on `version`. */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function notifyStateStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    selectNotifyState: (profile: string): Statement => sql`SELECT state, version FROM notify_state WHERE profile = ${profile}`,
    /** The first state of a profile: one row inserted means this writer made it. */
    insertNotifyState: (profile: string, state: string, now: number): Statement => sql`
      INSERT INTO notify_state (profile, state, version, updated_at) VALUES (${profile}, ${state}, 1, ${now})
      ON CONFLICT (profile) DO NOTHING`,
    /** Replaces the state only if it is still the version the writer read: one row changed means written. */
    updateNotifyState: (profile: string, state: string, expectedVersion: number, now: number): Statement => sql`
      UPDATE notify_state SET state = ${state}, version = version + 1, updated_at = ${now}
      WHERE profile = ${profile} AND version = ${expectedVersion}`,
  };
}
