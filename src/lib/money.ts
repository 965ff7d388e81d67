/**
 * Exact money. Paperless sends amounts as decimal strings with 0–6 places; Cetec takes decimal
 * strings. Amounts pass through as the strings they arrived as (after checking their form), and
 * arithmetic, where needed, goes through decimal.js: never through binary floats.
 */
import { Decimal } from 'decimal.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimalString(value: string): boolean {
  return DECIMAL.test(value);
}

/**
 * The amount as an exact decimal string, unchanged when it already is one ("0.9310" stays). A JSON
 * number (OA1/OA2 declare money as numbers) is read by its shortest round-trip text, which is the
 * decimal that was written for up to 15 significant digits; a number with more digits than a
 * double holds exactly is refused rather than rounded silently.
 */
export function exactAmount(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a decimal amount: ${String(value)}`);
    const d = new Decimal(value);
    if (d.precision(true) > 15) throw new TypeError(`amount ${String(value)} has more digits than a JSON number carries exactly; send it as a string`);
    return d.toFixed();
  }
  if (!DECIMAL.test(value)) throw new TypeError(`not a decimal amount: ${JSON.stringify(value)}`);
  return value;
}

/** Decimal places of an exact amount's text ("0.9310" → 4). */
export function placesOf(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}

/**
 * The amount with at most `places` decimals. The one rounding rule for prices with more decimals
 * than Cetec keeps: round half to even (banker's rounding, as the Paperless SDK's Money does),
 * exactly, in decimal, written with exactly `places` decimals. An amount with no more places than
 * that is returned unchanged (text and all).
 */
export function roundAmount(value: string | number, places: number): { text: string; rounded: boolean } {
  const exact = exactAmount(value);
  if (placesOf(exact) <= places) return { text: exact, rounded: false };
  // A rounded amount is written with exactly `places` decimals.
  return { text: new Decimal(exact).toFixed(places, Decimal.ROUND_HALF_EVEN), rounded: true };
}

/** True when the amount is zero ("0", "0.00", 0). */
export function isZeroAmount(value: string | number): boolean {
  return new Decimal(exactAmount(value)).isZero();
}

/** Exact sum of decimal strings, as a string with at least `minPlaces` decimals (default 2). */
export function sumAmounts(values: readonly (string | number)[], minPlaces = 2): string {
  let total = new Decimal(0);
  for (const value of values) total = total.plus(new Decimal(exactAmount(value)));
  return formatAmount(total, minPlaces);
}

/** Exact product of an amount and an integer count (e.g. unit price × quantity). */
export function multiplyAmount(value: string, factor: number, minPlaces = 2): string {
  return formatAmount(new Decimal(exactAmount(value)).times(factor), minPlaces);
}

/** Fixed notation, keeping every significant decimal but never fewer than `minPlaces`. */
export function formatAmount(value: Decimal, minPlaces = 2): string {
  const places = Math.max(minPlaces, value.decimalPlaces());
  return value.toFixed(places);
}

/** "$1,000.00"-style text for human-readable comments (exact; thousands separators). */
export function displayAmount(value: string | number): string {
  const fixed = formatAmount(new Decimal(exactAmount(value)), 2);
  const negative = fixed.startsWith('-');
  const [whole, fraction] = (negative ? fixed.slice(1) : fixed).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${grouped}.${fraction}`;
}
