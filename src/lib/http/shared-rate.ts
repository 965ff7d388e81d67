/**
 * A rate limit held across processes (a Cetec tenant's calls per second, a Paperless Parts token's
 * calls per minute, on every hub process sharing one PostgreSQL): `take` asks the store for a
 * token of the shared bucket (`sharedRates.take`, one statement that refills and takes it
 * atomically); when none is there, it sleeps for the time the store computed until the next one
 * (a little more, with jitter, so waiting processes do not retry in lockstep) and asks again.
 * Each ask waits for the store's answer at most `answerMs` (then the call fails as not sent).
 * The policy calls it inside the process's own slots, so at most its concurrency of callers wait.
 */
import { SHARED_LIMIT_ANSWER_MS, sleep, storeAnswer } from './policy.ts';
import type { RateGate } from './policy.ts';

/** One try: 0 when a token was taken, else the milliseconds until one is expected. */
export type RateTaker = () => Promise<number>;

export function sharedRate(take: RateTaker, options: { minPauseMs?: number; answerMs?: number; random?: () => number } = {}): RateGate {
  const answerMs = options.answerMs ?? SHARED_LIMIT_ANSWER_MS;
  const min = options.minPauseMs ?? 5;
  const random = options.random ?? Math.random;
  return {
    async take(signal) {
      for (;;) {
        signal?.throwIfAborted();
        const waitMs = await storeAnswer(take(), 'a rate token', answerMs, signal);
        if (waitMs <= 0) return;
        // Other processes may take the next token first: jitter spreads the retries.
        await sleep(Math.max(min, waitMs) * (1 + random() * 0.25), signal);
      }
    },
  };
}
