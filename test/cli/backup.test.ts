/**
 * `shopwire backup` copies the SQLite store while a writer keeps writing to it (a consistent copy
 * that passes its integrity check and opens as a store), and `shopwire prune` drops the transfer
 * records and plans of jobs finished before the retention window while keeping the job rows
 * (so a late trigger cannot export an order twice).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/shopwire.js', import.meta.url).pathname;
let dir: string;
let configPath: string;
let store: Store;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shopwire-backup-'));
  configPath = path.join(dir, 'shopwire.yaml');
  writeFileSync(configPath, stringify({ profiles: { plant: { cetec: { baseUrl: 'http://127.0.0.1:9' } } }, store: { sqlite: './store.db' }, retention: { days: 30 } }));
  store = openStore({ sqlite: path.join(dir, 'store.db') });
  await store.migrate();
});

after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => run(process.execPath, [BIN, '--config', configPath, ...args], { env: { ...process.env, SHOPWIRE_PROCESS_SETTINGS: 'off' } });

async function finishedJob(key: string): Promise<string> {
  const { job } = await store.enqueueJob({ flow: 'order-export', profile: 'plant', key, trigger: { kind: 'schedule' } });
  const claimed = (await store.claimJob('w', 60_000))!;
  assert.equal(claimed.id, job.id);
  await store.savePlan(job.id, 'w', { steps: [], warnings: [] }, []);
  const recorder = store.recorderFor(job.id);
  const t = await recorder.start({ system: 'cetec', endpoint: 'importjson', method: 'POST', url: 'http://127.0.0.1:9/x', attempt: 1, requestBody: { key } } as never);
  await recorder.end(t, { outcome: 'ok', status: 200, durationMs: 5, responseBody: { ok: 1 } } as never);
  await store.finishJob(job.id, 'w', { state: 'done', error: null });
  return job.id;
}

test('backup: a consistent copy while another connection keeps writing', async () => {
  for (let i = 0; i < 50; i++) await store.enqueueJob({ flow: 'order-export', profile: 'plant', key: `b${i}`, trigger: { kind: 'schedule' } });
  let writing = true;
  let written = 0;
  const writer = (async () => {
    while (writing) {
      await store.enqueueJob({ flow: 'order-export', profile: 'plant', key: `w${written++}`, trigger: { kind: 'schedule' } });
      // Let the event loop see the backup process (the store's calls resolve without I/O waits).
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const to = path.join(dir, 'copy.db');
  try {
    const { stdout } = await cli(['backup', '--to', to]);
    assert.match(stdout, /^backup written: .*copy\.db \(\d+ bytes, (\d+) jobs, integrity ok, \d+ ms\)$/m);
  } finally {
    writing = false;
    await writer;
  }
  const copy = openStore({ sqlite: to });
  try {
    await copy.migrate();
    const { total } = await copy.listJobs({ limit: 1, offset: 0 });
    assert.ok(total >= 50, `the copy holds the jobs that existed before it started (${total})`);
    console.log(`backup: copy holds ${total} jobs; the writer added ${written} during the run`);
  } finally {
    await copy.close();
  }
  assert.ok(!existsSync(`${to}.partial`));
});

test('prune: old finished jobs lose transfers and plans, keep their row; recent ones keep everything', async () => {
  // Nothing else runnable: the two jobs below are the ones claimed.
  for (const j of (await store.listJobs({ limit: 1000, offset: 0 })).jobs) await store.cancelJob(j.id);
  const old = await finishedJob('old');
  const recent = await finishedJob('recent');
  // finishJob stamps finished_at with the store's clock (now): age the old one.
  await store.close();
  const { DatabaseSync } = await import('node:sqlite');
  const raw = new DatabaseSync(path.join(dir, 'store.db'));
  raw.prepare('UPDATE jobs SET finished_at = ? WHERE id = ?').run(Date.now() - 40 * 86_400_000, Number(old));
  raw.close();
  store = openStore({ sqlite: path.join(dir, 'store.db') });
  const { stdout } = await cli(['prune']);
  assert.match(stdout, /^pruned \(older than 30 days\): 1 transfer records, 1 plans, 0 inbox events, 0 audit entries$/m);
  // Cancelled today: inside the window, untouched.
  assert.deepEqual(await store.listTransfers(old), []);
  assert.equal((await store.getJob(old))!.plan, null);
  assert.equal((await store.getJob(old))!.state, 'done', 'the job row stays: the order is known to be exported');
  assert.equal((await store.listTransfers(recent)).length, 1);
  assert.notEqual((await store.getJob(recent))!.plan, null);
  // An enqueue of the same order finds the kept job instead of making a new one.
  assert.equal((await store.enqueueJob({ flow: 'order-export', profile: 'plant', key: 'old', trigger: { kind: 'schedule' } })).created, false);
});

test('backup with PostgreSQL prints pg_dump advice', async () => {
  const pgConfig = path.join(dir, 'pg.yaml');
  writeFileSync(pgConfig, stringify({ profiles: { plant: { cetec: { baseUrl: 'http://127.0.0.1:9' } } }, store: { postgres: { urlEnv: 'SHOPWIRE_PG_URL', schema: 'shopwire' } } }));
  const result = await run(process.execPath, [BIN, '--config', pgConfig, 'backup'], { env: { ...process.env, SHOPWIRE_PROCESS_SETTINGS: 'off' } }).then(
    () => assert.fail('exit 2 expected'),
    (error: { code: number; stdout: string }) => error,
  );
  assert.equal(result.code, 2);
  assert.match(result.stdout, /pg_dump --format=custom --schema=shopwire/);
  assert.match(result.stdout, /pg_restore/);
});
