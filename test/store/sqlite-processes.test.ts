/**
 * Several processes sharing one SQLite file (as `shopwire run` and `shopwire sync` on one machine
 * do): each child claims and finishes jobs until none is left; every job is run once, by one process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';

const storeModule = new URL('../../src/store/sqlite/open.ts', import.meta.url).href;

const child = (path: string, name: string): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const script = `
      const { openSqliteStore } = await import(${JSON.stringify(storeModule)});
      const store = openSqliteStore({ path: ${JSON.stringify(path)} });
      const ids = [];
      for (let i = 0; i < 200; i++) {
        const job = await store.claimJob(${JSON.stringify(name)}, 60000);
        if (job === null) break;
        await store.finishJob(job.id, ${JSON.stringify(name)}, { state: 'done' });
        ids.push(job.id);
      }
      await store.close();
      process.stdout.write(JSON.stringify(ids));
    `;
    const p = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => p.kill(), 30_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as string[]);
      else reject(new Error(`child ${name} exited ${code}: ${err}`));
    });
  });

it('three processes drain one SQLite file, each job claimed exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopwire-procs-'));
  const path = join(dir, 'shopwire.db');
  const store = openSqliteStore({ path });
  try {
    await store.migrate();
    const all: string[] = [];
    for (let i = 0; i < 60; i++) {
      all.push((await store.enqueueJob({ flow: 'order-export', profile: 'prod', key: String(1000 + i), trigger: { kind: 'schedule' } })).job.id);
    }
    const results = await Promise.all(['p1', 'p2', 'p3'].map((n) => child(path, n)));
    const claimed = results.flat();
    assert.equal(new Set(claimed).size, claimed.length, 'no job was claimed twice');
    assert.deepEqual([...claimed].sort(), [...all].sort(), 'every job was claimed');
    const counts = await store.countJobs();
    assert.deepEqual(counts, [{ flow: 'order-export', profile: 'prod', state: 'done', count: 60 }]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
