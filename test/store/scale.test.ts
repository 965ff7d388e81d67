/**
 * What several hub processes on one store rely on, on SQLite (processes on one machine) and
 * PostgreSQL alike: once-only duties held by one process at a time and taken over when their lease
 * runs out, a discovery cursor that never moves backwards, and claims fair across profiles.
 * Each "process" is its own store handle (connection pool or SQLite connection) on one database.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import type { Store } from '../../src/store/store.ts';
import { testClock, type Clock } from './contract.ts';
import { dropSchema, freshSchemaName } from './pg-schema.ts';

type Opened = { open: () => Store; cleanup: () => Promise<void> };

const pgUrl = process.env.SHOPWIRE_TEST_PG_URL || undefined;

const dialects: { name: string; skip: string | false; make: (clock: Clock) => Opened }[] = [
  {
    name: 'sqlite',
    skip: false,
    make(clock) {
      const dir = mkdtempSync(join(tmpdir(), 'shopwire-scale-'));
      const path = join(dir, 'shopwire.db');
      return { open: () => openSqliteStore({ path, clock: clock.read }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    skip: pgUrl === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: PostgreSQL run skipped (run scripts/system-deps.sh, then npm test)' : false,
    make(clock) {
      const schema = freshSchemaName();
      return {
        open: () => openPostgresStore({ url: pgUrl!, schema, clock: clock.read }),
        cleanup: async () => {
          await dropSchema(pgUrl!, schema);
        },
      };
    },
  },
];

for (const dialect of dialects) {
  describe(`several processes on one store: ${dialect.name}`, { skip: dialect.skip }, () => {
    /** `n` store handles on one fresh database, as `n` hub processes would have. */
    const withStores = async (n: number, fn: (stores: Store[], clock: Clock) => Promise<void>) => {
      const clock = testClock();
      const { open, cleanup } = dialect.make(clock);
      const stores: Store[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const store = open();
          await store.migrate();
          stores.push(store);
        }
        await fn(stores, clock);
      } finally {
        for (const store of stores) await store.close();
        await cleanup();
      }
    };

    it('a duty is held by one process at a time, renewed by its holder, taken over when its lease runs out, and freed by release', () =>
      withStores(2, async ([a, b], clock) => {
        assert.equal(await a!.holdDuty('discovery:prod', 'A', 30_000), true);
        assert.equal(await b!.holdDuty('discovery:prod', 'B', 30_000), false, 'held by A');
        assert.equal(await b!.holdDuty('discovery:sandbox', 'B', 30_000), true, 'another duty is free');
        clock.advance(20_000);
        assert.equal(await a!.holdDuty('discovery:prod', 'A', 30_000), true, 'the holder renews');
        clock.advance(20_000);
        assert.equal(await b!.holdDuty('discovery:prod', 'B', 30_000), false, 'the renewal counts from its own time');
        clock.advance(10_001);
        assert.equal(await b!.holdDuty('discovery:prod', 'B', 30_000), true, 'A stopped renewing: B takes over');
        assert.equal(await a!.holdDuty('discovery:prod', 'A', 30_000), false, 'A, back, does not get it back');
        const prod = (await a!.listDuties()).find((d) => d.duty === 'discovery:prod');
        assert.equal(prod?.owner, 'B');
        assert.equal(prod?.acquiredAt, clock.now);
        await a!.releaseDuty('discovery:prod', 'A');
        assert.equal((await a!.listDuties()).find((d) => d.duty === 'discovery:prod')?.owner, 'B', 'only the holder can release');
        await b!.releaseDuty('discovery:prod', 'B');
        assert.equal(await a!.holdDuty('discovery:prod', 'A', 30_000), true, 'released: taken at once');
      }));

    it('a holder renews all its duties in one statement, never one another process took', () =>
      withStores(2, async ([a, b], clock) => {
        assert.equal(await a!.holdDuty('discovery:one', 'A', 30_000), true);
        assert.equal(await a!.holdDuty('discovery:two', 'A', 30_000), true);
        assert.equal(await b!.holdDuty('discovery:three', 'B', 30_000), true);
        clock.advance(25_000);
        assert.equal(await a!.renewDuties('A', 30_000), 2, 'both of A\'s');
        clock.advance(25_000);
        assert.equal(await b!.holdDuty('discovery:one', 'B', 30_000), false, 'renewed: still A\'s 50 s after it was taken');
        assert.equal(await b!.holdDuty('discovery:three', 'B', 30_000), true);
        clock.advance(30_001);
        assert.equal(await b!.holdDuty('discovery:one', 'B', 30_000), true, 'A stopped renewing: B takes it');
        assert.equal(await a!.renewDuties('A', 30_000), 1, 'A renews only what it still holds');
        assert.equal((await a!.listDuties()).find((d) => d.duty === 'discovery:one')?.owner, 'B');
      }));

    it('of many processes racing for a free or expired duty, exactly one gets it', () =>
      withStores(4, async (stores, clock) => {
        for (let round = 0; round < 5; round++) {
          const results = await Promise.all(stores.flatMap((s, i) => [s.holdDuty('discovery:prod', `P${i}-${round}`, 1_000), s.holdDuty('discovery:prod', `Q${i}-${round}`, 1_000)]));
          assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${JSON.stringify(results)}`);
          clock.advance(1_000);
        }
      }));

    it('the discovery cursor never moves backwards, even when passes of two processes interleave', () =>
      withStores(2, async ([a, b]) => {
        await a!.updateProfile('prod', { cursor: 200 });
        const stale = await b!.updateProfile('prod', { cursor: 150, lastPollAt: 7 });
        assert.equal(stale.cursor, 200);
        assert.equal(stale.lastPollAt, 7, 'the rest of the patch applies');
        await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a! : b!).updateProfile('prod', { cursor: 200 + ((i * 7) % 40) })));
        assert.equal((await a!.getProfile('prod')).cursor, 200 + Math.max(...Array.from({ length: 40 }, (_, i) => (i * 7) % 40)));
        assert.equal((await b!.updateProfile('prod', { cursor: null })).cursor, 239, 'not even to none');
      }));

    /** Enqueues `n` orders of `profile`, older first; `parallel` at a time (same time, any order). */
    const queue = async (store: Store, clock: Clock, profile: string, n: number, parallel = 1) => {
      for (let i = 0; i < n; i += parallel) {
        const keys = Array.from({ length: Math.min(parallel, n - i) }, (_, k) => String(1000 + i + k));
        await Promise.all(keys.map((key) => store.enqueueJob({ flow: 'order-export', profile, key, trigger: { kind: 'schedule' } })));
        clock.advance(1);
      }
    };

    it('claims are fair across profiles: a backlog of 1,000 orders does not hold back another profile\'s one new order', () =>
      withStores(1, async ([store], clock) => {
        await queue(store!, clock, 'big', 1000, 20);
        await queue(store!, clock, 'small', 1);
        clock.advance(1000);
        // Four workers claim and keep running (the backlog's profile is busy): the small one is among the first claims.
        const claimed: string[] = [];
        for (let i = 0; i < 4; i++) claimed.push((await store!.claimJob(`w${i}`, 60_000))!.profile);
        assert.ok(claimed.slice(0, 2).includes('small'), `claims: ${claimed.join(', ')}`);
      }));

    it('one worker claiming and finishing in turn serves the profiles round-robin (a backlog of 100 and two of 5)', () =>
      withStores(1, async ([store], clock) => {
        await queue(store!, clock, 'big', 100);
        await queue(store!, clock, 'b', 5);
        await queue(store!, clock, 'c', 5);
        clock.advance(1000);
        const claimed: string[] = [];
        for (let i = 0; i < 15; i++) {
          const job = (await store!.claimJob('w', 60_000))!;
          claimed.push(job.profile);
          await store!.finishJob(job.id, 'w', { state: 'done' });
          clock.advance(10);
        }
        assert.deepEqual(
          ['big', 'b', 'c'].map((p) => claimed.filter((c) => c === p).length),
          [5, 5, 5],
          `claims: ${claimed.join(', ')}`,
        );
        // Within a profile the oldest order still goes first.
        const next = (await store!.claimJob('w', 60_000))!;
        assert.equal(next.key, '1005');
      }));
  });
}
