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

/** The amount as an exact decimal string, unchanged when it already is one ("0.9310" stays). */
export function exactAmount(value: string): string {
  if (!DECIMAL.test(value)) throw new TypeError(`not a decimal amount: ${JSON.stringify(value)}`);
  return value;
}

/** Exact sum of decimal strings, as a string with at least `minPlaces` decimals (default 2). */
export function sumAmounts(values: readonly string[], minPlaces = 2): string {
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
export function displayAmount(value: string): string {
  const fixed = formatAmount(new Decimal(exactAmount(value)), 2);
  const negative = fixed.startsWith('-');
  const [whole, fraction] = (negative ? fixed.slice(1) : fixed).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${grouped}.${fraction}`;
}
