/**
 * A job that fails on fetching its order from Paperless Parts shows why: the Paperless calls a job
 * makes (fetching the order, updating its integration action, writing erp_code back) are recorded
 * among its transfers like the Cetec calls, and the transfers are grouped by run — each time the
 * job is taken up (a retry, a replay) is a group of its own.
 *
 * Real parts: the Paperless Parts and Cetec emulators on loopback, `startDaemon` on a config file
 * (SQLite store, discovery, worker, dashboard), the order requested from Paperless Parts as an
 * integration action. The order's fetch answers 503 three times (one run: the HTTP helper's own
 * retries), then 400 (the next run: needs attention); a replay then exports it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { startDaemon, type Daemon } from '../../src/cli/daemon.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { hashPassword } from '../../src/server/settings.ts';
import type { TransferView } from '../../src/server/ports.ts';
import { configFor, signIn, startE2E, until, type E2E } from './harness.ts';

/** A Paperless token with characters URL, HTML and JSON encodings all change. */
const PAPERLESS_TOKEN = 'pp-canary-7f3a&<"grouped">';
const CETEC_TOKEN = 'cetec-canary-2b9e';
const API_TOKEN = 'api-token-transfers-by-run-4c1d';
const PASSWORD = 'transfers by run';
const ORDER = 4101;
const FORBIDDEN = [PAPERLESS_TOKEN, encodeURIComponent(PAPERLESS_TOKEN), JSON.stringify(PAPERLESS_TOKEN).slice(1, -1), PAPERLESS_TOKEN.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')];

type JobJson = { id: string; key: string; state: string; lastError: { code: string; message: string } | null; transfers: TransferView[] };

let e2e: E2E;
let daemon: Daemon;
let session = '';
let jobId = '';
let failed: JobJson;

before(async () => {
  e2e = await startE2E({ tokens: { cetec: CETEC_TOKEN, paperless: PAPERLESS_TOKEN }, paperless: { generated: { seed: 12, count: 1, startNumber: ORDER } } });
  const file = path.join(e2e.dir, 'transfers.yaml');
  const config = configFor(e2e.cetec.url, e2e.paperless.url, {
    // Only the shop's request starts the job (no schedule discovering the order first).
    paperless: { integrationUuid: e2e.paperless.integrationUuid },
    discovery: { newOrders: false },
    retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 200 },
  });
  writeFileSync(
    file,
    stringify({
      ...config,
      dashboard: { users: [{ name: 'ops', passwordHash: hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) }], apiTokenEnv: 'SHOPWIRE_API_TOKEN' },
    }),
  );
  // The order's fetch: three 503s (one run: the HTTP helper retries a read twice), then a 400.
  e2e.paperless.faults.script(`GET /orders/public/${ORDER}`, [
    { kind: 'status', status: 503 },
    { kind: 'status', status: 503 },
    { kind: 'status', status: 503 },
    { kind: 'status', status: 400 },
  ]);
  daemon = await startDaemon({
    config: loadConfig({ file, env: { CETEC_TOKEN, PAPERLESS_TOKEN, SHOPWIRE_API_TOKEN: API_TOKEN } }),
    logger: silentLogger(),
    idleMs: 50,
  });
  e2e.paperless.requestExport(ORDER);
  session = await signIn(daemon.url, PASSWORD);
});

after(async () => {
  await daemon?.stop().catch(() => {});
  await e2e?.close();
});

