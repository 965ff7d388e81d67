import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { attemptsExhausted, backoffDelay } from '../../src/engine/retry-policy.ts';

const policy = { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 60_000 };

it('backoff stays within [ceiling/2, ceiling], ceiling doubling up to the maximum', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
      const ceiling = Math.min(60_000, 1_000 * 2 ** (attempt - 1));
      const d = backoffDelay(attempt, policy, () => r);
      return d >= Math.floor(ceiling / 2) && d <= ceiling;
    }),
  );
  assert.equal(backoffDelay(1, policy, () => 0), 500);
  assert.equal(backoffDelay(3, policy, () => 1), 4_000);
  assert.equal(backoffDelay(30, policy, () => 1), 60_000);
});

it('attempts are exhausted at the limit', () => {
  assert.equal(attemptsExhausted(5, policy), false);
  assert.equal(attemptsExhausted(6, policy), true);
});
