import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { storeContract } from './contract.ts';
import { dropSchema, freshSchemaName } from './pg-schema.ts';

/** Set by `npm test` (scripts/test.ts loads .shopwire/test-env, written by scripts/system-deps.sh). */
const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;

storeContract(
  'postgres',
  async (clock) => {
    const schema = freshSchemaName();
    return {
      store: openPostgresStore({ url: url!, schema, clock: clock.read }),
      second: async () => openPostgresStore({ url: url!, schema, clock: clock.read }),
      cleanup: async () => {
        await dropSchema(url!, schema);
      },
    };
  },
  { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: PostgreSQL contract run skipped (run scripts/system-deps.sh, then npm test, or export it)' : false },
);
