/**
 * A live job keeps its lease while every connection of its process's pool is busy (PostgreSQL):
 * renewals run on a connection kept for them (`application_name = 'shopwire-leases'`), not on
 * the pool the job lanes use. The pool is held busy for 3.5 leases by five transactions waiting
 * for a row lock another session holds (as slow commits on a loaded host would hold it); a sixth
 * query meanwhile waits for a pooled connection, which shows that the pool was full. Worker A's
 * job (its Cetec call slower than the hold) is renewed all along and never taken by worker B,
 * which keeps claiming on its own store handle. With renewals taken from the pool, B takes the
 * job once A's 2 s lease runs out, and the test fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { dropSchema, freshSchemaName } from '../store/pg-schema.ts';
import { until } from '../wait.ts';
import { leaseWorker, slowCetec } from './helpers.ts';

const pgUrl = process.env.SHOPWIRE_TEST_PG_URL || undefined;
const LEASE_MS = 2_000;
const POOL = 5;

describe('job lease renewal with the pool busy (PostgreSQL)', { skip: pgUrl === undefined ? 'SHOPWIRE_TEST_PG_URL is not set' : false }, () => {
  it('a running job keeps its lease while every pooled connection is held, and is not taken over', async () => {
    const schema = freshSchemaName();
    const storeA = openPostgresStore({ url: pgUrl!, schema, poolSize: POOL });
    const storeB = openPostgresStore({ url: pgUrl!, schema });
    const locker = new pg.Client({ connectionString: pgUrl });
    await locker.connect();
    // Outside any transaction: pg_stat_activity is read once per transaction.
    const watcher = new pg.Client({ connectionString: pgUrl });
    await watcher.connect();
    try {
      await storeA.migrate();
      await storeB.migrate();
      await storeA.getProfile('busy');
      // A's BOM definition outlasts five leases; B's is quick.
      const cetec = slowCetec((worker) => (worker === 'A' ? 5 * LEASE_MS : 10));
      const { job } = await storeA.enqueueJob({ flow: 'order-export', profile: 'prod', key: '710', trigger: { kind: 'cli' } });
      const a = leaseWorker(storeA, 'A', LEASE_MS, cetec.port);
      a.start();
      await until('A to claim the job', async () => (await storeB.getJob(job.id))?.leaseOwner === 'A', 30_000, 25);

      // Hold every connection of A's pool: each waits for the row lock `locker` holds.
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM "${schema}".profiles WHERE profile = 'busy' FOR UPDATE`);
      const ended: string[] = [];
      const held = Array.from({ length: POOL }, (_, i) =>
        storeA.updateProfile('busy', { lastPollAt: i }).then(
          () => void ended.push(`hold ${i}`),
          (error: unknown) => void ended.push(`hold ${i} failed: ${String(error)}`),
        ),
      );
      await until(`${POOL} of A's connections waiting for the lock`, async () => {
        const { rows } = await watcher.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND datname = current_database()",
        );
        return rows[0].n >= POOL;
      }, 30_000, 25);
      const sixth = storeA.getJob(job.id).then(() => void ended.push('sixth'));
      const b = leaseWorker(storeB, 'B', LEASE_MS, cetec.port);
      b.start();
      let renewedMeanwhile = 0;
      let leaseSeen = (await storeB.getJob(job.id))!.leaseUntil!;
      const heldFrom = Date.now();
      try {
        // 3.5 leases with A's pool full; B claims all along.
        while (Date.now() - heldFrom < 3.5 * LEASE_MS) {
          await new Promise((r) => setTimeout(r, 200));
          const now = (await storeB.getJob(job.id))!;
          assert.equal(now.leaseOwner, 'A', 'the job stays A\'s while A\'s pool is busy');
          if (now.leaseUntil! > leaseSeen) renewedMeanwhile++;
          leaseSeen = now.leaseUntil!;
        }
        assert.deepEqual(ended, [], 'A\'s pool was full all along: no held query and not a sixth one got a connection');
        const { rows } = await watcher.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
          ['shopwire-leases'],
        );
        assert.ok(rows[0].n >= 1, 'the renewals have a connection of their own');
      } finally {
        await locker.query('ROLLBACK');
      }
      await Promise.all([...held, sixth]);
      try {
        await until('the job to finish', async () => (await storeB.getJob(job.id))?.state === 'done', 60_000, 25);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      const done = (await storeB.getJob(job.id))!;
      assert.ok(renewedMeanwhile >= 2, `the lease was renewed ${renewedMeanwhile} times while the pool was full`);
      assert.equal(done.executions, 1, 'claimed once');
      assert.equal(done.attempts, 0, 'no lost run');
      assert.deepEqual(cetec.calls, ['A:bom:PRT ORDER-710', 'A:import:prod-710'], 'the BOM and the sales order sent once, by A');
      console.log(`lease renewed ${renewedMeanwhile} times during ${3.5 * LEASE_MS} ms with all ${POOL} pooled connections held`);
    } finally {
      await locker.end().catch(() => undefined);
      await watcher.end().catch(() => undefined);
      await storeA.close();
      await storeB.close();
      await dropSchema(pgUrl!, schema);
    }
  });
});
