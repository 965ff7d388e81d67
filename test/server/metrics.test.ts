/**
 * /metrics after a known batch: job gauges read from the port at scrape, finished-job counters,
 * outbound latency and retries observed by metricsRecorder around a real recorder, breaker state.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { metricsRecorder } from '../../src/lib/metrics.ts';
import type { TransferEnd, TransferStart } from '../../src/lib/transfer.ts';
import { API_TOKEN, startHarness, type Harness } from './harness.ts';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses the Prometheus text format (the subset prom-client writes). */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('/metrics', () => {
  let h: Harness;
  const innerCalls: string[] = [];
  before(async () => {
    h = await startHarness();
    // A known batch: 3 exports done and 1 failed for prod; one design import done.
    for (let i = 0; i < 3; i++) h.metrics.jobFinished({ profile: 'prod', flow: 'order-export', outcome: 'done' });
    h.metrics.jobFinished({ profile: 'prod', flow: 'order-export', outcome: 'failed' });
    h.metrics.jobFinished({ profile: 'prod', flow: 'design-import', outcome: 'done' });
    // Outbound calls through a wrapped recorder: BOM ok on attempt 1; importjson fails then succeeds on attempt 2.
    let seq = 0;
    const recorder = metricsRecorder(
      {
        start: (t: TransferStart) => {
          const id = `inner-${++seq}`;
          innerCalls.push(`start ${id} ${t.endpoint} #${t.attempt}`);
          return id;
        },
        end: (id: string, r: TransferEnd) => {
          innerCalls.push(`end ${id} ${r.outcome}`);
        },
      },
      h.metrics,
    );
    const call = async (endpoint: string, attempt: number, durationMs: number, outcome: TransferEnd['outcome']) => {
      const id = await recorder.start({ system: 'cetec', endpoint, method: 'POST', url: 'http://127.0.0.1/x', requestBody: null, attempt });
      await recorder.end(id, { status: outcome === 'ok' ? 200 : 503, responseBody: null, durationMs, outcome });
    };
    await call('partrevisiondefinition', 1, 80, 'ok');
    await call('importjson', 1, 1200, 'unknown');
    await call('importjson', 2, 300, 'ok');
    let breaker: 'closed' | 'open' = 'open';
    h.metrics.watchBreaker({ system: 'cetec', target: 'prod' }, () => breaker);
    h.metrics.watchBreaker({ system: 'paperless', target: 'prod' }, () => 'closed');
    void (breaker = 'open');
  });
  after(() => h.close());

  test('the wrapped recorder passes every call through with its own ids', () => {
    assert.deepEqual(innerCalls, [
      'start inner-1 partrevisiondefinition #1',
      'end inner-1 ok',
      'start inner-2 importjson #1',
      'end inner-2 unknown',
      'start inner-3 importjson #2',
      'end inner-3 ok',
    ]);
  });

  test('series match the port and the batch', async () => {
    const res = await h.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const samples = parseMetrics(res.body);

    for (const row of await h.port.countJobs()) {
      assert.equal(value(samples, 'shopwire_jobs', { profile: row.profile, flow: row.flow, state: row.state }), row.count, `${row.flow} ${row.state}`);
    }
    assert.equal(value(samples, 'shopwire_jobs', { profile: 'prod', flow: 'order-export', state: 'done' }), 13);

    // Oldest runnable: j-181 is retrying but not due (next attempt in 10 min): nothing runnable.
    assert.equal(value(samples, 'shopwire_queue_age_seconds', {}), 0);

    assert.equal(value(samples, 'shopwire_jobs_finished_total', { profile: 'prod', flow: 'order-export', outcome: 'done' }), 3);
    assert.equal(value(samples, 'shopwire_jobs_finished_total', { profile: 'prod', flow: 'order-export', outcome: 'failed' }), 1);
    assert.equal(value(samples, 'shopwire_jobs_finished_total', { profile: 'prod', flow: 'design-import', outcome: 'done' }), 1);

    assert.equal(value(samples, 'shopwire_outbound_request_duration_seconds_count', { system: 'cetec', endpoint: 'importjson', outcome: 'unknown' }), 1);
    assert.equal(value(samples, 'shopwire_outbound_request_duration_seconds_count', { system: 'cetec', endpoint: 'importjson', outcome: 'ok' }), 1);
    assert.equal(value(samples, 'shopwire_outbound_request_duration_seconds_sum', { system: 'cetec', endpoint: 'importjson', outcome: 'unknown' }), 1.2);
    assert.equal(value(samples, 'shopwire_outbound_request_duration_seconds_bucket', { system: 'cetec', endpoint: 'partrevisiondefinition', le: '0.1' }), 1);
    assert.equal(value(samples, 'shopwire_outbound_retries_total', { system: 'cetec', endpoint: 'importjson' }), 1);
    assert.equal(value(samples, 'shopwire_outbound_retries_total', { system: 'cetec', endpoint: 'partrevisiondefinition' }), undefined);

    assert.equal(value(samples, 'shopwire_circuit_breaker_state', { system: 'cetec', target: 'prod' }), 2);
    assert.equal(value(samples, 'shopwire_circuit_breaker_state', { system: 'paperless', target: 'prod' }), 0);
  });

  test('the jobs gauge follows the port at each scrape, and queue age counts from the oldest runnable job', async () => {
    await h.app.inject({ method: 'POST', url: '/api/v1/jobs/j-180/retry', headers: { authorization: `Bearer ${API_TOKEN}` } });
    h.clock.now += 90_000;
    const samples = parseMetrics((await h.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${API_TOKEN}` } })).body);
    assert.equal(value(samples, 'shopwire_jobs', { profile: 'prod', flow: 'order-export', state: 'needs-attention' }), undefined, 'no longer any');
    assert.equal(value(samples, 'shopwire_jobs', { profile: 'prod', flow: 'order-export', state: 'pending' }), 1);
    // j-180 was created 5 h before the harness clock, and is now pending (runnable).
    assert.equal(value(samples, 'shopwire_queue_age_seconds', {}), 5 * 3600 + 90);
  });
});
