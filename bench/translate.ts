/**
 * Translation throughput: orders per second for JSON.parse + validate + translate of the fixture
 * order (fixtures/paperless/order.json, 170 KB) on one core, next to a bare JSON.parse of the same
 * bytes. Warm-up first, then several seconds of measurement per case in alternating slices (the
 * machine may be shared; alternating keeps the ratio honest), medians reported.
 *
 *   npm run bench:translate            (SECONDS=n to change the measuring time)
 *
 * Target (docs/translation.md): ≥ 2,200 orders/s and within 2× of the bare parse.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ORDER_TRANSLATION_OPTIONS } from '../src/translate/order-to-cetec/options.ts';
import { toOrderPlan } from '../src/translate/order-to-cetec/plan.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const candidates = [path.join(here, '../fixtures/paperless/order.json')];
const file = candidates.find((f) => existsSync(f));
if (file === undefined) throw new Error(`order.json not found in ${candidates.join(', ')}`);
const bytes = readFileSync(file);
const seconds = Number(process.argv[2] ?? 4);

let sink = 0;
const text = bytes.toString('utf8');
// The two halves of the bare parse, for where a faster translation could not reach: the bytes'
// decoding into a string, and JSON.parse of an already decoded string.
const decodeOnly = (): void => {
  sink += bytes.toString('utf8').length;
};
const parseOnly = (): void => {
  sink += (JSON.parse(text) as { number: number }).number;
};
const bare = (): void => {
  sink += (JSON.parse(bytes.toString('utf8')) as { number: number }).number;
};
const full = (): void => {
  const plan = toOrderPlan(JSON.parse(bytes.toString('utf8')), DEFAULT_ORDER_TRANSLATION_OPTIONS, { profile: 'bench' });
  sink += plan.steps.length;
};

/** Runs per second over one slice of `ms` milliseconds. */
function slice(fn: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`order ${path.basename(file)}: ${bytes.length} bytes; warm-up 1 s, then ${seconds} s per case in alternating 250 ms slices; Node ${process.version}`);
// Warm-up: let the JIT settle on both paths.
slice(bare, 500);
slice(full, 500);
// Alternating slices, so a change in machine load hits both cases alike; medians reported.
const bareRates: number[] = [];
const fullRates: number[] = [];
const decodeRates: number[] = [];
const parseRates: number[] = [];
for (let i = 0; i < Math.max(4, Math.round((seconds * 1000) / 250)); i++) {
  bareRates.push(slice(bare, 250));
  fullRates.push(slice(full, 250));
  if (i % 4 === 0) {
    decodeRates.push(slice(decodeOnly, 100));
    parseRates.push(slice(parseOnly, 100));
  }
}
const report = (name: string, rates: number[]): number => {
  const m = median(rates);
  console.log(`${name.padEnd(30)} ${m.toFixed(0).padStart(6)} /s median (best ${Math.max(...rates).toFixed(0)})   ${(1e6 / m).toFixed(1).padStart(7)} µs each`);
  return m;
};
const parseRate = report('JSON.parse', bareRates);
report('  of which: bytes → string', decodeRates);
report('  of which: JSON.parse(string)', parseRates);
const fullRate = report('parse + validate + translate', fullRates);
console.log(`ratio: ${(parseRate / fullRate).toFixed(2)}× the time of a bare JSON.parse (target ≤ 2×); ${fullRate >= 2200 ? 'meets' : 'below'} the 2,200 orders/s target`);
if (sink === 0) console.log('');
