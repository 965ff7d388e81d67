import type { Dialect } from '../sql/statement.ts';

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  placeholder: () => '?',
  // One writer at a time already (BEGIN IMMEDIATE); there is no row lock to take.
  forUpdate: '',
  // SQLite's LIKE ignores ASCII case.
  ilike: 'LIKE',
};
