/** Per-profile state: discovery cursor, pause and its reason, last poll, heartbeat and success. */
import { redactText } from '../../lib/redact.ts';
import { profileStatements } from '../sql/profiles.ts';
import type { Row, SqlDb } from '../sql/statement.ts';
import type { ProfilePatch, ProfileState, Store } from '../store.ts';
import type { CoreContext } from './context.ts';
import { num, one } from './rows.ts';

export type ProfileWrites = {
  /** Creates the profile's row when it has none. */
  ensureProfile(runner: SqlDb, profile: string): Promise<void>;
  /** Sets the profile's last success time (a job of it is done), inside the caller's transaction. */
  recordSuccess(tx: SqlDb, profile: string, now: number): Promise<void>;
};

export function profileWrites(ctx: CoreContext): ProfileWrites {
  const profiles = profileStatements(ctx.dialect);
  const ensureProfile = async (runner: SqlDb, profile: string): Promise<void> => {
    await runner.run(profiles.ensureProfile(profile));
  };
  return {
    ensureProfile,
    async recordSuccess(tx, profile, now) {
      await ensureProfile(tx, profile);
      const row = await one(tx, profiles.selectProfileForUpdate(profile));
      const p = toProfile(row!);
      await tx.run(profiles.writeProfile({ ...profileRow(p), lastSuccessAt: now }));
    },
  };
}

export function profileMethods(ctx: CoreContext): Pick<Store, 'getProfile' | 'listProfiles' | 'updateProfile'> {
  const { db } = ctx;
  const profiles = profileStatements(ctx.dialect);
  const { ensureProfile } = profileWrites(ctx);
  return {
    async getProfile(profile) {
      await ensureProfile(db, profile);
      return toProfile((await one(db, profiles.selectProfile(profile)))!);
    },

    async listProfiles() {
      return (await db.all(profiles.selectProfiles())).map(toProfile);
    },

    async updateProfile(profile, patch: ProfilePatch) {
      return db.transaction(async (tx) => {
        await ensureProfile(tx, profile);
        const current = toProfile((await one(tx, profiles.selectProfileForUpdate(profile)))!);
        const next: ProfileState = { ...current, ...patch, profile };
        // The cursor only moves forwards: two discovery passes that overlap (a lease taken over
        // from a stalled holder) cannot set it back, which would discover orders again.
        if (current.cursor !== null && (next.cursor === null || next.cursor < current.cursor)) next.cursor = current.cursor;
        if (patch.pausedReason !== undefined) next.pausedReason = patch.pausedReason === null ? null : redactText(patch.pausedReason);
        if (patch.paused === false && patch.pausedReason === undefined) next.pausedReason = null;
        await tx.run(profiles.writeProfile(profileRow(next)));
        return next;
      });
    },
  };
}

function toProfile(r: Row): ProfileState {
  return {
    profile: String(r.profile),
    cursor: num(r.cursor),
    paused: Number(r.paused) === 1,
    pausedReason: r.paused_reason === null || r.paused_reason === undefined ? null : String(r.paused_reason),
    lastPollAt: num(r.last_poll_at),
    lastHeartbeatAt: num(r.last_heartbeat_at),
    lastSuccessAt: num(r.last_success_at),
  };
}

function profileRow(p: ProfileState) {
  return {
    profile: p.profile,
    cursor: p.cursor,
    paused: p.paused ? 1 : 0,
    pausedReason: p.pausedReason,
    lastPollAt: p.lastPollAt,
    lastHeartbeatAt: p.lastHeartbeatAt,
    lastSuccessAt: p.lastSuccessAt,
  };
}
