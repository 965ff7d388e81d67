/**
 * Taking from a rate bucket shared through the store (store.sharedRates, through the same gate the
 * hub's clients use), for test/store/shared-rates.test.ts and its child processes
 * (test/store/rate-taker.ts).
 */
import { sharedRate } from '../../src/lib/http/shared-rate.ts';
import type { Store } from '../../src/store/store.ts';

/** Tokens taken, and when the takers started and stopped taking (epoch ms, from the monotonic clock). */
export type Taken = { taken: number; start: number; end: number };

/** `takers` callers of one store take from `key` until `ms` has passed. */
export async function hammer(store: Store, key: string, perSecond: number, capacity: number, takers: number, ms: number): Promise<Taken> {
  const gate = sharedRate(() => store.sharedRates!.take(key, perSecond, capacity));
  const now = (): number => performance.timeOrigin + performance.now();
  const start = now();
  const stop = start + ms;
  const signal = AbortSignal.timeout(ms);
  let taken = 0;
  await Promise.all(
    Array.from({ length: takers }, async () => {
      while (now() < stop) {
        try {
          await gate.take(signal);
        } catch {
          return;
        }
        if (now() > stop) return;
        taken++;
      }
    }),
  );
  return { taken, start, end: now() };
}
