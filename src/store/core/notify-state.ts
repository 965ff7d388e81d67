/**
 * The notifier's state per profile (JSON, read unvalidated by src/notify/notifier.ts), written
 * compare-and-set: a write names the version it read and fails when another process wrote since,
 * so with several processes on one store each change (and the message it sends) is made once.
 */
import { notifyStateStatements } from '../sql/notify-state.ts';
import type { Store } from '../store.ts';
import type { CoreContext } from './context.ts';
import { json, one } from './rows.ts';

export function notifyStateMethods(ctx: CoreContext): Pick<Store, 'getNotifyState' | 'saveNotifyState'> {
  const { db } = ctx;
  const statements = notifyStateStatements(ctx.dialect);
  return {
    async getNotifyState(profile) {
      const row = await one(db, statements.selectNotifyState(profile));
      return row === undefined ? null : { state: json(row.state), version: Number(row.version) };
    },
    async saveNotifyState(profile, state, expectedVersion) {
      const text = JSON.stringify(state);
      const changed =
        expectedVersion === null
          ? await db.run(statements.insertNotifyState(profile, text, ctx.clock()))
          : await db.run(statements.updateNotifyState(profile, text, expectedVersion, ctx.clock()));
      return changed === 1;
    },
  };
}
