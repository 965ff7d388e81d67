/**
 * Opens the configured store. The composition root (cli/run.ts) calls this once and passes the
 * store to the engine and the server; call `migrate()` before use.
 */
import { openPostgresStore } from './postgres/open.ts';
import { openSqliteStore } from './sqlite/open.ts';
import type { Store } from './store.ts';

export type StoreTarget = { sqlite: string } | { postgres: { url: string; schema?: string } };

export function openStore(target: StoreTarget, options: { clock?: () => number } = {}): Store {
  if ('sqlite' in target) return openSqliteStore({ path: target.sqlite, ...options });
  return openPostgresStore({ ...target.postgres, ...options });
}
