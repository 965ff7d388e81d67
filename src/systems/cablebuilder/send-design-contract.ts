/**
 * The hub's side of Send Design (reference 6.2–6.4): reading what CableBuilder posts leniently
 * (S4), the acceptance policy (S12), the write-back `update` (S10) and the answer shapes (S7, S8,
 * S11). Pure functions; the Fastify plugin is src/server/cablebuilder-receiver.ts.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { designSchema, describeIssue, designKey, type CommonDesign, type SendDesignResponse } from './schemas.ts';
import { DEFAULT_ASSUMPTIONS, type CableBuilderAssumptions } from './assumptions.ts';
import { REASON_PHRASES } from './errors.ts';

export const ACCEPT_POLICIES = ['valid-and-approved', 'valid', 'any'] as const;
export type AcceptPolicy = (typeof ACCEPT_POLICIES)[number];

export const writeBackSchema = z.strictObject({
  /** Header attribute that receives the Cetec part number; null = not written. */
  partAttribute: z.string().min(1).nullable().default(null),
  /** Header attribute that receives the Cetec revision label. */
  revisionAttribute: z.string().min(1).nullable().default(null),
  /** Header attribute that receives the import status (values below). */
  statusAttribute: z.string().min(1).nullable().default(null),
  /**
   * Header attribute that receives one line saying what happened: `Imported into Cetec as … revision …`,
   * or on failure what failed and that the design is not in the ERP. Null = not written.
   */
  messageAttribute: z.string().min(1).nullable().default(null),
  statusValues: z
    .strictObject({ done: z.string().default('In ERP'), queued: z.string().default('Queued for ERP'), failed: z.string().default('ERP import failed') })
    .default({ done: 'In ERP', queued: 'Queued for ERP', failed: 'ERP import failed' }),
});
export type WriteBackOptions = z.output<typeof writeBackSchema>;

export const receiverPolicySchema = z.strictObject({
  accept: z.enum(ACCEPT_POLICIES).default('valid-and-approved'),
  writeBack: writeBackSchema.default(() => writeBackSchema.parse({})),
});
export type ReceiverPolicy = z.output<typeof receiverPolicySchema>;

/** Reasons (S11 `Error:` lines) why the policy refuses a design; empty when accepted (S12). */
export function refusalReasons(design: CommonDesign, accept: AcceptPolicy): string[] {
  if (accept === 'any') return [];
  const d = design.detail;
  const name = designKey(d.design, d.designAlternative);
  const reasons: string[] = [];
  if (d.valid !== true) {
    const why = (d.errors ?? []).length > 0 ? `: ${(d.errors ?? []).join('; ')}` : '';
    reasons.push(`Error: design ${name} is not valid in CableBuilder${why}`);
  }
  if (accept === 'valid-and-approved' && d.approved !== true) reasons.push(`Error: design ${name} version ${d.version ?? '?'} is not approved`);
  return reasons;
}

export type ImportStatus = 'done' | 'queued' | 'failed';

/** A write-back message is cut to this many characters (CableBuilder keeps values as text; its column size is unknown). */
export const MESSAGE_MAX = 250;

/** The write-back message for an outcome (S10, S11). */
export function outcomeMessage(facts: { prcpart: string; revision: string; status: ImportStatus }, reason?: string): string {
  if (facts.status === 'done') return `Imported into Cetec as ${facts.prcpart} revision ${facts.revision}`;
  if (facts.status === 'queued') return `Queued for import into Cetec as ${facts.prcpart} revision ${facts.revision}`;
  return `Not in Cetec: the import of ${facts.prcpart} revision ${facts.revision} failed${reason ? `: ${reason}` : ''}`;
}

export type WriteBackFacts = { prcpart: string; revision: string; status: ImportStatus; message?: string };

/**
 * The `update` to send back (S10): header attributes only, `name` and `value` only; null when nothing is configured.
 * Only a done import writes the part number and revision: a queued or failed version is not in the
 * ERP (what the attributes held before stays), so those write the status and, when configured, the
 * message saying what is queued or what failed.
 */
