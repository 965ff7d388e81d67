/**
 * Translation throughput: orders per second for JSON.parse + validate + translate of the fixture
 * order (fixtures/paperless/order.json, 170 KB) on one core, next to a bare JSON.parse of the same
 * bytes. Warm-up first, then several seconds of measurement per case.
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
const candidates = [path.join(here, '../fixtures/paperless/order.json'), '/work/shared/fixtures/paperless/order.json'];
const file = candidates.find((f) => existsSync(f));
if (file === undefined) throw new Error(`order.json not found in ${candidates.join(', ')}`);
const bytes = readFileSync(file);
const seconds = Number(process.argv[2] ?? 4);

let sink = 0;
function measure(name: string, fn: () => void): number {
  // Warm-up: let the JIT settle.
  const warmUntil = performance.now() + 1000;
  while (performance.now() < warmUntil) fn();
  let n = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = performance.now();
  }
  const perSecond = n / ((now - start) / 1000);
  console.log(`${name.padEnd(34)} ${perSecond.toFixed(0).padStart(7)} /s   ${((1000 * (now - start)) / n).toFixed(1).padStart(7)} µs each  (${n} runs)`);
  return perSecond;
}

console.log(`order ${path.basename(file)}: ${bytes.length} bytes; ${seconds} s per case after 1 s warm-up; Node ${process.version}`);
const parse = measure('JSON.parse', () => {
  sink += (JSON.parse(bytes.toString('utf8')) as { number: number }).number;
});
const full = measure('parse + validate + translate', () => {
  const plan = toOrderPlan(JSON.parse(bytes.toString('utf8')), DEFAULT_ORDER_TRANSLATION_OPTIONS, { profile: 'bench' });
  sink += plan.steps.length;
});
console.log(`ratio: ${(parse / full).toFixed(2)}× the time of a bare JSON.parse (target ≤ 2×); ${full >= 2200 ? 'meets' : 'BELOW'} the 2,200 orders/s target`);
if (sink === 0) console.log('');
