/**
 * HTML by template literals. `html` is a tag: every interpolated value is escaped unless it is
 * itself the result of `html` (or `raw`), arrays are joined, and null/undefined/false vanish.
 * Every interpolated string also passes `redactText`, a last net so a registered secret cannot
 * reach a page even if some data forgot to be redacted.
 */
import { redactText } from '../lib/redact.ts';

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map((v) => render(v)).join('');
  return escapeHtml(redactText(String(value)));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Trusted markup (built here, never from data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A query string from non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return pairs.length === 0 ? '' : `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}
