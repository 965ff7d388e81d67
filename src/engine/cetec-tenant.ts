/**
 * What has been *established* about a profile's Cetec tenant, as opposed to assumed. Cetec
 * publishes no API reference (cetec.md §0): whether `GET /api/order?external_key=` finds an order
 * (§6.2, §10 item 2) and what the import does with a reused external key (§10 item 1) are known
 * only once `shopwire cetec selftest` has watched the tenant do it. The self-test records its
 * findings in the store (`tenant_facts`, system `cetec`); the engine reads them through
 * `tenantBehaviour` and trusts nothing else. Until something is established the safe default
 * holds: no lookup, reuse behaviour `unknown`, so an import whose first outcome is unknown is never
 * posted again (run-plan.ts).
 */
import { z } from 'zod';
import type { DuplicateKeyBehaviour } from './ports.ts';

const lookupFact = z.object({
  /** The lookup found an order the hub created by its key, with the expected fields, and nothing for an unused key. */
  established: z.boolean(),
  at: z.number(),
  /** What was seen, for people (doctor, Settings). */
  detail: z.string(),
});

const reusedKeyFact = z.object({
  behaviour: z.enum(['reject', 'return-existing', 'allow', 'unknown']),
  at: z.number(),
  /**
   * For `reject`: a regular expression (source) matching the tenant's refusal words with the key
   * and numbers generalised (`reuseWordsPattern`), so the engine recognises a refusal of a reused
   * key in this tenant's own words and never mistakes another refusal for it.
   */
  words: z.string().nullable(),
  detail: z.string(),
});

export const cetecTenantFactsSchema = z.object({
  orderLookup: lookupFact.nullable().default(null),
  reusedKey: reusedKeyFact.nullable().default(null),
});

export type CetecTenantFacts = z.infer<typeof cetecTenantFactsSchema>;
export type CetecLookupFact = z.infer<typeof lookupFact>;
export type CetecReusedKeyFact = z.infer<typeof reusedKeyFact>;

/** The behaviour the engine may rely on for one profile. */
export type CetecTenantBehaviour = {
  /** The lookup by external key is established: a match proves presence, no match proves absence. */
  orderLookup: boolean;
  /** Established answer to a reused key; `unknown` until a sandbox self-test showed it. */
  duplicateExternalKey: DuplicateKeyBehaviour;
  /** For `reject`: the tenant's refusal words (a regular expression source), when recorded. */
  reuseWords?: string;
};

export const UNESTABLISHED: CetecTenantBehaviour = Object.freeze({ orderLookup: false, duplicateExternalKey: 'unknown' });

/** Stored facts (unvalidated JSON, or null) → what the engine may rely on. Unreadable facts count as nothing established. */
export function tenantBehaviour(stored: unknown): CetecTenantBehaviour {
  const parsed = cetecTenantFactsSchema.safeParse(stored ?? {});
  if (!parsed.success) return UNESTABLISHED;
  const { orderLookup, reusedKey } = parsed.data;
  return {
    orderLookup: orderLookup?.established === true,
    duplicateExternalKey: reusedKey?.behaviour ?? 'unknown',
    ...(reusedKey?.behaviour === 'reject' && reusedKey.words ? { reuseWords: reusedKey.words } : {}),
  };
}

export function parseTenantFacts(stored: unknown): CetecTenantFacts {
  const parsed = cetecTenantFactsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : { orderLookup: null, reusedKey: null };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern for the tenant's refusal of a reused key, from the message it gave for `key`: the key
 * becomes "any text", digit runs become "any number", the rest is literal (case-insensitive).
 */
export function reuseWordsPattern(message: string, key: string): string | null {
  const trimmed = message.trim();
  if (trimmed === '') return null;
  const parts = key === '' ? [trimmed] : trimmed.split(key);
  if (parts.length < 2) return null;
  return parts.map((p) => escape(p).replace(/\d+/g, '\\d+')).join('.+');
}

export function matchesReuseWords(pattern: string | undefined, message: string | undefined): boolean {
  if (pattern === undefined || message === undefined || message === '') return false;
  try {
    return new RegExp(`^${pattern}$`, 'i').test(message.trim());
  } catch {
    return false;
  }
}
