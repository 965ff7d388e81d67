/**
 * The emulator's request journal (cetec.md §9 items 5, 34): every call to the emulated API with
 * its answer and warnings, tokens redacted, and where the token came from. Tests read it to assert
 * what shopwire sent (and never sent: duplicate `build_order`, unmodelled calls, tokens in URLs).
 */
export type TokenSource = 'query' | 'body' | 'none';

export type JournalEntry = {
  seq: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  tokenSource: TokenSource;
  /** Whether the token was accepted; null when auth did not run (unmodelled path, faulted call). */
  tokenAccepted: boolean | null;
  body: unknown;
  status: number | null;
  response: unknown;
  durationMs: number | null;
  warnings: string[];
};

const LIMIT = 10_000;
export const REDACTED = '[redacted]';
const TOKEN_KEY = /^(preshared_token|token|authorization|cookie)$/i;

export type Journal = {
  entries(): JournalEntry[];
  add(entry: Omit<JournalEntry, 'seq'>): JournalEntry;
  clear(): void;
  /** Deep copy with token-bearing keys and any known token value (raw or percent-encoded) removed. */
  scrub(value: unknown): unknown;
};

export function createJournal(tokens: () => string[]): Journal {
  let entries: JournalEntry[] = [];
  let seq = 0;
  const scrubText = (text: string): string => {
    let out = text;
    for (const token of tokens()) {
      if (token === '') continue;
      for (const form of [token, encodeURIComponent(token)]) out = out.split(form).join(REDACTED);
    }
    return out;
  };
  const scrub = (value: unknown, depth = 0): unknown => {
    if (depth > 64) return '[too deep]';
    if (typeof value === 'string') return scrubText(value);
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = TOKEN_KEY.test(k) ? REDACTED : scrub(v, depth + 1);
      return out;
    }
    return value;
  };
  return {
    entries: () => structuredClone(entries),
    add(entry) {
      const full = { seq: ++seq, ...entry };
      entries.push(full);
      if (entries.length > LIMIT) entries = entries.slice(-LIMIT);
      return full;
    },
    clear() {
      entries = [];
    },
    scrub: (value) => scrub(value),
  };
}
