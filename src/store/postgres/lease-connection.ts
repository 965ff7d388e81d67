/**
 * A connection kept for lease renewals (jobs' and duties'), apart from the pool the job lanes
 * use: with every pooled connection busy (slow commits on a loaded host, many lanes), a renewal
 * taken from the pool would wait behind them and could arrive after the lease ran out, letting
 * another process take a live job. Here it waits for nothing but its own statement. One
 * statement at a time (the client queues them); a broken connection is replaced at the next
 * renewal. Shown as `application_name = 'shopwire-leases'` in `pg_stat_activity`.
 */
import pg from 'pg';
import type { Row, SqlDb, Statement } from '../sql/statement.ts';
import { translatePgError } from './errors.ts';

export const LEASE_APPLICATION_NAME = 'shopwire-leases';

export function openLeaseConnection(config: pg.ClientConfig): SqlDb {
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  const connection = (): Promise<pg.Client> => {
    if (client !== null) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ ...config, application_name: LEASE_APPLICATION_NAME });
      const lost = (): void => {
        if (client === c) client = null;
      };
      c.on('error', lost);
      c.on('end', lost);
      try {
        await c.connect();
      } catch (error) {
        throw translatePgError(error, 'connect');
      } finally {
        connecting = null;
      }
      if (closed) {
        await c.end().catch(() => undefined);
        throw new Error('the store is closed');
      }
      client = c;
      return c;
    })();
    return connecting;
  };
  const query = async (s: Statement) => {
    const c = await connection();
    try {
      return await c.query(s.text, s.values);
    } catch (error) {
      throw translatePgError(error, s.text);
    }
  };
  return {
    async all(s) {
      return (await query(s)).rows as Row[];
    },
    async run(s) {
      return (await query(s)).rowCount ?? 0;
    },
    async exec() {
      throw new Error('the lease connection runs single statements only');
    },
    transaction: () => {
      throw new Error('the lease connection runs single statements only');
    },
    async close() {
      closed = true;
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
