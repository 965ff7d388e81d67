/**
 * Limits shared with other hub processes through the store (a Cetec tenant's slots, a rate bucket:
 * src/lib/http/shared-gate.ts, shared-rate.ts) never hold a call for ever when the store stops
 * answering: each ask waits for its answer a bounded time, then the call fails as not sent
 * (`http.shared_limit_unanswered`), the server never sees it, and the job waits without using an
 * attempt. A slot the store gives after the caller gave up is given back. Against a real server on
 * loopback; the store is a function standing in for it, so it can be made to stop answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitWithoutAttempt } from '../../src/engine/classify.ts';
import { createHttpTarget, HttpUnavailableError } from '../../src/lib/http.ts';
import type { HttpTarget } from '../../src/lib/http.ts';
import { pollingGate } from '../../src/lib/http/shared-gate.ts';
import { sharedRate } from '../../src/lib/http/shared-rate.ts';
import { startToyServer } from '../emulators/shared/toy-server.ts';
import type { ToyServer } from '../emulators/shared/toy-server.ts';
import { until } from '../wait.ts';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('a shared limit whose store stops answering', () => {
  let server: ToyServer;
  const targets: HttpTarget[] = [];
  before(async () => {
    server = await startToyServer();
  });
  after(async () => {
    for (const t of targets) await t.close();
    await server.close();
  });
  const target = (limits: Pick<Parameters<typeof createHttpTarget>[0], 'shared' | 'sharedRate'>): HttpTarget => {
    const t = createHttpTarget({ system: 'cetec', baseUrl: server.url, timeoutMs: 10_000, concurrency: 2, breaker: false, ...limits });
    targets.push(t);
    return t;
  };
  const write = (t: HttpTarget) => t.requestJson({ method: 'POST', path: '/write', endpoint: 'write', retrySafe: false });

  it('a slot never given: the call fails as not sent, the server never sees it, and no attempt is used', async () => {
    let answering = false;
    const t = target({ shared: pollingGate(async () => (answering ? async () => undefined : never()), { answerMs: 200 }) });
    const before = server.writes();
    await assert.rejects(write(t), (error: unknown) => {
      assert.ok(error instanceof HttpUnavailableError, String(error));
      assert.equal(error.code, 'http.shared_limit_unanswered');
      assert.match(error.message, /cetec write: not sent: the store did not answer within 200 ms when asked for a slot/);
      assert.notEqual(waitWithoutAttempt(error), null, 'the job waits and tries again without using an attempt');
      return true;
    });
    assert.equal(server.writes(), before, 'nothing reached the server');
    // The store answers again: the next call goes through, with nothing to reset.
    answering = true;
    await write(t);
    assert.equal(server.writes(), before + 1);
  });

  it('a rate token never given: the same, through the shared rate bucket', async () => {
    let answering = false;
    const t = target({ sharedRate: sharedRate(async () => (answering ? 0 : never<number>()), { answerMs: 200 }) });
    const before = server.writes();
    await assert.rejects(write(t), (error: unknown) => error instanceof HttpUnavailableError && error.code === 'http.shared_limit_unanswered' && /a rate token/.test(error.message));
    assert.equal(server.writes(), before);
    answering = true;
    await write(t);
    assert.equal(server.writes(), before + 1);
  });

  it('a slot the store gives after the caller gave up is given back at once', async () => {
    let released = 0;
    const gate = pollingGate(() => new Promise((resolve) => setTimeout(() => resolve(async () => void released++), 600)), { answerMs: 100 });
    await assert.rejects(gate.acquire(), /did not answer/);
    await until('the late slot released', () => released === 1, 10_000);
  });

  it('a caller that stops waiting (its call aborted) gets its abort, not a timeout', async () => {
    const gate = pollingGate(() => never(), { answerMs: 60_000 });
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error('job cancelled'));
    await assert.rejects(waiting, /job cancelled/);
  });
});
