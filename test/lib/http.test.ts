import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createHttpTarget, HttpAmbiguousError, HttpUnavailableError, parseRetryAfter } from '../../src/lib/http.ts';
import type { HttpTargetOptions } from '../../src/lib/http.ts';
import { registerSecret } from '../../src/lib/redact.ts';
import type { TransferEnd, TransferRecorder, TransferStart } from '../../src/lib/transfer.ts';
import { startToyServer } from '../emulators/shared/toy-server.ts';
import type { ToyServer } from '../emulators/shared/toy-server.ts';

const CANARY = 'canary-TOKEN;|[xyz]';
registerSecret(CANARY);

type Record_ = { start: TransferStart; end?: TransferEnd };
function memoryRecorder(): TransferRecorder & { records: Record_[] } {
  const records: Record_[] = [];
  return {
    records,
    start(transfer) {
      records.push({ start: transfer });
      return String(records.length - 1);
    },
    end(id, result) {
      records[Number(id)]!.end = result;
    },
  };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${address.port}`;
}

describe('createHttpTarget against a faulty server', () => {
  let server: ToyServer;
  const targets: Array<{ close(): Promise<void> }> = [];
  const target = (overrides: Partial<HttpTargetOptions> = {}) => {
    const t = createHttpTarget({
      system: 'cetec',
      baseUrl: server.url,
      // Room for a loaded 2-core machine: a slow first answer must not time out and be retried.
      // Only the tests of a hanging server shorten it.
      timeoutMs: 10_000,
      concurrency: 4,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
      breaker: false,
      ...overrides,
    });
    targets.push(t);
    return t;
  };
  before(async () => {
    server = await startToyServer();
  });
  after(async () => {
    for (const t of targets) await t.close();
    await server.close();
  });
  beforeEach(() => server.faults.clear());

  test('returns parsed JSON and records the call with the token redacted', async () => {
    const recorder = memoryRecorder();
    const res = await target({ recorder }).requestJson({
      method: 'GET', path: '/echo', query: { preshared_token: CANARY, a: 'b c' }, endpoint: 'echo', retrySafe: true, step: 2,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { query: { preshared_token: CANARY, a: 'b c' } }, 'the token arrives intact, percent-decoded');
    assert.equal(recorder.records.length, 1);
    const [record] = recorder.records;
    assert.equal(record!.start.step, 2);
    assert.equal(record!.start.attempt, 1);
    assert.equal(record!.end!.outcome, 'ok');
    assert.ok(!JSON.stringify(recorder.records).includes('canary'), JSON.stringify(recorder.records));
  });

  test('4xx answers are returned, non-JSON bodies as null', async () => {
    const res = await target().requestJson({ method: 'GET', path: '/teapot', endpoint: 'teapot', retrySafe: true });
    assert.equal(res.status, 418);
    assert.equal(res.body, null);
    assert.equal(res.rawText, '<html>no</html>');
  });

  test('an empty 2xx body is accepted as null', async () => {
    const res = await target().requestJson({ method: 'GET', path: '/empty', endpoint: 'empty', retrySafe: true });
    assert.equal(res.status, 200);
    assert.equal(res.body, null);
  });

  test('a 2xx body that is not JSON is ambiguous', async () => {
    await assert.rejects(target().requestJson({ method: 'GET', path: '/text', endpoint: 'text', retrySafe: false }), (e: unknown) => e instanceof HttpAmbiguousError && e.code === 'http.not_json');
  });

  test('connect refused is unavailable and retried even for a call that is not retry-safe', async () => {
    const recorder = memoryRecorder();
    const t = createHttpTarget({ system: 'cetec', baseUrl: await closedPortUrl(), timeoutMs: 200, concurrency: 1, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, breaker: false, recorder });
    targets.push(t);
    await assert.rejects(t.requestJson({ method: 'POST', path: '/write', body: { preshared_token: CANARY }, endpoint: 'write', retrySafe: false }), (e: unknown) => {
      assert.ok(e instanceof HttpUnavailableError);
      assert.equal(e.code, 'http.connect_failed');
      assert.equal(e.kind, 'transient');
      return true;
    });
    assert.equal(recorder.records.length, 3);
    assert.ok(recorder.records.every((r) => r.end?.outcome === 'failed'));
    assert.ok(!JSON.stringify(recorder.records).includes('canary'));
  });

  test('503 is retried for a retry-safe call', async () => {
    server.faults.script('POST /write', [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }]);
    const before = server.writes();
    const res = await target().requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: true });
    assert.equal(res.status, 200);
    assert.equal(server.writes(), before + 1);
    assert.equal(server.faults.stats().applied.status, 2);
  });

  test('retries are bounded', async () => {
    server.faults.script('POST /write', Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 502 })));
    const recorder = memoryRecorder();
    await assert.rejects(target({ recorder }).requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: true }), HttpAmbiguousError);
    assert.equal(recorder.records.length, 3);
    assert.ok(recorder.records.every((r) => r.end?.outcome === 'unknown'));
  });

  test('a call that is not retry-safe is never repeated once it may have been sent', async () => {
    for (const fault of [{ kind: 'status', status: 503 }, { kind: 'commit-then-fail' }, { kind: 'truncate' }, { kind: 'hang' }, { kind: 'html' }] as const) {
      server.faults.clear();
      server.faults.script('POST /write', [fault]);
      const recorder = memoryRecorder();
      await assert.rejects(
        target({ recorder, ...(fault.kind === 'hang' ? { timeoutMs: 300 } : {}) }).requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: false }),
        (e: unknown) => e instanceof HttpAmbiguousError && e.kind === 'ambiguous',
        `fault ${fault.kind} must be ambiguous`,
      );
      assert.equal(recorder.records.length, 1, `fault ${fault.kind} must not be retried`);
      assert.equal(recorder.records[0]!.end!.outcome, 'unknown');
    }
  });

  test('each fault is classified precisely', async () => {
    const cases = [
      [{ kind: 'hang' }, 'http.timeout'],
      [{ kind: 'reset' }, 'http.reset'],
      [{ kind: 'commit-then-fail' }, 'http.reset'],
      [{ kind: 'truncate' }, 'http.truncated'],
      [{ kind: 'html' }, 'http.server_error'],
      [{ kind: 'commit-then-fail', then: 'status', status: 500 }, 'http.server_error'],
    ] as const;
    for (const [fault, code] of cases) {
      server.faults.clear();
      server.faults.script('POST /write', [fault]);
      const t = target(fault.kind === 'hang' ? { timeoutMs: 300 } : {});
      await assert.rejects(t.requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: false }), (e: unknown) => {
        assert.ok(e instanceof HttpAmbiguousError, `${fault.kind}: ${String(e)}`);
        assert.equal(e.code, code, fault.kind);
        return true;
      });
    }
  });

  test('429 Retry-After is honoured for a retry-safe call', async () => {
    server.faults.script('POST /write', [{ kind: 'rate-limit', retryAfter: 1 }]);
    const started = performance.now();
    const res = await target().requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: true });
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 950, 'waited for Retry-After');
  });

  test('a Retry-After beyond the cap is not waited for; the error carries it', async () => {
    server.faults.script('POST /write', [{ kind: 'rate-limit', retryAfter: 120 }]);
    await assert.rejects(target().requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: true }), (e: unknown) => {
      assert.ok(e instanceof HttpUnavailableError);
      assert.equal(e.code, 'http.rate_limited');
      assert.equal(e.facts.retryAfterMs, 120_000);
      return true;
    });
  });

  test('the breaker opens after consecutive failures and recovers', async () => {
    const t = target({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 100 }, retry: { maxAttempts: 1 } });
    server.faults.script('POST /write', [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }]);
    const send = () => t.requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: true });
    await assert.rejects(send(), HttpAmbiguousError);
    assert.equal(t.breakerState(), 'closed');
    await assert.rejects(send(), HttpAmbiguousError);
    assert.equal(t.breakerState(), 'open');
    const writes = server.writes();
    await assert.rejects(send(), (e: unknown) => e instanceof HttpUnavailableError && e.code === 'http.circuit_open');
    assert.equal(server.writes(), writes, 'an open circuit sends nothing');
    await new Promise((r) => setTimeout(r, 120));
    assert.equal((await send()).status, 200);
    assert.equal(t.breakerState(), 'closed');
  });

  test('4xx answers do not open the breaker', async () => {
    const t = target({ breaker: { consecutiveFailures: 1, halfOpenAfterMs: 10_000 } });
    await t.requestJson({ method: 'GET', path: '/teapot', endpoint: 'teapot', retrySafe: true });
    await t.requestJson({ method: 'GET', path: '/teapot', endpoint: 'teapot', retrySafe: true });
    assert.equal(t.breakerState(), 'closed');
  });

  test('only failures saying the system is unwell open the breaker: 429 does, a documented permanent 5xx does not', async () => {
    // Every outside system shares this policy; a client names its system's permanent 5xx answers.
    const permanentAnswer = (e: HttpAmbiguousError): boolean => (e.body ?? '').includes('MasterDataMissing');
    const t = target({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 }, retry: { maxAttempts: 1 }, permanentAnswer });
    const send = () => t.requestJson({ method: 'POST', path: '/write', body: {}, endpoint: 'write', retrySafe: true });
    const permanent = { kind: 'status' as const, status: 500, body: { message: `MasterDataMissing - ${'x'.repeat(5_000)}` } };
    server.faults.script('POST /write', Array.from({ length: 10 }, () => permanent));
    for (let i = 0; i < 10; i++) {
      await assert.rejects(send(), (e: unknown) => e instanceof HttpAmbiguousError && e.facts.status === 500 && (e.body ?? '').length > 5_000);
    }
    assert.equal(t.breakerState(), 'closed', 'ten permanent refusals: the system is well');
    assert.equal((await send()).status, 200);
    server.faults.script('POST /write', [{ kind: 'rate-limit', retryAfter: 1 }, { kind: 'rate-limit', retryAfter: 1 }]);
    await assert.rejects(send(), HttpUnavailableError);
    await assert.rejects(send(), HttpUnavailableError);
    assert.equal(t.breakerState(), 'open', 'two 429 in a row');
  });

  test('concurrency is limited', async () => {
    const t = target({ concurrency: 1 });
    server.faults.script('GET /read/:id', [{ kind: 'latency', ms: 60 }, { kind: 'latency', ms: 60 }, { kind: 'latency', ms: 60 }]);
    const started = performance.now();
    await Promise.all([1, 2, 3].map((i) => t.requestJson({ method: 'GET', path: `/read/${i}`, endpoint: 'read', retrySafe: true })));
    assert.ok(performance.now() - started >= 170, 'three 60 ms calls ran one at a time');
  });

  test('rate per second is limited', async () => {
    const t = target({ ratePerSecond: 5 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 7 }, (_, i) => t.requestJson({ method: 'GET', path: `/read/${i}`, endpoint: 'read', retrySafe: true })));
    assert.ok(performance.now() - started >= 350, 'two calls beyond the burst of 5 waited ~200 ms each');
  });

  test('no token in any error message', async () => {
    server.faults.script('POST /write', [{ kind: 'html' }]);
    await assert.rejects(
      target().requestJson({ method: 'POST', path: '/write', query: { preshared_token: CANARY }, body: { preshared_token: CANARY }, endpoint: 'write', retrySafe: false }),
      (e: unknown) => {
        const text = JSON.stringify(e) + String((e as Error).message) + JSON.stringify((e as HttpAmbiguousError).facts);
        assert.ok(!text.includes('canary') && !text.includes('canary-TOKEN'.toLowerCase()), text);
        return true;
      },
    );
  });
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});
