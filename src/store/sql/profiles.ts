/** Statements on `profiles`: per-profile discovery cursor, pause switch and last-seen times. */
import { raw, sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export type ProfileRow = {
  profile: string;
  cursor: number | null;
  paused: number;
  pausedReason: string | null;
  lastPollAt: number | null;
  lastHeartbeatAt: number | null;
  lastSuccessAt: number | null;
};

export function profileStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    ensureProfile: (profile: string): Statement =>
      sql`INSERT INTO profiles (profile, paused) VALUES (${profile}, 0) ON CONFLICT (profile) DO NOTHING`,
    selectProfile: (profile: string): Statement => sql`SELECT * FROM profiles WHERE profile = ${profile}`,
    selectProfiles: (): Statement => sql`SELECT * FROM profiles ORDER BY profile`,
    writeProfile: (p: ProfileRow): Statement => sql`
      UPDATE profiles SET cursor = ${p.cursor}, paused = ${p.paused}, paused_reason = ${p.pausedReason},
        last_poll_at = ${p.lastPollAt}, last_heartbeat_at = ${p.lastHeartbeatAt}, last_success_at = ${p.lastSuccessAt}
      WHERE profile = ${p.profile}`,
    /** Notes that a job of the profile was claimed now (fair claims: src/store/sql/claim-fair.ts). */
    markClaimed: (profile: string, now: number): Statement => sql`UPDATE profiles SET last_claim_at = ${now} WHERE profile = ${profile}`,
    /** Locks the profile row for a read-modify-write. */
    selectProfileForUpdate: (profile: string): Statement =>
      sql`SELECT * FROM profiles WHERE profile = ${profile} ${raw(d.forUpdate)}`,
  };
}