const api = async <T>(pathname: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`${daemon.url}${pathname}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...init.headers } });
  const text = await res.text();
  assert.ok(res.ok, `${pathname}: ${res.status} ${text.slice(0, 300)}`);
  for (const secret of FORBIDDEN) assert.ok(!text.includes(secret), `${pathname} shows the Paperless token`);
  return JSON.parse(text) as T;
};

async function jobPage(id: string): Promise<string> {
  const res = await fetch(`${daemon.url}/jobs/${id}`, { headers: { cookie: session } });
  assert.equal(res.status, 200);
  const text = await res.text();
  for (const secret of FORBIDDEN) assert.ok(!text.includes(secret), `the job page shows the Paperless token (${secret})`);
  return text;
}

/** The transfer groups of a job page: each `data-transfer-group` section with its endpoints and outcomes. */
function groupsOn(page: string): { execution: string; run: string; attempt: string; calls: string[] }[] {
  const out: { execution: string; run: string; attempt: string; calls: string[] }[] = [];
  const re = /<section class="transfer-group[^"]*" data-transfer-group="([^"]*)" data-run="([^"]*)" data-attempt="([^"]*)">([\s\S]*?)<\/ol>\s*<\/section>/g;
  for (const m of page.matchAll(re)) {
    const calls = [...m[4]!.matchAll(/data-endpoint="([^"]*)" data-outcome="([^"]*)"/g)].map((c) => `${c[1]} ${c[2]}`);
    out.push({ execution: m[1]!, run: m[2]!, attempt: m[3]!, calls });
  }
  return out;
}

test('a job that failed on fetching the order shows the Paperless calls and the error, one group per run', async () => {
  failed = await until(
    'the job to need attention',
    async () => {
      const { jobs } = await api<{ jobs: JobJson[] }>('/api/v1/jobs?limit=10');
      const job = jobs.find((j) => j.key === String(ORDER));
      return job?.state === 'needs-attention' ? job : undefined;
    },
    60_000,
    100,
  );
  jobId = failed.id;
  assert.equal(failed.lastError?.code, 'paperless.rejected', JSON.stringify(failed.lastError));
  const detail = await api<JobJson>(`/api/v1/jobs/${jobId}`);
  failed = detail;
  const fetches = detail.transfers.filter((t) => t.system === 'paperless' && t.endpoint === 'orders.get');
  assert.deepEqual(fetches.map((t) => [t.status, t.execution, t.run]), [
    [503, 1, 1],
    [503, 1, 1],
    [503, 1, 1],
    [400, 2, 1],
  ], 'the order fetches with their answers, in the run that made them');
  assert.ok(fetches.slice(0, 3).every((t) => t.outcome === 'unknown' && /HTTP 503/.test(t.error ?? '')), JSON.stringify(fetches.map((t) => t.error)));
  assert.equal(fetches[3]!.outcome, 'failed');
  assert.ok(fetches[3]!.responseBody !== null, 'the answer that stopped the job is kept');
  assert.match(fetches[0]!.url, new RegExp(`/orders/public/${ORDER}$`));
  // The integration action: set in progress when discovery attached it (before the first run), failed after the last.
  const actions = detail.transfers.filter((t) => t.endpoint === 'integration_actions.update');
  const action = (t: TransferView | undefined) => [t?.execution, (t?.requestBody as { status?: string } | undefined)?.status, t?.outcome];
  assert.deepEqual(action(actions[0]), [0, 'in_progress', 'ok']);
  assert.deepEqual(action(actions.at(-1)), [2, 'failed', 'ok']);
  assert.ok(!detail.transfers.some((t) => t.system === 'cetec'), 'nothing was sent to Cetec');

  const page = await jobPage(jobId);
  // (The worker may take the job up before discovery has noted the action in progress: then the
  // first run says "in progress" once more, harmlessly; the fetches are what this test is about.)
  const fetchesIn = (g: { calls: string[] }) => g.calls.filter((c) => c.startsWith('orders.get'));
  const groups = groupsOn(page);
  assert.deepEqual(groups.map((g) => [g.execution, g.run, g.attempt, fetchesIn(g)]), [
    ['0', '1', '', []],
    ['1', '1', '1', ['orders.get unknown', 'orders.get unknown', 'orders.get unknown']],
    ['2', '1', '2', ['orders.get failed']],
  ]);
  assert.deepEqual(groups[0]!.calls, ['integration_actions.update ok']);
  assert.equal(groups[2]!.calls.at(-1), 'integration_actions.update ok', 'the action marked failed after the last run');
  assert.match(page, /<h3>Run 1, attempt 2 <span/);
  assert.match(page, /Paperless Parts orders\.get/);
  assert.match(page, /HTTP 400/, 'the answer that stopped the job is on the page');
});

test('a replay is a new group: the order fetched, the BOM and sales order sent, erp_code written back', async () => {
  const replayed = await api<{ job: JobJson }>(`/api/v1/jobs/${jobId}/replay`, { method: 'POST' });
  assert.equal(replayed.job.id, jobId);
  const done = await until(
    'the replayed job to be done and its erp_code written back',
    async () => {
      // The write-back follows the job's end (a report, not a step), so wait for its record too.
      const job = await api<JobJson>(`/api/v1/jobs/${jobId}`);
      const wroteBack = job.transfers.some((t) => t.execution === 3 && t.endpoint === 'orders.set_erp_code' && t.outcome !== 'pending');
      return job.state === 'done' && wroteBack ? job : undefined;
    },
    60_000,
    100,
  );
  const replay = done.transfers.filter((t) => t.execution === 3);
  assert.ok(replay.length > 0);
  assert.ok(replay.every((t) => t.run === 2), 'a replay is run 2');
  const calls = replay.map((t) => `${t.system} ${t.endpoint} ${t.outcome}`);
  assert.equal(calls[0], 'paperless orders.get ok');
  assert.ok(calls.includes('cetec importjson ok'), calls.join('\n'));
  assert.equal(calls.at(-1), 'paperless orders.set_erp_code ok', calls.join('\n'));
  assert.equal(e2e.cetec.state.orders().length, 1, 'exported once');
  // The earlier groups are kept as they were.
  assert.equal(done.transfers.filter((t) => t.execution !== 3).length, failed.transfers.length);

  const page = await jobPage(jobId);
  const groups = groupsOn(page);
  assert.deepEqual(groups.map((g) => [g.execution, g.run, g.attempt]), [['0', '1', ''], ['1', '1', '1'], ['2', '1', '2'], ['3', '2', '1']]);
  assert.equal(groups[3]!.calls.length, replay.length);
  assert.match(page, /<h3>Run 2, attempt 1 <span/);
});

test('the Paperless token is in no stored transfer record', async () => {
  const store = await e2e.store();
  const records = await store.listTransfers(jobId);
  // The token was really used: Paperless Parts accepted the hub's calls with it.
  assert.ok(records.some((t) => t.system === 'paperless' && t.status === 200));
  const stored = JSON.stringify(records);
  for (const secret of FORBIDDEN) assert.ok(!stored.includes(secret), `a stored transfer holds the Paperless token (${secret})`);
});
