/**
 * Limits held across every hub process on one PostgreSQL database: slot `i` of a scope is the
 * session advisory lock `(hashtext(scope), i)`, taken with `pg_try_advisory_lock` on a connection
 * kept for this alone (session locks belong to the connection that took them). A process that dies
 * loses its connection, and the server frees its slots at once: nothing to expire or clean up.
 * Should the connection break while the process lives, its slots are gone too; the next `take`
 * opens a new connection (the calls still running were counted under the old one, so the limit
 * can be exceeded for as long as they last: logged by the caller as an error of `take`).
 */
import pg from 'pg';
import type { SharedSlots } from '../store.ts';
import { translatePgError } from './errors.ts';

export function openSharedSlots(url: string): SharedSlots & { close(): Promise<void> } {
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  const connection = (): Promise<pg.Client> => {
    if (client !== null) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      const lost = (): void => {
        if (client !== c) return;
        client = null;
        held.clear();
      };
      c.on('error', lost);
      c.on('end', lost);
      try {
        await c.connect();
      } finally {
        connecting = null;
      }
      client = c;
      return c;
    })();
    return connecting;
  };
  // Session locks are re-entrant: this connection could take a slot it already holds. So the
  // slots this process holds are skipped, and its takes run one at a time to keep that list true.
  const held = new Map<string, Set<number>>();
  let turn: Promise<unknown> = Promise.resolve();
  const takeOne = async (scope: string, slots: number): Promise<(() => Promise<void>) | null> => {
    const c = await connection();
    const mine = held.get(scope) ?? new Set<number>();
    held.set(scope, mine);
    if (mine.size >= slots) return null;
    let rows: Array<{ s: number }>;
    try {
      // The first free slot; the LIMIT stops the scan at the first lock taken. The CASE makes the
      // server skip the slots this connection holds before it tries a lock: with `NOT mine AND
      // pg_try_advisory_lock(…)` the planner orders by cost and, once 3+ slots are held, tries the
      // lock first, taking a held slot a second time (session locks count), and the one release
      // left it held for ever: no other process could take it again.
      ({ rows } = await c.query(
        'SELECT s FROM generate_series(0, $2::int - 1) AS s WHERE CASE WHEN s = ANY($3::int[]) THEN false ELSE pg_try_advisory_lock(hashtext($1), s) END LIMIT 1',
        [scope, slots, [...mine]],
      ));
    } catch (error) {
      throw translatePgError(error, 'pg_try_advisory_lock');
    }
    if (rows.length === 0) return null;
    const slot = Number(rows[0]!.s);
    mine.add(slot);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // A broken connection already freed it (and `held` was cleared with it).
      if (client !== c) return;
      // In turn with the takes: one query at a time on this connection.
      const unlock = turn.then(async () => {
        try {
          await c.query('SELECT pg_advisory_unlock(hashtext($1), $2::int)', [scope, slot]);
        } catch {
          // The connection broke meanwhile: the server freed the lock.
        } finally {
          if (client === c) mine.delete(slot);
        }
      });
      turn = unlock;
      await unlock;
    };
  };
  return {
    take(scope, slots) {
      const result = turn.then(() => takeOne(scope, slots));
      turn = result.catch(() => undefined);
      return result;
    },
    async close() {
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
