import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { storeContract } from './contract.ts';

/** Set by `npm test` (scripts/test.ts loads .shopwire/test-env, written by scripts/system-deps.sh). */
const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;

storeContract(
  'postgres',
  async (clock) => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return {
      store: openPostgresStore({ url: url!, schema, clock: clock.read }),
      second: async () => openPostgresStore({ url: url!, schema, clock: clock.read }),
      cleanup: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  },
  { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: PostgreSQL contract run skipped (run scripts/system-deps.sh, then npm test, or export it)' : false },
);
