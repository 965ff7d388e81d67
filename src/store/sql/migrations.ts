/** Statements of the migration runner: its own bookkeeping table. */
import { sqlFor } from './statement.ts';
import type { Dialect, Statement } from './statement.ts';

export function migrationStatements(d: Dialect) {
  const sql = sqlFor(d);
  return {
    createMigrationsTable: (): Statement =>
      sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    selectApplied: (): Statement => sql`SELECT version, name FROM schema_migrations ORDER BY version`,
    insertApplied: (version: number, name: string, now: number): Statement =>
      sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${version}, ${name}, ${now})`,
  };
}
