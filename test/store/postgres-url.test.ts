/**
 * A PostgreSQL URL may carry server settings in `options` (`?options=-c statement_timeout=5000`,
 * libpq's form). `pg` lets the URL's `options` replace the Pool's own, which is where the store sets
 * its `search_path`: the store then silently wrote to `public` instead of its schema. Both must
 * hold: the URL's settings and the store's schema. Skipped without PostgreSQL.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { dropSchema, freshSchemaName } from './pg-schema.ts';

const url = process.env.SHOPWIRE_TEST_PG_URL || undefined;

test('a URL with options keeps them and the store schema', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set' : false }, async () => {
  const schema = freshSchemaName();
  const withOptions = `${url}${url!.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c application_name=shopwire-url-test -c lock_timeout=4321')}`;
  const store = openPostgresStore({ url: withOptions, schema });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await store.migrate();
    await store.enqueueJob({ flow: 'order-export', profile: 'p', key: '1', trigger: { kind: 'cli' } });
    const inSchema = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'jobs'`, [schema]);
    assert.equal(inSchema.rows[0].n, 1, 'the jobs table is in the store schema');
    assert.equal((await client.query(`SELECT count(*)::int AS n FROM ${schema}.jobs`)).rows[0].n, 1, 'the job went to the store schema');
    // The URL's settings reached the server too: the store's connections say so.
    const sessions = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'shopwire-url-test'`);
    assert.ok(sessions.rows[0].n >= 1, 'the store connections carry the URL options');
  } finally {
    await store.close();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
});

test('a store whose server was down at its first call works once the server is up, without a restart', { skip: url === undefined ? 'SHOPWIRE_TEST_PG_URL is not set' : false }, async () => {
  const schema = freshSchemaName();
  const target = new URL(url!);
  // The server is reached through a loopback port that nothing listens on at first.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const viaPort = new URL(url!);
  viaPort.hostname = '127.0.0.1';
  viaPort.port = String(port);
  const store = openPostgresStore({ url: viaPort.toString(), schema });
  const sockets = new Set<Socket>();
  const proxy = createServer((inbound) => {
    const outbound = connect(Number(target.port || 5432), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  try {
    await assert.rejects(store.migrate(), 'the server is not there yet');
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    await store.migrate();
    const { job } = await store.enqueueJob({ flow: 'order-export', profile: 'p', key: '1', trigger: { kind: 'cli' } });
    assert.equal((await store.getJob(job.id))?.key, '1', 'the store works without being opened again');
  } finally {
    await store.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await dropSchema(url!, schema);
  }
});
