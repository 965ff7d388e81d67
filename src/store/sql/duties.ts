/** Statements on `duty_leases`: which process holds a once-only duty, and until when. */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function dutyStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    /**
     * Takes the duty when it is free or its lease ran out, or renews it for its owner, in one
     * statement (an upsert whose update applies only then): one row changed means held. With
     * `replacing`, also when that owner (known to be dead) still holds it.
     */
    holdDuty: (duty: string, owner: string, now: number, leaseUntil: number, replacing: string | null): Statement => sql`
      INSERT INTO duty_leases (duty, owner, lease_until, acquired_at) VALUES (${duty}, ${owner}, ${leaseUntil}, ${now})
      ON CONFLICT (duty) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until,
        acquired_at = CASE WHEN duty_leases.owner = excluded.owner THEN duty_leases.acquired_at ELSE excluded.acquired_at END
      WHERE duty_leases.owner = excluded.owner OR duty_leases.lease_until <= ${now} OR duty_leases.owner = ${replacing}`,
    /** Only rows still naming the owner: a duty another process took is not taken back. */
    renewDuties: (owner: string, leaseUntil: number): Statement => sql`UPDATE duty_leases SET lease_until = ${leaseUntil} WHERE owner = ${owner}`,
    releaseDuty: (duty: string, owner: string): Statement => sql`DELETE FROM duty_leases WHERE duty = ${duty} AND owner = ${owner}`,
    selectDuties: (): Statement => sql`SELECT duty, owner, lease_until, acquired_at FROM duty_leases ORDER BY duty`,
  };
}
