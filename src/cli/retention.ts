/** Retention of the store (config `retention`): what `shopwire prune` and the running hub do. */
import type { Store } from '../store/store.ts';

export type RetentionSettings = { days: number; auditDays: number };

const DAY = 86_400_000;

export async function pruneStore(store: Store, settings: RetentionSettings, now = Date.now()): Promise<Awaited<ReturnType<Store['prune']>>> {
  return store.prune({ before: now - settings.days * DAY, auditBefore: now - settings.auditDays * DAY });
}
