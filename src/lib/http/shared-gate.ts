/**
 * A limit shared with other processes (a Cetec tenant's calls in flight, held across every hub
 * process on one PostgreSQL): `take` tries once for a free slot (the store's `sharedSlots`);
 * `acquire` tries until one is free, pausing between tries (short at first, up to `maxPauseMs`;
 * with jitter, so processes waiting together do not try in lockstep). Each try waits for the store's
 * answer at most `answerMs` (then the call fails as not sent). The policy calls it inside
 * the process's own bulkhead, so a process waits with at most its own concurrency of callers.
 */
import { SHARED_LIMIT_ANSWER_MS, sleep, storeAnswer } from './policy.ts';
import type { SharedGate } from './policy.ts';

export type SlotTaker = () => Promise<(() => Promise<void>) | null>;

export function pollingGate(take: SlotTaker, options: { minPauseMs?: number; maxPauseMs?: number; answerMs?: number; random?: () => number } = {}): SharedGate {
  const answerMs = options.answerMs ?? SHARED_LIMIT_ANSWER_MS;
  const min = options.minPauseMs ?? 10;
  const max = options.maxPauseMs ?? 100;
  const random = options.random ?? Math.random;
  return {
    async acquire(signal) {
      for (let pause = min; ; pause = Math.min(max, pause * 2)) {
        signal?.throwIfAborted();
        // A store that stops answering must not hold the call for ever; a slot it gives too late is given back.
        const release = await storeAnswer(take(), 'a slot', answerMs, signal, (late) => void late?.());
        if (release !== null) return () => void release();
        await sleep(pause / 2 + random() * (pause / 2), signal);
      }
    },
  };
}
