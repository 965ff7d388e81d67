import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import { storeContract } from './contract.ts';

storeContract('sqlite', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'shopwire-store-'));
  const path = join(dir, 'shopwire.db');
  return {
    store: openSqliteStore({ path, clock: clock.read }),
    // A second connection to the same file, as a second hub process would have.
    second: async () => openSqliteStore({ path, clock: clock.read }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
