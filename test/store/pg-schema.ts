/**
 * Every PostgreSQL test works in a schema of its own (a fresh name each run) and drops it after,
 * so that tests running at once on one server never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function freshSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
