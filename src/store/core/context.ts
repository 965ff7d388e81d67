/**
 * What every part of the store core shares: the database, its dialect and clock, and a job's
 * pending writes, which ride on the job's next commit.
 */
import type { Dialect, SqlDb } from '../sql/statement.ts';

// Writes of a job that wait for its next commit: answers recorded by a `deferEnds` recorder, and
// deferred checkpoints (`markStep` with `deferred`). Each is a function of the transaction, so a
// deferred checkpoint checks the lease when it is written.
export type PendingWrite = (tx: SqlDb) => Promise<void>;

export type CoreContext = {
  db: SqlDb;
  /**
   * Where lease renewals run (jobs' and duties'): on PostgreSQL a connection kept for them, so
   * that a pool busy with job lanes cannot hold a renewal past the lease; else `db`.
   */
  leaseDb: SqlDb;
  dialect: Dialect;
  clock: () => number;
  /** Adds a write to the job's next commit. */
  defer(jobId: string, write: PendingWrite): void;
  hasPending(jobId: string): boolean;
  /** Removes and returns the job's pending writes. */
  takePending(jobId: string): PendingWrite[] | undefined;
  commitAlone(writes: PendingWrite[]): Promise<void>;
  /**
   * A transaction of one job that first makes the job's pending writes, so they commit together
   * with what the job does next. Should the transaction fail (a lost lease, say), the pending
   * writes are committed on their own: they describe calls that did happen.
   */
  jobTransaction<T>(jobId: string, fn: (tx: SqlDb) => Promise<T>): Promise<T>;
};

export function createCoreContext(options: { db: SqlDb; leaseDb?: SqlDb; dialect: Dialect; clock: () => number }): CoreContext {
  const { db } = options;
  const pending = new Map<string, PendingWrite[]>();
  const writeAll = async (tx: SqlDb, writes: PendingWrite[]): Promise<void> => {
    for (const write of writes) await write(tx);
  };
  const takePending = (jobId: string): PendingWrite[] | undefined => {
    const writes = pending.get(jobId);
    pending.delete(jobId);
    return writes;
  };
  const commitAlone = (writes: PendingWrite[]): Promise<void> => db.transaction((tx) => writeAll(tx, writes));
  return {
    db,
    leaseDb: options.leaseDb ?? db,
    dialect: options.dialect,
    clock: options.clock,
    defer(jobId, write) {
      const writes = pending.get(jobId);
      if (writes === undefined) pending.set(jobId, [write]);
      else writes.push(write);
    },
    hasPending: (jobId) => pending.has(jobId),
    takePending,
    commitAlone,
    async jobTransaction(jobId, fn) {
      const writes = takePending(jobId);
      if (writes === undefined) return db.transaction(fn);
      try {
        return await db.transaction(async (tx) => {
          await writeAll(tx, writes);
          return fn(tx);
        });
      } catch (error) {
        await commitAlone(writes).catch(() => undefined);
        throw error;
      }
    },
  };
}
