/**
 * The SQLite adapter: one file, `node:sqlite`'s synchronous DatabaseSync behind the async
 * `SqlDb`. Settings, and why:
 *
 * - `journal_mode = WAL`: readers (dashboard, `status`) never block the worker's writes, and
 *   several processes on one machine may share the file (leases make that safe).
 * - `synchronous = FULL`: with WAL, NORMAL may lose the last commits on power loss (not on a
 *   process crash). A lost "step sent" checkpoint is the one loss that matters: the engine would
 *   then think a sales order import was never sent and could send it again. The cost is one fsync
 *   per commit, small next to the HTTP calls each job makes.
 * - Waiting for another connection's write lock: `busy_timeout` would block Node's only thread
 *   (and deadlock two connections of one process, as the tests and a CLI beside the daemon have).
 *   So SQLite answers "busy" at once and this adapter retries asynchronously, with growing pauses,
 *   for up to `busyTimeoutMs`.
 * - `BEGIN IMMEDIATE` for every transaction: the write lock is taken at the start, so a claim
 *   cannot read a job as free and then lose a race to upgrade its lock.
 *
 * One connection per store; the driver is synchronous but transaction bodies await, so a small
 * queue keeps a second caller in this process from running statements inside another's open
 * transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { createStoreCore } from '../core.ts';
import type { Row, SqlDb, Statement } from '../sql/statement.ts';
import type { Store } from '../store.ts';
import { claimCandidates, lockCandidate } from './sql/claim-candidates.ts';
import { sqliteDialect } from './dialect.ts';

export type SqliteStoreOptions = {
  /** File path, or `:memory:` (tests only: nothing is durable). */
  path: string;
  clock?: () => number;
  busyTimeoutMs?: number;
};

const MIGRATIONS = fileURLToPath(new URL('../migrations/sqlite/', import.meta.url));

type SqlValue = null | number | bigint | string | Uint8Array;

function bindable(values: unknown[]): SqlValue[] {
  return values.map((v) => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || v instanceof Uint8Array) return v;
    return JSON.stringify(v);
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown })?.errcode;
  // SQLITE_BUSY (5) and its extended codes (low byte 5); SQLITE_LOCKED (6) likewise.
  return typeof code === 'number' && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

export function openSqliteDb(options: SqliteStoreOptions): SqlDb {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  db.exec('PRAGMA busy_timeout = 0');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  /** Runs `fn`, retrying while another connection holds the write lock (SQLITE_BUSY). */
  const whenFree = async <T>(fn: () => T): Promise<T> => {
    const deadline = Date.now() + busyTimeoutMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        return fn();
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await delay(pause);
      }
    }
  };

  // Statements are prepared once per SQL text and reused: preparing on every call cost CPU and
  // native memory on the hot path (bench:export). The texts come from the named statement
  // functions, so there are few; the cap only guards against texts built with varying lists.
  const prepared = new Map<string, StatementSync>();
  const prepare = (text: string): StatementSync => {
    let statement = prepared.get(text);
    if (statement === undefined) {
      if (prepared.size >= 256) prepared.delete(prepared.keys().next().value!);
      statement = db.prepare(text);
      prepared.set(text, statement);
    }
    return statement;
  };

  const direct: SqlDb = {
    async all(s: Statement) {
      return prepare(s.text).all(...bindable(s.values)) as Row[];
    },
    async run(s: Statement) {
      return Number(prepare(s.text).run(...bindable(s.values)).changes);
    },
    async exec(script: string) {
      db.exec(script);
    },
    transaction: () => {
      throw new Error('nested transactions are not supported');
    },
    async close() {},
  };

  return {
    all: (s) => serial(() => whenFree(() => prepare(s.text).all(...bindable(s.values)) as Row[])),
    run: (s) => serial(() => whenFree(() => Number(prepare(s.text).run(...bindable(s.values)).changes))),
    exec: (script) => serial(() => direct.exec(script)),
    transaction: <T>(fn: (tx: SqlDb) => Promise<T>) =>
      serial(async () => {
        await whenFree(() => db.exec('BEGIN IMMEDIATE'));
        try {
          const out = await fn(direct);
          await whenFree(() => db.exec('COMMIT'));
          return out;
        } catch (error) {
          if (db.isTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () =>
      serial(async () => {
        if (db.isOpen) db.close();
      }),
  };
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  return createStoreCore({
    db: openSqliteDb(options),
    dialect: sqliteDialect,
    claimCandidates,
    lockCandidate,
    migrationsDir: MIGRATIONS,
    clock: options.clock ?? Date.now,
  });
}
