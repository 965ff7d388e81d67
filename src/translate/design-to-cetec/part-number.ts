/**
 * Design identity → Cetec part number and revision label, by the configured templates.
 * Cetec upper-cases part numbers (reference cetec.md 5.1), so we do too: the number we write back
 * to CableBuilder is then the one Cetec shows. A design code that does not fit the configured
 * pattern is a data problem, never silently rewritten (two codes must not collide quietly).
 */
import type { DesignTranslationOptions } from './options.ts';
import type { ProblemList } from './errors.ts';

export type DesignIdentity = { design: string; designAlternative: number; version?: number | null | undefined };

function fill(template: string, id: DesignIdentity): string {
  return template
    .replaceAll('{design}', id.design)
    .replaceAll('{designAlternative}', String(id.designAlternative))
    .replaceAll('{version}', id.version === null || id.version === undefined ? '' : String(id.version));
}

/** The part number, or null after recording a problem. */
export function toPartNumber(id: DesignIdentity, options: DesignTranslationOptions, problems: ProblemList, where: string): string | null {
  const part = fill(options.partNumber, id).toUpperCase();
  if (!new RegExp(options.partNumberPattern, 'u').test(part)) {
    problems.add('part-number-invalid', where, `part number ${JSON.stringify(part)} (from design code ${JSON.stringify(id.design)}) has characters Cetec part numbers may not hold (allowed: ${options.partNumberPattern})`);
    return null;
  }
  if (part.length > options.partNumberMaxLength) {
    problems.add('part-number-too-long', where, `part number ${JSON.stringify(part)} is longer than ${options.partNumberMaxLength} characters`);
    return null;
  }
  return part;
}

export function toRevision(id: DesignIdentity, options: DesignTranslationOptions, problems: ProblemList, where: string): string {
  if (options.revision.includes('{version}') && (id.version === null || id.version === undefined)) {
    problems.add('version-missing', where, 'detail.version is missing, and the revision template uses {version}');
  }
  return fill(options.revision, id);
}
