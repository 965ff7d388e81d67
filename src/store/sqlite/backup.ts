/**
 * An online, consistent copy of a SQLite store: SQLite's backup API (`node:sqlite` backup) copies
 * every page in one step inside one read transaction of a connection of its own, so the copy is
 * the database as of one moment, while hubs keep writing (WAL mode: readers do not block them). The copy is then opened
 * and checked (`PRAGMA integrity_check`) before it is reported good.
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';

export type BackupResult = { file: string; bytes: number; pages: number; jobs: number; ms: number };

export async function backupSqlite(source: string, destination: string): Promise<BackupResult> {
  const started = Date.now();
  mkdirSync(dirname(destination), { recursive: true });
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  const db = new DatabaseSync(source, { readOnly: true });
  let pages: number;
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    // All pages in one step, under one read transaction: a step at a time would start again
    // whenever another connection writes between steps, and a busy hub always does.
    pages = await backup(db, partial, { rate: 1_000_000_000 });
  } finally {
    db.close();
  }
  const copy = new DatabaseSync(partial);
  let jobs: number;
  try {
    const check = copy.prepare('PRAGMA integrity_check').get() as { integrity_check?: string } | undefined;
    if (check?.integrity_check !== 'ok') throw new Error(`the copy failed its integrity check: ${JSON.stringify(check)}`);
    jobs = Number((copy.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n);
    copy.exec('PRAGMA journal_mode = DELETE');
  } finally {
    copy.close();
  }
  // Only a checked copy gets the final name.
  renameSync(partial, destination);
  return { file: destination, bytes: statSync(destination).size, pages, jobs, ms: Date.now() - started };
}
