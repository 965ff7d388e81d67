/**
 * Rate limits held across hub processes on one PostgreSQL (store.sharedRates, table rate_buckets,
 * the gate in src/lib/http/shared-rate.ts): however many processes take from one key's bucket,
 * together they never get more than its capacity plus its rate over the time they took; buckets
 * of different keys do not limit each other; a waiting caller stops when its call is aborted.
 * Counts over generous windows, no timing precision. Skipped without PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import pg from 'pg';
import { sharedRate } from '../../src/lib/http/shared-rate.ts';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { dropSchema, freshSchemaName } from './pg-schema.ts';
import { hammer, type Taken } from './rate-hammer.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;
/** Tokens a loaded machine may count beyond the bound (a take that ends just after the window closes). */
const SLACK = 2;

async function withSchema(fn: (schema: string) => Promise<void>): Promise<void> {
  const schema = freshSchemaName();
  try {
    const store = openPostgresStore({ url: url!, schema });
    await store.migrate();
    await store.close();
    await fn(schema);
  } finally {
    await dropSchema(url!, schema);
  }
}

/** The most one bucket can give over the time these takers took: capacity plus rate × window. */
function bound(runs: Taken[], perSecond: number, capacity: number): number {
  const window = Math.max(...runs.map((r) => r.end)) - Math.min(...runs.map((r) => r.start));
  return capacity + (perSecond * window) / 1000 + SLACK;
}

