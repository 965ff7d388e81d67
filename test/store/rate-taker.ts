/**
 * One "hub process" of test/store/shared-rates.test.ts: its own PostgreSQL store (own pool) on the
 * test's schema, `takers` callers taking tokens of one shared bucket through the same gate the
 * hub's clients use, for `ms` after the parent says go (a line on stdin). Prints one JSON line:
 * tokens taken, and when this process started and stopped taking (epoch ms).
 * argv: url schema key perSecond capacity takers ms
 */
import { createInterface } from 'node:readline';
import { sharedRate } from '../../src/lib/http/shared-rate.ts';
import { openPostgresStore } from '../../src/store/postgres/open.ts';

const [url, schema, key, perSecond, capacity, takers, ms] = process.argv.slice(2);
const store = openPostgresStore({ url: url!, schema: schema! });
const gate = sharedRate(() => store.sharedRates!.take(key!, Number(perSecond), Number(capacity)));
// A first round trip before go, so connecting is not counted in the window.
await store.listDuties();
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const start = Date.now();
const stop = start + Number(ms);
let taken = 0;
const signal = AbortSignal.timeout(Number(ms));
await Promise.all(
  Array.from({ length: Number(takers) }, async () => {
    while (Date.now() < stop) {
      try {
        await gate.take(signal);
      } catch {
        return;
      }
      if (Date.now() > stop) return;
      taken++;
    }
  }),
);
const end = Date.now();
await store.close();
process.stdout.write(`${JSON.stringify({ taken, start, end })}\n`);
