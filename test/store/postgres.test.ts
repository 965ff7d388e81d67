import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { storeContract } from './contract.ts';

/** SHOPWIRE_TEST_PG_URL from the environment, or from .shopwire/test-env (scripts/system-deps.sh writes it). */
function pgUrl(): string | undefined {
  if (process.env.SHOPWIRE_TEST_PG_URL) return process.env.SHOPWIRE_TEST_PG_URL;
  try {
    const line = readFileSync(new URL('../../.shopwire/test-env', import.meta.url), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('SHOPWIRE_TEST_PG_URL='));
    return line?.slice('SHOPWIRE_TEST_PG_URL='.length).trim() || undefined;
  } catch {
    return undefined;
  }
}

const url = pgUrl();

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
  { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set (nor in .shopwire/test-env): PostgreSQL contract run skipped' : false },
);