export function toWriteBack(design: CommonDesign, facts: WriteBackFacts, options: WriteBackOptions): CommonDesign | null {
  const attributes: Array<{ name: string; value: string }> = [];
  const inErp = facts.status === 'done';
  if (options.partAttribute !== null && inErp) attributes.push({ name: options.partAttribute, value: facts.prcpart });
  if (options.revisionAttribute !== null && inErp) attributes.push({ name: options.revisionAttribute, value: facts.revision });
  if (options.statusAttribute !== null) attributes.push({ name: options.statusAttribute, value: options.statusValues[facts.status] });
  if (options.messageAttribute !== null && facts.message !== undefined) attributes.push({ name: options.messageAttribute, value: facts.message.slice(0, MESSAGE_MAX) });
  if (attributes.length === 0) return null;
  return { detail: { design: design.detail.design, designAlternative: design.detail.designAlternative }, header: { attributes } };
}

export type ReadProblem = { status: 400; exception: string; message: string };

/**
 * Reads one element of a Send Design body leniently (S3, S4): unknown fields dropped, missing
 * arrays empty, numeric strings accepted for integers [A-29], `layercode` accepted for `layer`
 * [A-08]. Anything else of the wrong type, or a missing key, is a 400 naming the field.
 */
export function readReceivedDesign(raw: unknown, at: string, a: CableBuilderAssumptions = DEFAULT_ASSUMPTIONS): CommonDesign | ReadProblem {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { status: 400, exception: 'JsonException', message: `${at}: expected a design object` };
  const detail = (raw as { detail?: unknown }).detail;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { status: 400, exception: 'DesignNotDefinedException', message: `${at}.detail: missing` };
  const d = detail as Record<string, unknown>;
  if (typeof d.design !== 'string' || d.design.trim() === '') return { status: 400, exception: 'DesignNotDefinedException', message: `${at}.detail.design: must be a non-blank string` };
  const alt = a.receiverAcceptsNumericStrings && typeof d.designAlternative === 'string' && /^\d+$/.test(d.designAlternative) ? Number(d.designAlternative) : d.designAlternative;
  if (typeof alt !== 'number' || !Number.isInteger(alt) || alt < 0) return { status: 400, exception: 'DesignNotDefinedException', message: `${at}.detail.designAlternative: must be an integer >= 0` };
  const parsed = designSchema.safeParse(lenient(raw, a));
  if (!parsed.success) return { status: 400, exception: 'JsonException', message: `${at}.${describeIssue(parsed.error)}` };
  return parsed.data;
}

const INTEGER_KEYS = new Set(['designAlternative', 'version', 'level', 'order', 'operation', 'resource', 'layer', 'position']);

function lenient(value: unknown, a: CableBuilderAssumptions, depth = 0): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => lenient(v, a, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = k === 'layercode' && a.receiverAcceptsLayercode && !('layer' in value) ? 'layer' : k;
    out[key] = a.receiverAcceptsNumericStrings && INTEGER_KEYS.has(key) && typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : lenient(v, a, depth + 1);
  }
  return out;
}

/**
 * Detail fields that change because of the ERP itself (a successful send sets `inERP`; our
 * write-back changes `lastUpdated…`) or of where the design sits in a multi-level answer. They
 * are left out of the content hash, so a resend of unchanged content is recognised (S6).
 */
const VOLATILE_DETAIL = ['inERP', 'lastUpdatedBy', 'lastUpdateDateTime', 'level', 'order'] as const;

/** Canonical JSON (sorted keys) hash of a design set's content: a resend of the same content hashes the same (S6). */
export function payloadHash(designs: readonly CommonDesign[]): string {
  const content = designs.map((d) => {
    const detail: Record<string, unknown> = { ...d.detail };
    for (const key of VOLATILE_DETAIL) delete detail[key];
    return { ...d, detail };
  });
  return createHash('sha256').update(canonical(content)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The common error structure the receiver answers with when it cannot read a request (S8). */
export function errorAnswer(status: number, name: string, detail: string, path: string, now: Date): { status: number; error: string; message: string; timestamp: string; path: string } {
  return { status, error: REASON_PHRASES[status] ?? 'Error', message: `${name} - ${detail}`, timestamp: now.toISOString().slice(0, 23), path };
}

export type { SendDesignResponse };
