/**
 * The shipped migrations: one file per version number in each dialect, and the same versions in
 * both, so that a store on SQLite and one on PostgreSQL reach the same schema. (The store refuses
 * to start on a folder with two files of one number; this catches it before a release does.)
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';

const versions = (dialect: string): number[] =>
  readdirSync(new URL(`../../src/store/migrations/${dialect}/`, import.meta.url))
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .map((f) => Number(f.slice(0, 4)))
    .sort((a, b) => a - b);

test('each migration version is used once per dialect, and both dialects have the same versions', () => {
  const sqlite = versions('sqlite');
  const postgres = versions('postgres');
  assert.ok(sqlite.length > 0);
  assert.deepEqual([...new Set(sqlite)], sqlite, `sqlite versions repeat: ${sqlite.join(', ')}`);
  assert.deepEqual([...new Set(postgres)], postgres, `postgres versions repeat: ${postgres.join(', ')}`);
  assert.deepEqual(sqlite, postgres);
});
