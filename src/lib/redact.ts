/**
 * Redaction of secrets. Every token shopwire loads is registered here once (config/load.ts does
 * it), and every piece of text or JSON that leaves the process through logs, transfer records,
 * error messages, command output or the dashboard passes through `redactText` / `redactValue`.
 * Two nets: known secret values are replaced wherever they occur (also percent-encoded), and
 * values under secret-looking keys (token, password, secret, authorization, …) are masked whatever
 * they hold.
 */
export const REDACTED = '[redacted]';

const secretValues = new Set<string>();
let pattern: RegExp | null = null;

const SECRET_KEY = /(^|_|-)(token|preshared_token|password|passwd|secret|authorization|api[-_]?key|cookie|signature)$/i;

/** Registers a secret value so that it is removed from everything redacted afterwards. */
export function registerSecret(value: string | undefined | null): void {
  if (value === undefined || value === null || value.length < 4) return;
  // Raw, percent-encoded (query strings, forms) and JSON-escaped (log lines, stored JSON) forms.
  const forms = [value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+'), JSON.stringify(value).slice(1, -1)];
  let added = false;
  for (const form of forms) {
    if (!secretValues.has(form)) {
      secretValues.add(form);
      added = true;
    }
  }
  if (added) pattern = null;
}

/** For tests: forget registered secrets. */
export function clearSecrets(): void {
  secretValues.clear();
  pattern = null;
}

function secretPattern(): RegExp | null {
  if (secretValues.size === 0) return null;
  if (pattern === null) {
    // Longest first so that an encoded form is not half-replaced by a shorter raw form.
    const alternatives = [...secretValues]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(alternatives.join('|'), 'g');
  }
  return pattern;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactText(text: string): string {
  const re = secretPattern();
  let out = re === null ? text : text.replace(re, REDACTED);
  // Query parameters and headers that carry credentials, whatever their value.
  out = out.replace(/([?&](?:preshared_token|token|api_key)=)[^&#\s"']*/gi, `$1${REDACTED}`);
  out = out.replace(/((?:API-Token|Bearer|Basic)\s+)[A-Za-z0-9._~+/=:;|[\]-]{4,}/g, `$1${REDACTED}`);
  return out;
}

/** Deep copy of a JSON-like value with secrets removed. */
export function redactValue<T>(value: T): T {
  return redactInner(value, 0) as T;
}

function redactInner(value: unknown, depth: number): unknown {
  if (depth > 64) return '[too deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactInner(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    if (value instanceof Error) return redactText(value.message);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactInner(v, depth + 1);
    }
    return out;
  }
  return value;
}
