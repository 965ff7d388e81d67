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
/** One scan that finds nothing in text without secrets (most text); see `redactText`. */
let precheck: RegExp | null = null;

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
  if (added) {
    pattern = null;
    precheck = null;
  }
}

/** For tests: forget registered secrets. */
export function clearSecrets(): void {
  secretValues.clear();
  pattern = null;
  precheck = null;
}

/** Registered secret values, longest first (so an encoded form is not half-replaced by a shorter raw form). */
const secretAlternatives = (): string[] =>
  [...secretValues].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

function secretPattern(): RegExp | null {
  if (secretValues.size === 0) return null;
  pattern ??= new RegExp(secretAlternatives().join('|'), 'g');
  return pattern;
}

// Query parameters and headers that carry credentials, whatever their value. A header's space may
// also be a JSON escape (`\n`, `\t`), so that whole JSON documents redact like their strings.
const CREDENTIAL_PARAM = /([?&](?:preshared_token|token|api_key)=)[^&#\s"']*/gi;
const CREDENTIAL_HEADER = /((?:API-Token|Bearer|Basic)(?:\s|\\[nrt])+)[A-Za-z0-9._~+/=:;|[\]-]{4,}/g;

/** Matches wherever `redactText` could change something (and in some places where it would not). */
function precheckPattern(): RegExp {
  precheck ??= new RegExp([...secretAlternatives(), '[?&](?:preshared_token|token|api_key)=', '(?:API-Token|Bearer|Basic)(?:\\s|\\\\[nrt])'].join('|'), 'i');
  return precheck;
}

const secretKeyCache = new Map<string, boolean>();

export function isSecretKey(key: string): boolean {
  let secret = secretKeyCache.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    // Keys come from a small vocabulary (schemas, headers); the cap guards against data used as keys.
    if (secretKeyCache.size < 4096) secretKeyCache.set(key, secret);
  }
  return secret;
}

export function redactText(text: string): string {
  // One scan for the common case of nothing to redact, instead of three replacements.
  if (text.length < 4 || !precheckPattern().test(text)) return text;
  const re = secretPattern();
  let out = re === null ? text : text.replace(re, REDACTED);
  out = out.replace(CREDENTIAL_PARAM, `$1${REDACTED}`);
  out = out.replace(CREDENTIAL_HEADER, `$1${REDACTED}`);
  return out;
}

/**
 * `JSON.stringify(redactValue(value))`, in one pass: values under secret-looking keys are masked
 * while serialising, then the whole text is redacted at once (registered secrets include their
 * JSON-escaped forms, and nothing a redaction writes can break the JSON). For the store, which
 * writes every request and answer it records.
 */
export function redactJson(value: unknown): string {
  const text = JSON.stringify(value, (key, v: unknown) => {
    if (v instanceof Error) return v.message;
    return key !== '' && v !== null && v !== undefined && v !== '' && isSecretKey(key) ? REDACTED : v;
  }) as string | undefined;
  return text === undefined ? 'null' : redactText(text);
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
