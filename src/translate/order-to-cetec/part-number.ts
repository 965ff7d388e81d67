/**
 * Cetec part numbers (`prcpart`) for Paperless components. Never random: a component's number is
 * its Paperless part number, else one derived from stable Paperless data (the `uuid` rule: a
 * prefix and the start of `part_uuid`; the `name` rule: `part_name` without its extension), so the
 * BOM, the order line and every retry name the same part. A PRC prefix per component type goes in
 * front; the result is upper-cased (Cetec upper-cases part numbers, reference cetec.md 5.1).
 *
 * Checked here: empty numbers, numbers longer than `maxLength`, characters outside SAFE_PART, and
 * two different parts landing on one number (a collision) anywhere in the order.
 */
import { componentType, type PaperlessComponent } from '../../systems/paperless/order-schema.ts';
import type { OrderTranslationOptions } from './options.ts';

/** Letters, digits, space and `- _ . / + #`; anything else is refused rather than guessed at. */
export const SAFE_PART = /^[A-Z0-9 ._\-/+#]+$/;

export type PartRole = 'root' | 'child';

export type PartNumber = {
  /** Full Cetec part number: PRC prefix + base, upper-cased. */
  prcpart: string;
  /** The number without the PRC prefix (add-on lines build on it). */
  base: string;
  /** True when shopwire derived the base (Paperless had no part number). */
  derived: boolean;
};

export type PartNumberResult = { ok: true; value: PartNumber } | { ok: false; message: string; code: string };

/** Upper-case, unsafe runs to one space, spaces collapsed. */
export function sanitizePartText(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Z0-9 ._\-/+#]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `part_name` without a trailing file extension ("Bottom Block.step" → "Bottom Block"). */
export function stripExtension(name: string): string {
  return name.replace(/\.[A-Za-z0-9]{1,6}$/, '');
}

function deriveBase(component: PaperlessComponent, options: OrderTranslationOptions['partNumbers']): string | null {
  const fromUuid = (): string | null => {
    const hex = (component.part_uuid ?? '').replace(/[^0-9a-fA-F]/g, '');
    return hex.length >= options.uuidLength ? options.derivedPrefix + hex.slice(0, options.uuidLength) : null;
  };
  if (options.rule === 'name') {
    const name = sanitizePartText(stripExtension(component.part_name?.trim() ?? ''));
    // A nameless component (hand-made lines have part_name "") falls back to its uuid.
    if (name !== '') return options.derivedPrefix + name;
  }
  return fromUuid();
}

export function prcPrefixFor(component: PaperlessComponent, role: PartRole, options: OrderTranslationOptions['partNumbers']): string {
  if (role === 'root' && options.prc.root !== null) return options.prc.root;
  return options.prc[componentType(component)];
}

/** Checks a full part number against Cetec's limits as shopwire applies them. */
export function checkPartNumber(prcpart: string, maxLength: number): string | null {
  if (prcpart.trim() === '') return 'the part number is empty';
  if (prcpart.length > maxLength) return `the part number ${JSON.stringify(prcpart)} is ${prcpart.length} characters, longer than the ${maxLength} allowed (translation.partNumbers.maxLength)`;
  if (!SAFE_PART.test(prcpart)) {
    const bad = [...new Set(prcpart.replace(/[A-Z0-9 ._\-/+#]/g, ''))].join('');
    return `the part number ${JSON.stringify(prcpart)} contains characters Cetec may refuse (${JSON.stringify(bad)}); allowed: letters, digits, space and - _ . / + #`;
  }
  return null;
}

export function partNumberOf(component: PaperlessComponent, role: PartRole, options: OrderTranslationOptions['partNumbers']): PartNumberResult {
  const given = component.part_number?.trim() ?? '';
  let base: string;
  let derived = false;
  if (given !== '') {
    base = given.toUpperCase();
  } else {
    const d = deriveBase(component, options);
    if (d === null) {
      return {
        ok: false,
        code: 'part-number.missing',
        message: `has no part number, and no part_uuid${options.rule === 'name' ? ' or part_name' : ''} to derive one from`,
      };
    }
    base = d.toUpperCase();
    derived = true;
  }
  const prcpart = (prcPrefixFor(component, role, options) + base).toUpperCase();
  const problem = checkPartNumber(prcpart, options.maxLength);
  if (problem !== null) return { ok: false, code: 'part-number.invalid', message: problem };
  return { ok: true, value: { prcpart, base, derived } };
}

/**
 * Remembers which part each number stands for, so two different parts never share a number.
 * A Paperless part number stands for itself; a derived one for the component's part_uuid (or, when
 * derived from a name, for that uuid too: two files called "Bracket.step" are two parts).
 */
export class PartNumberRegistry {
  private readonly owners = new Map<string, { identity: string; who: string }>();

  /** Null when fine; otherwise the message of a collision. */
  claim(prcpart: string, identity: string, who: string): string | null {
    const prior = this.owners.get(prcpart);
    if (prior === undefined) {
      this.owners.set(prcpart, { identity, who });
      return null;
    }
    if (prior.identity === identity) return null;
    return `part number ${JSON.stringify(prcpart)} would name two different parts: ${prior.who} and ${who}`;
  }
}

/** What a part number stands for, for collision checks. */
export function partIdentity(component: PaperlessComponent, number: PartNumber): string {
  if (!number.derived) return `pn:${number.base}`;
  return `uuid:${component.part_uuid ?? `component-${component.id}`}`;
}
