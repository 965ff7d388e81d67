import type { Dialect } from '../sql/statement.ts';

export const postgresDialect: Dialect = {
  name: 'postgres',
  placeholder: (index) => `$${index}`,
  forUpdate: 'FOR UPDATE',
  ilike: 'ILIKE',
};
