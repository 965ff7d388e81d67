/**
 * The PostgreSQL adapter, for several hub processes sharing one database: a `pg` Pool behind the
 * async `SqlDb`. Claims lock candidate rows with `FOR UPDATE SKIP LOCKED` (sql/claim-candidates.ts);
 * part locks are rows locked `FOR UPDATE` in sorted order; migrations hold an advisory lock so two
 * processes starting together apply each migration once.
 *
 * Each store may live in its own schema (`search_path` set on every connection), which is how
 * the tests give each run a fresh database. JSON and BIGINT columns are read as text and turned
 * into values by the store core, so both dialects return the same shapes.
 */
import pg from 'pg';
import { createStoreCore } from '../core.ts';
import type { Row, SqlDb, Statement } from '../sql/statement.ts';
import type { Store } from '../store.ts';
import { fileURLToPath } from 'node:url';
import { claimCandidates, lockCandidate } from './sql/claim-candidates.ts';
import { postgresDialect } from './dialect.ts';
import { translatePgError } from './errors.ts';
import { openSharedRates } from './shared-rates.ts';
import { openSharedSlots } from './shared-slots.ts';
import { openLeaseConnection } from './lease-connection.ts';

export type PostgresStoreOptions = {
  url: string;
  /** Schema for all tables (created if missing); default `public`. */
  schema?: string;
  clock?: () => number;
  poolSize?: number;
};

const MIGRATIONS = fileURLToPath(new URL('../migrations/postgres/', import.meta.url));
const SCHEMA = /^[a-z_][a-z0-9_]*$/;
const JSON_OIDS = new Set([114, 3802]);
const INT8_OID = 20;

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (JSON_OIDS.has(oid)) return (v: string) => v;
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

/**
 * The connection settings with the store's `search_path` after any the URL carries in `options`
 * (`?options=-c statement_timeout=5000`): `pg` lets the URL's `options` replace the Pool's, which
 * would drop the search_path and put the store's tables in `public`.
 */
export function withSearchPath(url: string, schema: string): { connectionString: string; options: string } {
  const own = `-c search_path=${schema}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, options: own };
  }
  const given = parsed.searchParams.get('options');
  if (given === null) return { connectionString: url, options: own };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: `${given} ${own}` };
}

export function openPostgresDb(options: PostgresStoreOptions): SqlDb {
  const schema = options.schema ?? 'public';
  if (!SCHEMA.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  // search_path per connection from the start (no extra round trip per checkout).
  const pool = new pg.Pool({ ...withSearchPath(options.url, schema), max: options.poolSize ?? 5, types });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  // Once per pool; a failure (the server down at the first call) is not kept: the next call tries again.
  let ready: Promise<void> | null = null;
  const ensureSchema = () =>
    (ready ??= pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).then(
      () => undefined,
      (error: unknown) => {
        ready = null;
        throw error;
      },
    ));

  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    await ensureSchema();
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };

  const on = (client: pg.PoolClient): SqlDb => ({
    async all(s: Statement) {
      try {
        return (await client.query(s.text, s.values)).rows as Row[];
      } catch (error) {
        throw translatePgError(error, s.text);
      }
    },
    async run(s: Statement) {
      try {
        return (await client.query(s.text, s.values)).rowCount ?? 0;
      } catch (error) {
        throw translatePgError(error, s.text);
      }
    },
    async exec(script: string) {
      await client.query(script);
    },
    transaction: () => {
      throw new Error('nested transactions are not supported');
    },
    async close() {},
  });

  return {
    all: (s) => withClient((c) => on(c).all(s)),
    run: (s) => withClient((c) => on(c).run(s)),
    exec: (script) => withClient((c) => on(c).exec(script)),
    transaction: (fn) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const out = await fn(on(client));
          await client.query('COMMIT');
          return out;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    close: () => pool.end(),
  };
}

export function openPostgresStore(options: PostgresStoreOptions): Store {
  const slots = openSharedSlots(options.url);
  const db = openPostgresDb(options);
  const schema = options.schema ?? 'public';
  const leaseDb = openLeaseConnection({ ...withSearchPath(options.url, schema), types });
  const core = createStoreCore({
    db,
    leaseDb,
    dialect: postgresDialect,
    claimCandidates,
    lockCandidate,
    migrationsDir: MIGRATIONS,
    // One number for "shopwire migrations"; held until the transaction ends.
    migrationLock: { text: 'SELECT pg_advisory_xact_lock(7215090031)', values: [] },
    clock: options.clock ?? Date.now,
  });
  return {
    ...core,
    sharedSlots: slots,
    sharedRates: openSharedRates(db),
    async close() {
      await slots.close();
      await leaseDb.close();
      await core.close();
    },
  };
}
