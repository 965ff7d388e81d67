/**
 * Failover time is the job lease, and a live slow job is never taken over: two workers (two store
 * handles on one database, as two hub processes have) on SQLite and PostgreSQL, with a 2 s lease
 * renewed every third of it. A job whose Cetec call takes 7 s (3.5 leases) runs once, on the worker
 * that claimed it (one claim, one BOM, one import), while the other worker keeps claiming; a job
 * whose worker died (claimed, never renewed) is taken by the live worker once its lease ran out,
 * not before, and finished within the lease plus a few seconds. Outcomes with generous bounds;
 * the only timing bound from below (not before the lease ran out) cannot be broken by a slow machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import type { Store } from '../../src/store/store.ts';
import { leaseWorker, slowCetec } from './helpers.ts';
import { dropSchema, freshSchemaName } from '../store/pg-schema.ts';
import { until } from '../wait.ts';

const pgUrl = process.env.SHOPWIRE_TEST_PG_URL || undefined;
const LEASE_MS = 2_000;

type Db = { open: () => Store; cleanup: () => Promise<void> };

const databases: { name: string; skip: string | false; make: () => Db }[] = [
  {
    name: 'SQLite',
    skip: false,
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'shopwire-lease-'));
      return { open: () => openSqliteStore({ path: join(dir, 'shopwire.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgUrl === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: PostgreSQL run skipped (run scripts/system-deps.sh, then npm test)' : false,
    make() {
      const schema = freshSchemaName();
      return {
        open: () => openPostgresStore({ url: pgUrl!, schema }),
        async cleanup() {
          await dropSchema(pgUrl!, schema);
        },
      };
    },
  },
];

for (const database of databases) {
  describe(`job leases across two workers: ${database.name}`, { skip: database.skip }, () => {
    const withTwo = async (fn: (a: Store, b: Store) => Promise<void>) => {
      const db = database.make();
      const [a, b] = [db.open(), db.open()];
      try {
        await a.migrate();
        await b.migrate();
        await fn(a, b);
      } finally {
        await a.close();
        await b.close();
        await db.cleanup();
      }
    };

    it('a live job slower than three leases is renewed and never taken over', () =>
      withTwo(async (storeA, storeB) => {
        const cetec = slowCetec(3.5 * LEASE_MS);
        const { job } = await storeA.enqueueJob({ flow: 'order-export', profile: 'prod', key: '700', trigger: { kind: 'cli' } });
        const a = leaseWorker(storeA, 'A', LEASE_MS, cetec.port);
        a.start();
        await until('A to claim the job', async () => (await storeA.getJob(job.id))?.leaseOwner === 'A', 30_000, 25);
        // B starts claiming while A's slow call runs, and keeps claiming until the job ends.
        const b = leaseWorker(storeB, 'B', LEASE_MS, cetec.port);
        b.start();
        try {
          await until('the job to finish', async () => (await storeB.getJob(job.id))?.state === 'done', 60_000, 25);
        } finally {
          await Promise.all([a.stop(), b.stop()]);
        }
        const done = (await storeB.getJob(job.id))!;
        assert.equal(done.executions, 1, 'claimed once');
        assert.equal(done.attempts, 0, 'no lost run');
        assert.deepEqual(cetec.boms, ['A:PRT ORDER-700'], 'the BOM defined once, by A');
        assert.deepEqual(cetec.imports, ['A:prod-700'], 'the sales order imported once, by A');
      }));

    it('a dead worker\'s job is taken once its lease ran out, not before, and done within the lease plus a few seconds', () =>
      withTwo(async (storeA, storeB) => {
        const cetec = slowCetec(10);
        const { job } = await storeA.enqueueJob({ flow: 'order-export', profile: 'prod', key: '701', trigger: { kind: 'cli' } });
        // A claims it and dies at once: the lease is never renewed.
        const claimed = await storeA.claimJob('A', LEASE_MS, Date.now());
        const diedAt = Date.now();
        assert.equal(claimed?.id, job.id);
        const b = leaseWorker(storeB, 'B', LEASE_MS, cetec.port);
        let takenAt = 0;
        b.start();
        try {
          await until('B to take the job', async () => {
            const j = await storeB.getJob(job.id);
            if (j?.leaseOwner === 'B' || j?.state === 'done') takenAt ||= Date.now();
            return j?.state === 'done';
          }, 60_000, 25);
        } finally {
          await b.stop();
        }
        const done = (await storeB.getJob(job.id))!;
        assert.ok(takenAt - diedAt >= LEASE_MS - 50, `taken ${takenAt - diedAt} ms after A died: not before its ${LEASE_MS} ms lease ran out`);
        assert.ok(takenAt - diedAt <= LEASE_MS + 8_000, `taken ${takenAt - diedAt} ms after A died (lease ${LEASE_MS} ms)`);
        assert.equal(done.executions, 2, 'A\'s claim and B\'s');
        assert.deepEqual(cetec.boms, ['B:PRT ORDER-701']);
        assert.deepEqual(cetec.imports, ['B:prod-701']);
        console.log(`${database.name}: dead worker's job taken ${takenAt - diedAt} ms after it died (lease ${LEASE_MS} ms)`);
      }));
  });
}
