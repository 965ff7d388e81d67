/**
 * Paperless Parts webhook signatures (reference §5.10).
 *
 * Each push carries `Paperless-Parts-Signature: t=<unix seconds>,v1=<hex>`, the hex being
 * HMAC-SHA256 over `"<t>.<body>"` keyed with the signing secret decoded from hex. Paperless signs
 * the body as Python's `json.dumps` writes it (", " and ": " separators, non-ASCII escaped), which
 * is not necessarily the byte string a proxy delivers, so a request verifies if either the raw
 * bytes or the Python-style re-serialisation of the parsed JSON match. The timestamp must lie
 * within a tolerance of now in both directions, so that a captured request cannot be replayed
 * later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'paperless-parts-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookEvent = {
  type: string;
  created?: string;
  /** What `data` is ("integration action" in the help article's sample); kept, never read: any value is accepted. */
  object?: unknown;
  data: Record<string, unknown>;
  [key: string]: unknown;
};

export type VerifyWebhookInput = {
  rawBody: string | Buffer;
  header: string | undefined;
  secretHex: string;
  nowSeconds: number;
  toleranceSeconds?: number;
};

export type VerifyWebhookResult =
  | { ok: true; event: WebhookEvent; timestamp: number }
  | { ok: false; reason: 'missing-header' | 'malformed-header' | 'bad-secret' | 'stale' | 'future' | 'bad-json' | 'bad-signature' | 'not-an-event' };

export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (input.header === undefined || input.header.trim() === '') return { ok: false, reason: 'missing-header' };
  const parsed = parseSignatureHeader(input.header);
  if (parsed === null) return { ok: false, reason: 'malformed-header' };
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(input.secretHex)) return { ok: false, reason: 'bad-secret' };
  if (parsed.timestamp < input.nowSeconds - tolerance) return { ok: false, reason: 'stale' };
  if (parsed.timestamp > input.nowSeconds + tolerance) return { ok: false, reason: 'future' };

  const raw = typeof input.rawBody === 'string' ? input.rawBody : input.rawBody.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'bad-json' };
  }
  const candidates = [raw];
  const python = pythonJsonDumps(body);
  if (python !== raw) candidates.push(python);
  const matched = candidates.some((text) =>
    parsed.signatures.some((sig) => signatureMatches(computeSignature(text, parsed.timestamp, input.secretHex), sig)),
  );
  if (!matched) return { ok: false, reason: 'bad-signature' };
  if (!isEvent(body)) return { ok: false, reason: 'not-an-event' };
  return { ok: true, event: body, timestamp: parsed.timestamp };
}

/** Hex HMAC-SHA256 of `"<t>.<body>"` with the hex-decoded secret. */
export function computeSignature(body: string, timestamp: number, secretHex: string): string {
  return createHmac('sha256', Buffer.from(secretHex, 'hex')).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The header value Paperless Parts sends for `body` at `timestamp` (used by the emulator). */
export function signatureHeader(body: string, timestamp: number, secretHex: string): string {
  return `t=${timestamp},v1=${computeSignature(body, timestamp, secretHex)}`;
}

function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return null;
      signatures.push(value.toLowerCase());
    }
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

function signatureMatches(expectedHex: string, givenHex: string): boolean {
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(givenHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function isEvent(value: unknown): value is WebhookEvent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && v.data !== null && typeof v.data === 'object' && !Array.isArray(v.data);
}

/**
 * JSON text as Python's `json.dumps(value)` writes it with default arguments: `", "` and `": "`
 * separators, keys in insertion order, every character outside printable ASCII escaped as
 * `\uXXXX`, and floats in Python's repr (exponent below 1e-4 and from 1e16). Integer-valued
 * numbers print as integers: a Python float such as `150.0` cannot be told apart once parsed,
 * which is why verification also tries the raw bytes.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pythonString(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  throw new TypeError(`cannot serialise ${typeof value}`);
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