describe('rate limits shared through PostgreSQL', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set: PostgreSQL run skipped (run scripts/system-deps.sh, then npm test)' : false }, () => {
  it('three processes taking from one bucket (rate 5/s, capacity 5) get at most capacity + rate × window together', () =>
    withSchema(async (schema) => {
      const PROCESSES = 3;
      const [rate, capacity, ms] = [5, 5, 2_000];
      const children = Array.from({ length: PROCESSES }, () => {
        const child = spawn(process.execPath, [new URL('./rate-taker.ts', import.meta.url).pathname, url!, schema, 'cetec:https://tenant.example', String(rate), String(capacity), '3', String(ms)], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        return { child, out: () => out, exited };
      });
      try {
        // Every process connected before any starts taking.
        const deadline = Date.now() + 60_000;
        while (!children.every((c) => c.out().includes('ready\n'))) {
          assert.ok(Date.now() < deadline, 'the taker processes did not start within 60 s');
          await new Promise((r) => setTimeout(r, 20));
        }
        for (const c of children) c.child.stdin.end('go\n');
        const codes = await Promise.all(children.map((c) => c.exited));
        assert.deepEqual(codes, [0, 0, 0]);
        const runs = children.map((c) => JSON.parse(c.out().trim().split('\n').at(-1)!) as Taken);
        const total = runs.reduce((n, r) => n + r.taken, 0);
        const most = bound(runs, rate, capacity);
        console.log(`3 processes × 3 takers, rate ${rate}/s, capacity ${capacity}: ${total} tokens (${runs.map((r) => r.taken).join(' + ')}) in ${Math.max(...runs.map((r) => r.end)) - Math.min(...runs.map((r) => r.start))} ms; bound ${most.toFixed(1)}`);
        assert.ok(total <= most, `${total} tokens taken, more than one bucket gives (${most.toFixed(1)})`);
        assert.ok(total >= capacity, `${total} tokens taken: not even the first burst`);
        assert.ok(runs.filter((r) => r.taken > 0).length >= 2, `tokens went to more than one process: ${runs.map((r) => r.taken).join(', ')}`);
      } finally {
        for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
      }
    }));

  it('buckets of different keys do not limit each other; each holds its own rate across two stores', () =>
    withSchema(async (schema) => {
      const stores = [openPostgresStore({ url: url!, schema }), openPostgresStore({ url: url!, schema })];
      try {
        const [rate, capacity, ms] = [5, 5, 3_000];
        const [a1, a2, b1, b2] = await Promise.all([
          hammer(stores[0]!, 'cetec:https://a.example', rate, capacity, 2, ms),
          hammer(stores[1]!, 'cetec:https://a.example', rate, capacity, 2, ms),
          hammer(stores[0]!, 'cetec:https://b.example', rate, capacity, 2, ms),
          hammer(stores[1]!, 'cetec:https://b.example', rate, capacity, 2, ms),
        ]);
        const a = a1!.taken + a2!.taken;
        const b = b1!.taken + b2!.taken;
        const most = bound([a1!, a2!, b1!, b2!], rate, capacity);
        console.log(`two keys, two stores each, rate ${rate}/s: a ${a}, b ${b} tokens; bound per key ${most.toFixed(1)}`);
        assert.ok(a <= most && b <= most, `each key within its bound ${most.toFixed(1)}: a ${a}, b ${b}`);
        // One bucket for both would have given at most `most` in all.
        assert.ok(a + b > most, `the two keys together got ${a + b}, no more than one bucket gives: they limited each other`);
      } finally {
        for (const s of stores) await s.close();
      }
    }));

  it('a fresh bucket gives its capacity at once, then says how long until the next token', () =>
    withSchema(async (schema) => {
      const store = openPostgresStore({ url: url!, schema });
      try {
        const waits: number[] = [];
        for (let i = 0; i < 4; i++) waits.push(await store.sharedRates!.take('paperless:abc', 0.5, 3));
        assert.deepEqual(waits.slice(0, 3), [0, 0, 0], 'capacity 3: three at once');
        // Rate 0.5/s: the fourth is about 2 s away (less the little time the first three took).
        assert.ok(waits[3]! > 1_000 && waits[3]! <= 2_000, `the fourth waits ~2 s: ${waits[3]}`);
      } finally {
        await store.close();
      }
    }));

  it('a bucket last taken an hour "ahead" (the database clock stepped back) refills from now on, not an hour later', () =>
    withSchema(async (schema) => {
      const store = openPostgresStore({ url: url!, schema });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const [key, rate, capacity] = ['cetec:https://stepped.example', 2, 1];
        assert.equal(await store.sharedRates!.take(key, rate, capacity), 0, 'a fresh bucket gives its first token');
        // As if the clock had been an hour ahead at that take, and then stepped back.
        await client.query(`UPDATE ${schema}.rate_buckets SET tokens = 0, updated_at = updated_at + 3600000 WHERE key = $1`, [key]);
        const wait = await store.sharedRates!.take(key, rate, capacity);
        assert.ok(wait > 0 && wait <= 1000 / rate, `no token yet, and the wait is at most one token's time (500 ms), not the step: ${wait}`);
        // Through the gate the hub's clients use: the next token within seconds, where the step would hold it an hour.
        const gate = sharedRate(() => store.sharedRates!.take(key, rate, capacity));
        await gate.take(AbortSignal.timeout(30_000));
        const { rows } = await client.query(`SELECT updated_at - extract(epoch FROM clock_timestamp()) * 1000 AS ahead FROM ${schema}.rate_buckets WHERE key = $1`, [key]);
        assert.ok(Number(rows[0].ahead) <= 1_000, `the bucket now counts from the database's clock: ${rows[0].ahead} ms ahead`);
      } finally {
        await client.end();
        await store.close();
      }
    }));

  it('a caller waiting for a token stops when its call is aborted', () =>
    withSchema(async (schema) => {
      const store = openPostgresStore({ url: url!, schema });
      try {
        const gate = sharedRate(() => store.sharedRates!.take('cetec:https://slow.example', 0.1, 1));
        await gate.take();
        const controller = new AbortController();
        const waiting = gate.take(controller.signal);
        setTimeout(() => controller.abort(new Error('call cancelled')), 100);
        const started = Date.now();
        await assert.rejects(waiting, /call cancelled/);
        // The next token is 10 s away; the abort ended the wait long before.
        assert.ok(Date.now() - started < 5_000, 'the wait ended with the abort');
      } finally {
        await store.close();
      }
    }));
});
