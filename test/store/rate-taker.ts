/**
 * One "hub process" of test/store/shared-rates.test.ts: its own PostgreSQL store (own pool) on the
 * test's schema, `takers` callers taking tokens of one shared bucket through the same gate the
 * hub's clients use, for `ms` after the parent says go (a line on stdin). Prints one JSON line:
 * tokens taken, and when this process started and stopped taking (epoch ms).
 * argv: url schema key perSecond capacity takers ms
 */
import { createInterface } from 'node:readline';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { hammer } from './rate-hammer.ts';

const [url, schema, key, perSecond, capacity, takers, ms] = process.argv.slice(2);
const store = openPostgresStore({ url: url!, schema: schema! });
// A first round trip before go, so connecting is not counted in the window.
await store.listDuties();
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const taken = await hammer(store, key!, Number(perSecond), Number(capacity), Number(takers), Number(ms));
await store.close();
process.stdout.write(`${JSON.stringify(taken)}\n`);
