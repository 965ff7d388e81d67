/**
 * The configured store, opened and migrated: all that `status`, `cancel`, `backup`, `prune`,
 * `resume` and `cetec selftest` need of the hub (compose.ts builds the rest, and re-exports these).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/load.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';

/** The SQLite store's file (resolved against the config file's folder), or null for PostgreSQL. */
export function sqliteFileOf(config: Config): string | null {
  if (!('sqlite' in config.store)) return null;
  return path.resolve(config.file ? path.dirname(config.file) : process.cwd(), config.store.sqlite);
}

/** Opens the configured store and applies migrations. */
export async function openConfiguredStore(config: Config): Promise<Store> {
  let store: Store;
  if ('sqlite' in config.store) {
    const file = sqliteFileOf(config)!;
    mkdirSync(path.dirname(file), { recursive: true });
    store = openStore({ sqlite: file });
  } else {
    const url = config.secret(config.store.postgres.urlEnv, 'store.postgres.urlEnv');
    store = openStore({ postgres: { url, ...(config.store.postgres.schema ? { schema: config.store.postgres.schema } : {}) } });
  }
  await store.migrate();
  return store;
}
