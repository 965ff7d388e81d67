/**
 * Once-only duties: work that must run on one hub process at a time however many share the store
 * (a profile's discovery pass, which also handles the integration's on/off events and sends the
 * heartbeats). A lease in `duty_leases`, renewed by its holder and taken over by another process
 * once it has run out, so a dead holder's duty moves on by itself.
 */
import { dutyStatements } from '../sql/duties.ts';
import type { Store } from '../store.ts';
import type { CoreContext } from './context.ts';

export function dutyMethods(ctx: CoreContext): Pick<Store, 'holdDuty' | 'renewDuties' | 'releaseDuty' | 'listDuties'> {
  const { db, clock } = ctx;
  const duties = dutyStatements(ctx.dialect);
  return {
    async holdDuty(duty, owner, leaseMs, options = {}) {
      const now = clock();
      return (await db.run(duties.holdDuty(duty, owner, now, now + leaseMs, options.replacing ?? null))) === 1;
    },
    async renewDuties(owner, leaseMs) {
      // On the connection kept for renewals (PostgreSQL), like the job leases.
      return ctx.leaseDb.run(duties.renewDuties(owner, clock() + leaseMs));
    },
    async releaseDuty(duty, owner) {
      await db.run(duties.releaseDuty(duty, owner));
    },
    async listDuties() {
      return (await db.all(duties.selectDuties())).map((r) => ({
        duty: String(r.duty),
        owner: String(r.owner),
        leaseUntil: Number(r.lease_until),
        acquiredAt: Number(r.acquired_at),
      }));
    },
  };
}
